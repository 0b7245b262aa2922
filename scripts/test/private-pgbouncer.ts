// PgBouncer of its own in transaction mode on a free loopback port, in front of a PostgreSQL
// server: every database of the server under its name, trust authentication for the users listed.
// For the pooler test and `npm run scale`; as root it runs as the postgres user (it refuses root).
import { spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export class PrivatePgBouncer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly child: ChildProcess,
  ) {}

  /** `poolSize` server connections per database and user. */
  static async start(server: { port: number }, users: string[], poolSize = 10): Promise<PrivatePgBouncer> {
    const dir = await mkdtemp(join(tmpdir(), 'tl-pgbouncer-'));
    const port = await freePort();
    await writeFile(join(dir, 'userlist.txt'), users.map((u) => `"${u}" ""\n`).join(''));
    await writeFile(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=127.0.0.1 port=${server.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 500',
        `logfile = ${join(dir, 'pgbouncer.log')}`,
        '',
      ].join('\n'),
    );
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
      for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) await chown(join(dir, file), uid, gid);
    }
    const child = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
    const bouncer = new PrivatePgBouncer(port, dir, child);
    await waitFor(
      'PgBouncer to accept connections',
      async () => {
        const client = new pg.Client({ connectionString: bouncer.url('postgres', users[0]!) });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return false;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs: 20_000, everyMs: 100 },
    );
    return bouncer;
  }

  url(database: string, user: string): string {
    return `postgres://${user}@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      await new Promise<void>((resolve) => {
        this.child.once('exit', () => resolve());
        this.child.kill('SIGTERM');
      });
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
