// A PostgreSQL cluster of its own on a free loopback port, for the chaos suite, the replica tests
// and `npm run scale`: initdb into a temporary directory (or pg_basebackup of another one, as a
// streaming replica), started and stopped with pg_ctl, so it can be crashed (`pg_ctl stop -m
// immediate`: no shutdown checkpoint, recovery from the WAL at the next start) without touching the
// machine's shared server. As root the server runs as the postgres user, as PostgreSQL requires.
import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);

async function binDir(): Promise<string> {
  const { stdout } = await run('pg_config', ['--bindir']);
  return stdout.trim();
}

export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    private readonly asUser: string | null,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const cluster = await PrivatePostgres.make();
    await cluster.pg('initdb', ['-D', cluster.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await cluster.restart();
    return cluster;
  }

  /** A streaming replica of `primary` (pg_basebackup -R: it follows the primary from the copy on). */
  static async replicaOf(primary: PrivatePostgres): Promise<PrivatePostgres> {
    const replica = await PrivatePostgres.make();
    await replica.pg('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      replica.data,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
      '--no-sync',
    ]);
    await replica.restart();
    return replica;
  }

  private static async make(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), 'tl-pg-'));
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    if (asUser) {
      const { stdout } = await run('id', ['-u', asUser]);
      const { stdout: group } = await run('id', ['-g', asUser]);
      await chown(dir, Number(stdout), Number(group));
    }
    return new PrivatePostgres(await freePort(), dir, await binDir(), asUser);
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** A URL of a database on this cluster (it may not exist yet). */
  url(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts (again) and waits until it accepts connections; after a crash this includes WAL recovery. */
  async restart(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dir} -c max_connections=60 -c shared_buffers=64MB`;
    await this.pg('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** `pg_ctl stop -m immediate`: every server process quits at once, as on a crash or power loss. */
  async crash(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  /** A clean shutdown (it can be started again with restart()). */
  async halt(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  async stop(): Promise<void> {
    await this.halt().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async pg(program: string, args: string[]): Promise<void> {
    const path = join(this.bin, program);
    await (this.asUser ? run('runuser', ['-u', this.asUser, '--', path, ...args]) : run(path, args));
  }
}
