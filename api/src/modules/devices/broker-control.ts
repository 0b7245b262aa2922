// The plant broker's access control for device identities, through Mosquitto's dynamic security
// plugin: commands published to its control topic by an administrative client, answered on its
// response topic, one at a time. A device becomes a client with its own role (publish under its
// topics only, everything else denied by the broker's defaults); disabling it closes its
// connections and refuses new ones at once.
import mqtt, { type MqttClient } from 'mqtt';
import type { BrokerControl } from '@threadline/db/devices/device-identities';

const CONTROL = '$CONTROL/dynamic-security/v1';
const TIMEOUT_MS = 10_000;

interface Command {
  command: string;
  [field: string]: unknown;
}

export class DynamicSecurityBroker implements BrokerControl {
  private client: Promise<MqttClient> | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { url: string; username: string; password: string }) {}

  allow(name: string, password: string, topics: readonly string[]): Promise<void> {
    const role = `device-${name}`;
    return this.send([
      { command: 'createRole', rolename: role, acls: topics.map((topic) => ({ acltype: 'publishClientSend', topic, priority: 0, allow: true })) },
      { command: 'createClient', username: name, password, roles: [{ rolename: role }] },
    ]);
  }

  disable(name: string): Promise<void> {
    return this.send([{ command: 'disableClient', username: name }]);
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => null);
    await client?.endAsync();
  }

  /** Runs the commands after those sent before; fails when the broker answers one with an error. */
  private send(commands: Command[]): Promise<void> {
    const run = this.queue.then(async () => {
      const client = await this.connected();
      const answered = new Promise<{ responses: { command: string; error?: string }[] }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the broker did not answer its dynamic security command')), TIMEOUT_MS);
        client.once('message', (_topic, payload) => {
          clearTimeout(timer);
          resolve(JSON.parse(payload.toString()) as { responses: { command: string; error?: string }[] });
        });
      });
      await client.publishAsync(CONTROL, JSON.stringify({ commands }), { qos: 1 });
      const failed = (await answered).responses.find((r) => r.error);
      if (failed) throw new Error(`the broker refused ${failed.command}: ${failed.error}`);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private connected(): Promise<MqttClient> {
    this.client ??= (async () => {
      const client = await mqtt.connectAsync(this.options.url, {
        username: this.options.username,
        password: this.options.password,
        reconnectPeriod: 1_000,
        connectTimeout: TIMEOUT_MS,
      });
      await client.subscribeAsync(`${CONTROL}/response`, { qos: 1 });
      return client;
    })();
    this.client.catch(() => (this.client = null));
    return this.client;
  }
}
