// A Redis Cluster of its own on free loopback ports: 3 masters and 3 replicas (redis-server in
// cluster mode, AOF, noeviction), made with `redis-cli --cluster create`. For the cluster tests and
// `npm run scale`; stopped by pid and its directory removed afterwards.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export class PrivateRedisCluster {
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: number[],
    /** Each node's cluster bus port (by default port + 10000, which may be taken). */
    private readonly busPorts: Map<number, number>,
    private readonly dir: string,
  ) {}

  static async start(nodes = 6): Promise<PrivateRedisCluster> {
    const taken = new Set<number>();
    const port = async () => {
      for (;;) {
        const candidate = await freePort();
        if (taken.has(candidate)) continue;
        taken.add(candidate);
        return candidate;
      }
    };
    const ports: number[] = [];
    const busPorts = new Map<number, number>();
    while (ports.length < nodes) {
      const client = await port();
      ports.push(client);
      busPorts.set(client, await port());
    }
    const cluster = new PrivateRedisCluster(ports, busPorts, await mkdtemp(join(tmpdir(), 'tl-redis-cluster-')));
    try {
      for (const p of ports) await cluster.startNode(p);
      await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '1', '--cluster-yes']);
      await waitFor(
        'every cluster node to report cluster_state:ok',
        async () => (await Promise.all(ports.map((p) => cluster.info(p, 'cluster_state')))).every((s) => s === 'ok'),
        {
          timeoutMs: 60_000,
          everyMs: 200,
        },
      );
      await waitFor('every master to have its replica', async () => (await cluster.slots()).every((shard) => shard.length >= 4), {
        timeoutMs: 60_000,
        everyMs: 200,
      });
    } catch (error) {
      // Nothing left running when the cluster cannot be made.
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Seeds for REDIS_CLUSTER_NODES. */
  get seeds(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: '127.0.0.1', port }));
  }

  /** The master serving `key`'s slot and one of its replicas, by port. */
  async shardOf(key: string): Promise<{ master: number; replica: number }> {
    const probe = this.probe();
    try {
      const slot = (await probe.call('CLUSTER', 'KEYSLOT', key)) as number;
      const shard = (await this.slots()).find(([from, to]) => slot >= from && slot <= to);
      if (!shard || shard.length < 4) throw new Error(`no master with a replica serves slot ${slot}`);
      return { master: shard[2][1], replica: shard[3]![1] };
    } finally {
      probe.disconnect();
    }
  }

  /** CLUSTER SLOTS as a live node sees it: [from, to, master, ...replicas], nodes as [host, port, id]. */
  private async slots(): Promise<[number, number, [string, number, string], ...[string, number, string][]][]> {
    const probe = this.probe();
    try {
      return (await probe.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, string], ...[string, number, string][]][];
    } finally {
      probe.disconnect();
    }
  }

  private probe(): Redis {
    return new Redis([...this.children.keys()][0]!, '127.0.0.1', { lazyConnect: true });
  }

  /** A manual failover: the replica catches up with its master and takes its place, nothing lost. */
  async failover(replica: number): Promise<void> {
    const client = new Redis(replica, '127.0.0.1');
    try {
      await client.call('CLUSTER', 'FAILOVER');
      await waitFor(`node ${replica} to become a master`, async () => (await this.info(replica, 'role')) === 'master', { timeoutMs: 60_000, everyMs: 100 });
    } finally {
      client.disconnect();
    }
  }

  /** SIGKILL: the node's replica is elected in its place after the node timeout. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    this.children.delete(port);
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  /** Starts a node again on its port and directory (it rejoins as it left, or as a replica of who replaced it). */
  async restart(port: number): Promise<void> {
    await this.startNode(port);
  }

  async stop(): Promise<void> {
    for (const port of [...this.children.keys()]) await this.kill(port);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async startNode(port: number): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--cluster-enabled',
        'yes',
        '--cluster-port',
        String(this.busPorts.get(port)),
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        '1000',
        '--appendonly',
        'yes',
        '--appendfilename',
        `appendonly-${port}.aof`,
        '--appenddirname',
        `aof-${port}`,
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: 'ignore' },
    );
    this.children.set(port, child);
    await waitFor(`redis-server on ${port} to answer`, async () => (await this.info(port, 'redis_version')) !== null, {
      timeoutMs: 20_000,
      everyMs: 100,
    });
  }

  /** One field of INFO (or CLUSTER INFO for cluster_* fields) of a node; null while it does not answer. */
  private async info(port: number, field: string): Promise<string | null> {
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      const text = field.startsWith('cluster_') ? ((await client.call('CLUSTER', 'INFO')) as string) : await client.info();
      return new RegExp(`^${field}:(\\S+)`, 'm').exec(text)?.[1] ?? null;
    } catch {
      return null;
    } finally {
      client.disconnect();
    }
  }
}
