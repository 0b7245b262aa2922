// A database connection of its own for LISTEN (and session locks), kept alive: when the server
// drops it (a restart, a crash, a failover, a terminated backend) it says so, and replaces it every
// `retryMs` until it can, then runs `connected` again on the new one (to LISTEN, take session locks,
// catch up on what was missed meanwhile). Without it a relay or dispatcher would go deaf for good.
import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenConnectionOptions {
  databaseUrl: string;
  role: string;
  log: Logger;
  /** Names the connection in the log. */
  label: string;
  onNotification(channel: string, payload: string): void;
  /** Runs on every new connection, the first included. */
  connected(client: pg.Client): Promise<void>;
  /** Runs when the connection is lost (its session locks are gone with it). */
  lost?(): void;
  retryMs?: number;
}

export class ListenConnection {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: ListenConnectionOptions) {}

  /** The live connection, or null while it is being replaced. */
  get current(): pg.Client | null {
    return this.client;
  }

  /** Connects the first time; throws when the server cannot be reached at all. */
  start(): Promise<void> {
    return this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl });
    client.on('error', () => undefined); // until it is set up; a failed connect rejects below
    try {
      await client.connect();
      if (this.options.role) await client.query(`SET ROLE ${pg.escapeIdentifier(this.options.role)}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    let dropped = false;
    const drop = (err?: Error) => {
      if (dropped || this.stopped) return;
      dropped = true;
      if (this.client === client) this.client = null;
      this.options.log.warn({ err }, `${this.options.label} connection lost; replacing it`);
      this.options.lost?.();
      void client.end().catch(() => undefined);
      this.scheduleReconnect();
    };
    client.on('error', drop);
    client.on('end', () => drop());
    client.on('notification', (message) => this.options.onNotification(message.channel, message.payload ?? ''));
    this.client = client;
    // A connection that fails while being set up (LISTEN, a lock) is dropped and replaced like any other.
    await this.options.connected(client).catch((err: unknown) => drop(err instanceof Error ? err : new Error(String(err))));
  }

  private scheduleReconnect(): void {
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.stopped) return;
      void this.connect().then(
        () => this.options.log.info(`${this.options.label} connection back`),
        () => this.scheduleReconnect(),
      );
    }, this.options.retryMs ?? 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
