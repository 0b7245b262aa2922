// The one ingest path every protocol writes through (GraphQL, HTTP bulk, MQTT, Sparkplug B, OPC UA):
// checks each point, stores the valid ones idempotently on (signal, time), and reports each refused
// point with its index and reason; recomputes the calculated signals the points feed
// (calculated-signals.ts); then tells inference which assets got data (arrivals.ts).
import type pg from 'pg';
import type { TelemetryPoint, TelemetryStorage } from './storage.ts';
import { SignalCatalog, type CatalogSignal } from './signal-catalog.ts';
import { ArrivalNotifier } from './arrivals.ts';
import { CalculatedSignals } from './calculated-signals.ts';
import { checkPoint, signalIdOf, type RawPoint } from './point-rules.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { IngestPath, PipelineMetrics } from '../observability/metrics.ts';
import { currentTraceparent, inSpan } from '../observability/tracing.ts';

export interface RejectedPoint {
  index: number;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedPoint[];
}

/** A point named by its source address (MQTT topic, Sparkplug metric path, OPC UA node id). */
export interface AddressedPoint extends Omit<RawPoint, 'signalId'> {
  address: string;
}

/** The metrics path of each plant protocol. */
const PROTOCOL_PATHS: Record<string, IngestPath> = { MQTT: 'mqtt', SPARKPLUG_B: 'sparkplug', OPC_UA: 'opcua' };

/** Largest batch one call takes; larger ones are refused whole, before anything is written. */
export const MAX_BATCH = 50_000;

export class IngestService {
  constructor(
    private readonly storage: TelemetryStorage,
    private readonly catalog: SignalCatalog,
    private readonly arrivals: ArrivalNotifier,
    private readonly calculated: CalculatedSignals,
    private readonly clock: Clock = systemClock,
    private readonly metrics?: PipelineMetrics,
  ) {}

  static forPool(pool: pg.Pool, storage: TelemetryStorage, clock: Clock = systemClock, metrics?: PipelineMetrics): IngestService {
    const catalog = new SignalCatalog(pool, clock);
    return new IngestService(storage, catalog, new ArrivalNotifier(pool), new CalculatedSignals(pool, storage, catalog), clock, metrics);
  }

  /** Recomputes a calculated signal over [from, to) from its stored inputs (after its expression changed); null when it is not one. */
  recalculate(organizationId: string, signalId: string, from: Date, to: Date): Promise<TelemetryPoint[] | null> {
    return this.calculated.recalculate(organizationId, signalId, from.getTime(), to.getTime());
  }

  /** Points named by signal id (GraphQL and HTTP bulk, counted under `path`); `receivedAtMs` when a gateway received them earlier (the ingest log). */
  async ingest(organizationId: string, raw: readonly RawPoint[], receivedAtMs?: number, path: IngestPath = 'http'): Promise<IngestResult> {
    return this.store(organizationId, raw, await this.signalsById(organizationId, raw), receivedAtMs, path);
  }

  /**
   * Corrections: points that replace what is stored at the same (signal, time) (a reading taken
   * again after a calibration), checked like any point; the calculated signals they feed are
   * recomputed. Counted as accepted; nothing is a duplicate.
   */
  async correct(organizationId: string, raw: readonly RawPoint[]): Promise<IngestResult> {
    return this.store(organizationId, raw, await this.signalsById(organizationId, raw), undefined, 'graphql', true);
  }

  /** Each point's signal by its id, or the reason it has none. */
  private async signalsById(organizationId: string, raw: readonly RawPoint[]): Promise<(point: RawPoint) => CatalogSignal | string> {
    const signals = await this.catalog.byId(organizationId, [...new Set(raw.map(signalIdOf).filter((id): id is string => id !== null))]);
    return (point) => {
      const id = signalIdOf(point);
      if (!id) return 'signalId must be a UUID';
      return signals.get(id) ?? `unknown signal ${id}`;
    };
  }

  /** Points named by their source address under one protocol (the plant adapters). */
  async ingestByAddress(organizationId: string, protocol: string, points: readonly AddressedPoint[], receivedAtMs?: number): Promise<IngestResult> {
    const signals = await this.catalog.byAddress(organizationId, protocol, [...new Set(points.map((p) => p.address))]);
    return this.store(
      organizationId,
      points,
      (point) => signals.get((point as AddressedPoint).address) ?? `unknown ${protocol} address ${(point as AddressedPoint).address}`,
      receivedAtMs,
      PROTOCOL_PATHS[protocol] ?? 'mqtt',
    );
  }

  private async store(
    organizationId: string,
    raw: readonly RawPoint[],
    signalOf: (point: RawPoint) => CatalogSignal | string,
    receivedAtMs: number | undefined,
    path: IngestPath,
    replace = false,
  ): Promise<IngestResult> {
    const result = await inSpan('ingest.store', { attributes: { 'threadline.ingest.path': path, 'threadline.points': raw.length } }, () =>
      this.checkAndWrite(organizationId, raw, signalOf, receivedAtMs, replace),
    );
    this.metrics?.countIngest(path, { accepted: result.accepted, duplicates: result.duplicates, rejected: result.rejected.length });
    return result;
  }

  private async checkAndWrite(
    organizationId: string,
    raw: readonly RawPoint[],
    signalOf: (point: RawPoint) => CatalogSignal | string,
    receivedAtMs: number | undefined,
    replace: boolean,
  ): Promise<IngestResult> {
    const now = this.clock.nowMs();
    const receivedAt = new Date(receivedAtMs ?? now);
    const rejected: RejectedPoint[] = [];
    const valid = [];
    const latestByAsset = new Map<string, number>();
    for (let index = 0; index < raw.length; index += 1) {
      const found = signalOf(raw[index]!);
      const signal = typeof found !== 'string' && found.calculated ? `signal ${found.name} is calculated from its expression; write its inputs instead` : found;
      const checked = checkPoint(raw[index]!, signal, now, receivedAt);
      if (!checked.ok) {
        rejected.push({ index, reason: checked.reason });
        continue;
      }
      valid.push(checked.point);
      const { assetId } = signal as CatalogSignal;
      const time = checked.point.time.getTime();
      if (time > (latestByAsset.get(assetId) ?? -Infinity)) latestByAsset.set(assetId, time);
    }
    const written = replace ? { inserted: await this.storage.replace(valid), duplicates: 0 } : await this.storage.write(valid);
    // Duplicates too: a resend after a failed recompute recomputes (unchanged values are not rewritten).
    const calculated = await this.calculated.afterWrite(organizationId, valid);
    const arrived = written.inserted > 0 ? latestByAsset : new Map<string, number>();
    for (const [assetId, time] of calculated) if (time > (arrived.get(assetId) ?? -Infinity)) arrived.set(assetId, time);
    if (arrived.size > 0)
      await this.arrivals.notify({ organizationId, receivedAt: receivedAt.getTime(), assets: [...arrived], traceparent: currentTraceparent() });
    return { accepted: written.inserted, duplicates: written.duplicates, rejected };
  }
}
