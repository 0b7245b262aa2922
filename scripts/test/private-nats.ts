// A NATS JetStream cluster of its own on free loopback ports (3 nodes by default, RAFT-replicated
// streams), for the ingest-log tests and `npm run scale`: one directory per node, stopped by pid and
// removed afterwards; a node can be killed and started again on its ports and storage.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

interface Node {
  name: string;
  port: number;
  clusterPort: number;
  child: ChildProcess | null;
}

export class PrivateNats {
  private constructor(
    private readonly nodes: Node[],
    private readonly dir: string,
  ) {}

  static async start(size = 3): Promise<PrivateNats> {
    const nodes: Node[] = [];
    for (let i = 0; i < size; i += 1) nodes.push({ name: `tl-nats-${i}`, port: await freePort(), clusterPort: await freePort(), child: null });
    const cluster = new PrivateNats(nodes, await mkdtemp(join(tmpdir(), 'tl-nats-')));
    for (const node of nodes) await cluster.startNode(node);
    await waitFor('JetStream to elect a meta leader', () => cluster.jetStreamReady(), { timeoutMs: 60_000, everyMs: 250 });
    return cluster;
  }

  /** INGEST_LOG_URL: every node, comma-separated. */
  get url(): string {
    return this.nodes.map((n) => `nats://127.0.0.1:${n.port}`).join(',');
  }

  get size(): number {
    return this.nodes.length;
  }

  /** SIGKILL of node `index` (no clean shutdown). */
  async kill(index: number): Promise<void> {
    const node = this.nodes[index]!;
    const child = node.child;
    node.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts node `index` again on its ports and storage; it catches up from the others. */
  async restart(index: number): Promise<void> {
    await this.startNode(this.nodes[index]!);
  }

  async stop(): Promise<void> {
    for (let i = 0; i < this.nodes.length; i += 1) await this.kill(i);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async startNode(node: Node): Promise<void> {
    const store = join(this.dir, node.name);
    await mkdir(store, { recursive: true });
    const routes = this.nodes.filter((n) => n !== node).map((n) => `nats-route://127.0.0.1:${n.clusterPort}`);
    const args = ['-a', '127.0.0.1', '-p', String(node.port), '-js', '-sd', store, '-n', node.name];
    if (this.nodes.length > 1) args.push('--cluster_name', 'tl-ingest', '--cluster', `nats://127.0.0.1:${node.clusterPort}`, '--routes', routes.join(','));
    const child = spawn('nats-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    node.child = child;
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2_000)));
    await waitFor(
      `nats-server ${node.name} to accept connections`,
      async () => {
        if (child.exitCode !== null) throw new Error(`nats-server ${node.name} exited (${child.exitCode}): ${said.trim()}`);
        const nc = await connect({ servers: `nats://127.0.0.1:${node.port}`, reconnect: false, timeout: 1_000 }).catch(() => null);
        await nc?.close();
        return nc !== null;
      },
      { timeoutMs: 20_000, everyMs: 100 },
    );
  }

  private async jetStreamReady(): Promise<boolean> {
    const nc = await connect({ servers: this.url.split(','), timeout: 1_000 }).catch(() => null);
    if (!nc) return false;
    try {
      await (await nc.jetstreamManager({ timeout: 1_000 })).getAccountInfo();
      return true;
    } catch {
      return false;
    } finally {
      await nc.close();
    }
  }
}
