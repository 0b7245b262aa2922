// Telemetry arrival notices: after a batch is stored, one PostgreSQL NOTIFY per ~100 assets names
// each asset touched and the newest point time, so inference is triggered by arriving data rather
// than by polling. Notices are a trigger only: the points themselves are read from the table.
import type pg from 'pg';

export const ARRIVALS_CHANNEL = 'telemetry_arrivals';

export interface Arrival {
  organizationId: string;
  /** When the batch was received (epoch ms). */
  receivedAt: number;
  /** Per asset: the newest point time in the batch (epoch ms). */
  assets: [assetId: string, latest: number][];
  /** The ingest's trace, when it is sampled (observability/tracing.ts). */
  traceparent?: string | undefined;
}

/** Stays under PostgreSQL's 8000-byte payload limit. */
const ASSETS_PER_NOTICE = 100;

export class ArrivalNotifier {
  constructor(private readonly pool: pg.Pool) {}

  async notify(arrival: Arrival): Promise<void> {
    if (arrival.assets.length === 0) return;
    const payloads: string[] = [];
    for (let i = 0; i < arrival.assets.length; i += ASSETS_PER_NOTICE) {
      payloads.push(
        JSON.stringify({ o: arrival.organizationId, r: arrival.receivedAt, a: arrival.assets.slice(i, i + ASSETS_PER_NOTICE), t: arrival.traceparent }),
      );
    }
    await this.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [ARRIVALS_CHANNEL, payloads]);
  }
}

export function parseArrival(payload: string): Arrival | null {
  try {
    const raw = JSON.parse(payload) as { o?: unknown; r?: unknown; a?: unknown; t?: unknown };
    if (typeof raw.o !== 'string' || typeof raw.r !== 'number' || !Array.isArray(raw.a)) return null;
    const assets = raw.a.filter((x): x is [string, number] => Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number');
    return { organizationId: raw.o, receivedAt: raw.r, assets, ...(typeof raw.t === 'string' ? { traceparent: raw.t } : {}) };
  } catch {
    return null;
  }
}
