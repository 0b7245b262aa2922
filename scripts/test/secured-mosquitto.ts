// A plant broker secured as docs/security.md (device identities) asks, on free loopback ports, for
// the device identity tests: a TLS listener that requires a client certificate from the
// organisation's device authority and per-device credentials, with access control by Mosquitto's
// dynamic security plugin (everything denied unless a device's role allows it), and a plain
// administrative listener the API's broker control and the test's observer use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort } from './free-port.ts';
import { stopBroker } from './private-mosquitto.ts';
import { waitFor } from './wait-for.ts';

/** Debian's mosquitto package ships the plugin under the machine's multiarch directory. */
function dynsecPlugin(): string {
  for (const dir of [
    '/usr/lib',
    ...readdirSync('/usr/lib')
      .filter((d) => d.endsWith('-linux-gnu'))
      .map((d) => `/usr/lib/${d}`),
  ]) {
    const path = join(dir, 'mosquitto_dynamic_security.so');
    if (existsSync(path)) return path;
  }
  throw new Error("Mosquitto's dynamic security plugin is not installed (Debian: the mosquitto package)");
}

export class SecuredMosquitto {
  static readonly ADMIN_PASSWORD = 'admin-test-password';
  private child: ChildProcess | null = null;

  private constructor(
    readonly tlsPort: number,
    readonly adminPort: number,
    readonly adminPassword: string,
    private readonly dir: string,
  ) {}

  /** `adminPort`: where the administrative listener goes (a caller may need it before the broker starts). */
  static async start(tls: { caCertificate: string; certificate: string; privateKey: string }, adminPort?: number): Promise<SecuredMosquitto> {
    const dir = await mkdtemp(join(tmpdir(), 'tl-mosquitto-tls-'));
    const broker = new SecuredMosquitto(await freePort(), adminPort ?? (await freePort()), SecuredMosquitto.ADMIN_PASSWORD, dir);
    const file = (name: string) => join(dir, name);
    await writeFile(file('ca.crt'), tls.caCertificate);
    await writeFile(file('server.crt'), tls.certificate);
    await writeFile(file('server.key'), tls.privateKey);
    const init = spawnSync('mosquitto_ctrl', ['dynsec', 'init', file('dynsec.json'), 'admin', broker.adminPassword], { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`mosquitto_ctrl dynsec init failed: ${init.stderr}`);
    await writeFile(
      file('mosquitto.conf'),
      [
        'per_listener_settings false',
        `plugin ${dynsecPlugin()}`,
        `plugin_opt_config_file ${file('dynsec.json')}`,
        `listener ${broker.tlsPort} 127.0.0.1`,
        `cafile ${file('ca.crt')}`,
        `certfile ${file('server.crt')}`,
        `keyfile ${file('server.key')}`,
        'require_certificate true',
        `listener ${broker.adminPort} 127.0.0.1`,
        '',
      ].join('\n'),
    );
    // Mosquitto started as root runs as the mosquitto user: it must read its files and rewrite dynsec.json.
    await chmod(dir, 0o777);
    for (const name of ['ca.crt', 'server.crt', 'server.key', 'dynsec.json', 'mosquitto.conf']) await chmod(file(name), 0o666);
    broker.child = spawn('mosquitto', ['-c', file('mosquitto.conf')], { stdio: 'ignore' });
    await waitFor(
      'the secured Mosquitto to accept its administrator',
      async () => {
        const probe = await mqtt
          .connectAsync(broker.adminUrl, { username: 'admin', password: broker.adminPassword, reconnectPeriod: 0, connectTimeout: 1_000 })
          .catch(() => null);
        await probe?.endAsync();
        return probe !== null;
      },
      { timeoutMs: 20_000 },
    );
    return broker;
  }

  get tlsUrl(): string {
    return `mqtts://127.0.0.1:${this.tlsPort}`;
  }

  get adminUrl(): string {
    return `mqtt://127.0.0.1:${this.adminPort}`;
  }

  stop(): Promise<void> {
    return stopBroker(this.child, this.dir);
  }
}
