// OpenTelemetry tracing for every process: W3C trace context in and out (HTTP headers, arrival
// notices, job data), sampled spans kept in PostgreSQL (span-store.ts) so a point's trace from
// ingest through the queue to its prediction and insight can be read back. A request that brings a
// sampled `traceparent` is always traced; others are sampled at TRACE_SAMPLE_RATIO (default 1 %),
// so the hot path pays for a span only when it is kept. Without `startTracing` (tests of pure
// code, scripts) every helper here is a no-op.
import { context, propagation, trace, SpanKind, SpanStatusCode, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, type SpanExporter } from '@opentelemetry/sdk-trace-base';

const TRACER = 'threadline';

export interface Tracing {
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

/** Registers the process's tracer provider: spans sampled at `ratio` unless their parent decided, exported in batches. */
export function startTracing(exporter: SpanExporter, ratio: number, batchDelayMs = 1_000): Tracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: batchDelayMs, maxExportBatchSize: 512 })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
    forceFlush: () => provider.forceFlush(),
  };
}

/** The context a W3C `traceparent` (and `tracestate`) names, or the active one when there is none. */
export function contextFrom(carrier: object | undefined): Context {
  const { traceparent, tracestate } = (carrier ?? {}) as { traceparent?: unknown; tracestate?: unknown };
  if (typeof traceparent !== 'string') return context.active();
  return propagation.extract(context.active(), { traceparent, ...(typeof tracestate === 'string' ? { tracestate } : {}) });
}

/** The active span's `traceparent` when it is sampled (what a notice or a job carries on), else undefined. */
export function currentTraceparent(): string | undefined {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The active span's trace and span id for logs, when there is a sampled one. */
export function traceFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording()) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

export interface SpanOptions {
  kind?: 'SERVER' | 'CONSUMER' | 'PRODUCER' | 'INTERNAL';
  attributes?: Record<string, string | number | boolean>;
  /** Parent context (from a carrier); the active one when left out. */
  parent?: Context;
  /** Other traces this span continues (a job that gathers several arrivals). */
  links?: readonly (string | undefined)[];
}

/** Runs `work` in a span (child of `parent` or the active span), recording a thrown error on it. */
export async function inSpan<T>(name: string, options: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER);
  const links = (options.links ?? [])
    .map((traceparent) => trace.getSpanContext(contextFrom({ traceparent })))
    .filter((c) => c !== undefined)
    .map((c) => ({ context: c }));
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind[options.kind ?? 'INTERNAL'], ...(options.attributes ? { attributes: options.attributes } : {}), links },
    options.parent ?? context.active(),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
