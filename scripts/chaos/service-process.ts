// A Threadline process (the API's or the workers' src/main.ts) for the chaos suite, in a process
// group of its own so a SIGKILL takes tsx and the node process it runs together, as a crash or an
// OOM kill would.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export class ServiceProcess {
  private child: ChildProcess | null = null;

  constructor(
    private readonly service: 'api' | 'workers',
    private readonly env: Record<string, string>,
    /** Appends the process's output (at LOG_LEVEL warn unless the env says) here instead of discarding it. */
    private readonly logFile?: string,
  ) {}

  start(): void {
    const log = this.logFile ? openSync(this.logFile, 'a') : null;
    // The suite itself runs under tsx with bench's tsconfig; each service uses its own.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TSX_')));
    this.child = spawn(fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url)), ['src/main.ts'], {
      cwd: fileURLToPath(new URL(`../../${this.service}`, import.meta.url)),
      env: {
        ...inherited,
        MQTT_URL: '',
        OPCUA_ENDPOINT: '',
        LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? (log === null ? 'silent' : 'warn'),
        NODE_ENV: 'test',
        ...this.env,
      },
      stdio: log !== null ? ['ignore', log, log] : process.env.CHAOS_LOG_LEVEL ? 'inherit' : 'ignore',
      detached: true,
    });
    if (log !== null) closeSync(log);
  }

  /** Sends `signal` (SIGKILL unless named) to the whole group; resolves once the process is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    await exited;
  }
}
