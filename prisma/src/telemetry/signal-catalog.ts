// Which signals an organisation has, by id and by (protocol, address), with their normal ranges
// and the graph of its calculated signals: loaded in one statement and kept for a short time, so
// that ingest at tens of thousands of points per second does not look every signal up. A miss
// reloads at most once a second, so a signal created a moment ago is found, and so does a change
// to the signals (their count or latest update, checked at most once a second), so a calculated
// signal computes from the next batch after it is defined.
import type pg from 'pg';
import type { KnownSignal } from './point-rules.ts';
import { buildCalculations, dependentsOf, PLANT_SIGNALS_SQL, type Calculation, type PlantSignal } from './calculations.ts';
import { rawSqlOf, rows } from '../sql.ts';
import { systemClock, type Clock } from '../clock.ts';

export type CatalogSignal = KnownSignal & { assetId: string; name: string; calculated: boolean };

export interface CalculationGraph {
  calculations: ReadonlyMap<string, Calculation>;
  /** Input signal id → the calculated signals it feeds. */
  dependents: ReadonlyMap<string, string[]>;
}

interface Entry extends CalculationGraph {
  byId: Map<string, CatalogSignal>;
  byAddress: Map<string, CatalogSignal>;
  loadedAt: number;
  checkedAt: number;
  version: string;
}

const VERSION_SQL = `SELECT count(*) || '|' || coalesce(max(updated_at)::text, '') AS version FROM signals WHERE organization_id = $1`;

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

  /** The organisation's calculated signals and what feeds them; `fresh` reloads them first (a definition just changed). */
  async calculations(organizationId: string, fresh = false): Promise<CalculationGraph> {
    return fresh ? this.reload(organizationId) : this.entry(organizationId);
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
    const now = this.clock.nowMs();
    if (!entry || now - entry.loadedAt >= this.ttlMs) return this.reload(organizationId);
    if (now - entry.checkedAt < this.minReloadMs) return entry;
    entry.checkedAt = now;
    const version = (await rows<{ version: string }>(rawSqlOf(this.pool), VERSION_SQL, organizationId))[0]!.version;
    return version === entry.version ? entry : this.reload(organizationId);
  }

  private reload(organizationId: string): Promise<Entry> {
    const pending = this.loading.get(organizationId);
    if (pending) return pending;
    const load = this.load(organizationId).finally(() => this.loading.delete(organizationId));
    this.loading.set(organizationId, load);
    return load;
  }

  private async load(organizationId: string): Promise<Entry> {
    const db = rawSqlOf(this.pool);
    const [{ version }] = (await rows<{ version: string }>(db, VERSION_SQL, organizationId)) as [{ version: string }];
    const signals = await rows<PlantSignal & { sourceProtocol: string; sourceAddress: string; minValue: number | null; maxValue: number | null }>(
      db,
      `WITH plant AS (${PLANT_SIGNALS_SQL})
       SELECT plant.*, s.source_protocol AS "sourceProtocol", s.source_address AS "sourceAddress", p.min_value AS "minValue", p.max_value AS "maxValue"
         FROM plant JOIN signals s ON s.id = plant.id
         LEFT JOIN asset_type_properties p ON p.organization_id = s.organization_id AND p.id = s.property_id`,
      organizationId,
    );
    const now = this.clock.nowMs();
    const calculations = buildCalculations(signals);
    const entry: Entry = {
      byId: new Map(),
      byAddress: new Map(),
      loadedAt: now,
      checkedAt: now,
      version,
      calculations,
      dependents: dependentsOf(calculations),
    };
    for (const row of signals) {
      const signal = { id: row.id, assetId: row.assetId, name: row.name, minValue: row.minValue, maxValue: row.maxValue, calculated: row.expression !== null };
      entry.byId.set(row.id, signal);
      entry.byAddress.set(addressKey(row.sourceProtocol, row.sourceAddress), signal);
    }
    this.entries.set(organizationId, entry);
    return entry;
  }
}
