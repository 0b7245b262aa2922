// Where sampled spans are kept: a span exporter that writes each batch to trace_spans in one
// statement, and the reads of a trace and of recent traces. A failed write is reported to the
// provider (the batch is dropped, as OpenTelemetry does) and never reaches the traced code.
import type pg from 'pg';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { rows, type RawSql } from '../sql.ts';

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const ms = ([seconds, nanos]: [number, number]) => seconds * 1_000 + nanos / 1e6;

export class PostgresSpanExporter implements SpanExporter {
  constructor(
    private readonly pool: pg.Pool,
    private readonly service: string,
  ) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const records = spans.map((s) => ({
      t: s.spanContext().traceId,
      s: s.spanContext().spanId,
      p: s.parentSpanContext?.spanId ?? null,
      sv: this.service,
      n: s.name,
      k: KINDS[s.kind] ?? 'INTERNAL',
      st: new Date(ms(s.startTime)).toISOString(),
      d: ms(s.endTime) - ms(s.startTime),
      ss: s.status.code === 2 ? `ERROR${s.status.message ? `: ${s.status.message}` : ''}` : 'OK',
      a: s.attributes,
      l: s.links.map((l) => l.context.traceId),
    }));
    this.pool
      .query(
        `INSERT INTO trace_spans (trace_id, span_id, parent_span_id, service, name, kind, started_at, duration_ms, status, attributes, links)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(t text, s text, p text, sv text, n text, k text, st timestamptz, d float8, ss text, a jsonb, l text[])
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(records)],
      )
      .then(
        () => done({ code: 0 }),
        (error: unknown) => done({ code: 1, error: error as Error }),
      );
  }

  async shutdown(): Promise<void> {}
}

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  service: string;
  name: string;
  kind: string;
  startedAt: Date;
  durationMs: number;
  status: string;
  attributes: Record<string, unknown>;
  links: string[];
}

/** A trace's spans, in start order; a span linking to the trace (a job that continued it) comes along. */
export function traceSpans(db: RawSql, traceId: string): Promise<StoredSpan[]> {
  return rows<StoredSpan>(
    db,
    `SELECT trace_id AS "traceId", span_id AS "spanId", parent_span_id AS "parentSpanId", service, name, kind, started_at AS "startedAt",
            duration_ms AS "durationMs", status, attributes, links
       FROM trace_spans WHERE trace_id = $1 OR $1 = ANY(links) ORDER BY started_at, span_id`,
    traceId,
  );
}

export interface TraceSummary {
  traceId: string;
  root: string;
  startedAt: Date;
  spans: number;
  durationMs: number;
}

/** The newest traces, each by its first span. */
export function recentTraces(db: RawSql, limit: number): Promise<TraceSummary[]> {
  return rows<TraceSummary>(
    db,
    `SELECT trace_id AS "traceId", (array_agg(name ORDER BY started_at))[1] AS root, min(started_at) AS "startedAt", count(*)::int AS spans,
            extract(epoch FROM max(started_at + duration_ms * interval '1 millisecond') - min(started_at)) * 1000 AS "durationMs"
       FROM trace_spans WHERE started_at > now() - interval '1 day' GROUP BY trace_id ORDER BY min(started_at) DESC LIMIT $1`,
    limit,
  );
}

/** Drops spans older than `days`; returns how many. */
export async function pruneSpans(pool: pg.Pool, days: number, now: Date): Promise<number> {
  const result = await pool.query('DELETE FROM trace_spans WHERE started_at < $1', [new Date(now.getTime() - days * 86_400_000)]);
  return result.rowCount ?? 0;
}
