// The observability settings every process reads (API and workers alike).
import { z } from 'zod';
import { parseEnv } from '../config.ts';

const configSchema = z.object({
  /** Share of traces kept when the caller sends no sampled traceparent (0 to 1); a sampled traceparent is always followed. */
  TRACE_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(0.01),
  /** When set, GET /metrics asks for `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  /** How often each process records its metrics snapshot for the pipeline-health page. */
  METRICS_SAMPLE_MS: z.coerce.number().int().min(500).max(600_000).default(10_000),
  /** Days sampled spans are kept (the workers' hourly maintenance drops older ones). */
  TRACE_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  /** The workers' metrics endpoint (GET /metrics); 0 picks a free port, unset turns it off. */
  WORKERS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

export type ObservabilityConfig = z.infer<typeof configSchema>;

export function readObservabilityConfig(env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
  return parseEnv(configSchema, env, 'observability');
}
