// The one ingest path every protocol writes through: checks each point, keeps the valid ones
// (idempotent on signal and time), and reports each refused point with its index and reason.
import type pg from 'pg';
import type { TelemetryStorage } from '@threadline/db/telemetry-storage';
import { checkPoint, signalIdOf, type RawPoint, type SignalRange } from './point-rules.ts';

export interface RejectedPoint {
  index: number;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: RejectedPoint[];
}

/** Largest batch one call takes; larger ones are refused whole, before anything is written. */
export const MAX_BATCH = 50_000;

export class IngestService {
  constructor(private readonly pool: pg.Pool, private readonly storage: TelemetryStorage) {}

  async ingest(organizationId: string, raw: readonly RawPoint[]): Promise<IngestResult> {
    const ranges = await this.signalRanges(organizationId, raw);
    const now = Date.now();
    const receivedAt = new Date(now);
    const rejected: RejectedPoint[] = [];
    const valid = [];
    for (let index = 0; index < raw.length; index += 1) {
      const id = signalIdOf(raw[index]!);
      const checked = checkPoint(raw[index]!, id ? ranges.get(id) : undefined, now, receivedAt);
      if (checked.ok) valid.push(checked.point);
      else rejected.push({ index, reason: checked.reason });
    }
    const written = await this.storage.write(valid);
    return { accepted: written.inserted, duplicates: written.duplicates, rejected };
  }

  /** Normal ranges of the batch's signals that belong to the organisation, in one statement. */
  private async signalRanges(organizationId: string, raw: readonly RawPoint[]): Promise<Map<string, SignalRange>> {
    const ids = [...new Set(raw.map(signalIdOf).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const { rows } = await this.pool.query<{ id: string; min_value: number | null; max_value: number | null }>(
      `SELECT s.id, p.min_value, p.max_value FROM signals s
         LEFT JOIN asset_type_properties p ON p.organization_id = s.organization_id AND p.id = s.property_id
        WHERE s.organization_id = $1 AND s.id = ANY($2::uuid[])`,
      [organizationId, ids],
    );
    return new Map(rows.map((r) => [r.id, { minValue: r.min_value, maxValue: r.max_value }]));
  }
}
