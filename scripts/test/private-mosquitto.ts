// A Mosquitto broker of its own on a free loopback port, for the benchmarks and the scale run,
// configured as docs/operations.md asks of a plant broker: a per-client queue deep enough to
// absorb a burst (Mosquitto's default of 1,000 queued QoS 1 messages drops the rest when a
// subscriber falls a moment behind).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort } from './free-port.ts';
import { waitFor } from './wait-for.ts';

export class PrivateMosquitto {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateMosquitto> {
    const broker = new PrivateMosquitto(await freePort(), await mkdtemp(join(tmpdir(), 'tl-mosquitto-')));
    const config = join(broker.dir, 'mosquitto.conf');
    await writeFile(
      config,
      [`listener ${broker.port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 1000000', 'max_inflight_messages 0', ''].join('\n'),
    );
    broker.child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    await waitFor(
      'the private Mosquitto to accept connections',
      async () => {
        const probe = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0, connectTimeout: 1_000 }).catch(() => null);
        await probe?.endAsync();
        return probe !== null;
      },
      { timeoutMs: 20_000 },
    );
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return stopBroker(this.child, this.dir);
  }
}

/** Stops a broker the tests started and removes its files. */
export async function stopBroker(child: ChildProcess | null, dir: string): Promise<void> {
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
  await rm(dir, { recursive: true, force: true });
}
