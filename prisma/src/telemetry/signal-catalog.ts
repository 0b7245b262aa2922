// Which signals an organisation has, by id and by (protocol, address), with their normal ranges:
// loaded in one statement and kept for a short time, so that ingest at tens of thousands of points
// per second does not look every signal up. A miss reloads at most once a second, so a signal
// created a moment ago is found.
import type pg from 'pg';
import type { KnownSignal } from './point-rules.ts';
import { systemClock, type Clock } from '../clock.ts';

export type CatalogSignal = KnownSignal & { assetId: string };

interface Entry {
  byId: Map<string, CatalogSignal>;
  byAddress: Map<string, CatalogSignal>;
  loadedAt: number;
}

export const addressKey = (protocol: string, address: string) => `${protocol}|${address}`;

export class SignalCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock = systemClock,
    private readonly ttlMs = 30_000,
    private readonly minReloadMs = 1_000,
  ) {}

  async byId(organizationId: string, ids: readonly string[]): Promise<Map<string, CatalogSignal>> {
    return this.lookup(organizationId, ids, (entry) => entry.byId);
  }

  async byAddress(organizationId: string, protocol: string, addresses: readonly string[]): Promise<Map<string, CatalogSignal>> {
    const found = await this.lookup(
      organizationId,
      addresses.map((a) => addressKey(protocol, a)),
      (entry) => entry.byAddress,
    );
    return new Map([...found].map(([key, signal]) => [key.slice(protocol.length + 1), signal]));
  }

  private async lookup(
    organizationId: string,
    keys: readonly string[],
    index: (entry: Entry) => Map<string, CatalogSignal>,
  ): Promise<Map<string, CatalogSignal>> {
    let entry = await this.entry(organizationId);
    const missing = keys.some((key) => !index(entry).has(key));
    if (missing && this.clock.nowMs() - entry.loadedAt >= this.minReloadMs) entry = await this.reload(organizationId);
    const result = new Map<string, CatalogSignal>();
    for (const key of keys) {
      const signal = index(entry).get(key);
      if (signal) result.set(key, signal);
    }
    return result;
  }

  private async entry(organizationId: string): Promise<Entry> {
    const entry = this.entries.get(organizationId);
    return entry && this.clock.nowMs() - entry.loadedAt < this.ttlMs ? entry : this.reload(organizationId);
  }

  private reload(organizationId: string): Promise<Entry> {
    const pending = this.loading.get(organizationId);
    if (pending) return pending;
    const load = this.load(organizationId).finally(() => this.loading.delete(organizationId));
    this.loading.set(organizationId, load);
    return load;
  }

  private async load(organizationId: string): Promise<Entry> {
    const { rows } = await this.pool.query<{
      id: string;
      asset_id: string;
      source_protocol: string;
      source_address: string;
      min_value: number | null;
      max_value: number | null;
    }>(
      `SELECT s.id, s.asset_id, s.source_protocol, s.source_address, p.min_value, p.max_value FROM signals s
         LEFT JOIN asset_type_properties p ON p.organization_id = s.organization_id AND p.id = s.property_id
        WHERE s.organization_id = $1`,
      [organizationId],
    );
    const entry: Entry = { byId: new Map(), byAddress: new Map(), loadedAt: this.clock.nowMs() };
    for (const row of rows) {
      const signal = { id: row.id, assetId: row.asset_id, minValue: row.min_value, maxValue: row.max_value };
      entry.byId.set(row.id, signal);
      entry.byAddress.set(addressKey(row.source_protocol, row.source_address), signal);
    }
    this.entries.set(organizationId, entry);
    return entry;
  }
}
