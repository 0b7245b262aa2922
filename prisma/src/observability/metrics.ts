// Each process's Prometheus metrics (prom-client), one registry per process: points ingested per
// path and outcome, job and inference latency, the default process metrics, and gauges collected
// when scraped (queue depths and ages in the workers; the outbox, drift per deployment and edge
// agents in the API, from pipeline-health.ts). `snapshot()` gives this process's own figures
// (ingest, jobs, inference, queues) as plain JSON for process_samples, so the pipeline-health page
// and a scrape agree; the database's gauges are not sampled: the page reads them per organisation.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type IngestPath = 'graphql' | 'http' | 'mqtt' | 'sparkplug' | 'opcua' | 'log';

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
}

/** The series a process samples for the pipeline page: its own, without labels of any organisation. */
const SAMPLED = [
  'threadline_ingest_points_total',
  'threadline_job_duration_seconds',
  'threadline_inference_duration_seconds',
  'threadline_queue_jobs',
  'threadline_queue_oldest_waiting_seconds',
];

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A gauge's value per label set, read when scraped. */
export type GaugeReading = { labels: Record<string, string>; value: number }[];

export class PipelineMetrics {
  readonly registry = new Registry();
  private readonly ingested: Counter<'path' | 'outcome'>;
  private readonly jobs: Histogram<'queue' | 'job' | 'outcome'>;
  private readonly inference: Histogram<'task'>;

  constructor(readonly process: 'api' | 'workers') {
    this.registry.setDefaultLabels({ process });
    collectDefaultMetrics({ register: this.registry, prefix: 'threadline_' });
    this.ingested = new Counter({
      name: 'threadline_ingest_points_total',
      help: 'Points (events, frames) that reached the ingest path, by path and outcome (accepted, duplicate, rejected).',
      labelNames: ['path', 'outcome'],
      registers: [this.registry],
    });
    this.jobs = new Histogram({
      name: 'threadline_job_duration_seconds',
      help: 'Queue jobs from start to end, by queue, job and outcome (completed, failed).',
      labelNames: ['queue', 'job', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
    this.inference = new Histogram({
      name: 'threadline_inference_duration_seconds',
      help: 'One batch of windows through onnxruntime (scores and explanations), by model task.',
      labelNames: ['task'],
      buckets: LATENCY_BUCKETS,
      registers: [this.registry],
    });
  }

  countIngest(path: IngestPath, result: IngestCounts): void {
    if (result.accepted > 0) this.ingested.inc({ path, outcome: 'accepted' }, result.accepted);
    if (result.duplicates > 0) this.ingested.inc({ path, outcome: 'duplicate' }, result.duplicates);
    if (result.rejected > 0) this.ingested.inc({ path, outcome: 'rejected' }, result.rejected);
  }

  observeJob(queue: string, job: string, outcome: 'completed' | 'failed', seconds: number): void {
    this.jobs.observe({ queue, job, outcome }, seconds);
  }

  observeInference(task: string, seconds: number): void {
    this.inference.observe({ task }, seconds);
  }

  /** A gauge whose values are read from `read` at every scrape (and snapshot). */
  gauge(name: string, help: string, labelNames: string[], read: () => Promise<GaugeReading>): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The threadline_ series (not the process defaults) as JSON: what process_samples keeps. */
  async snapshot(): Promise<Record<string, { labels: Record<string, string | number>; value: number }[]>> {
    const out: Record<string, { labels: Record<string, string | number>; value: number }[]> = {};
    for (const name of SAMPLED) {
      const metric = await this.registry.getSingleMetric(name)?.get();
      if (!metric) continue;
      out[name] = (metric.values as { labels: Record<string, string | number>; value: number; metricName?: string }[])
        .filter((v) => !v.metricName?.endsWith('_bucket'))
        .map((v) => ({ labels: v.metricName && v.metricName !== metric.name ? { ...v.labels, series: v.metricName } : v.labels, value: v.value }));
    }
    return out;
  }
}
