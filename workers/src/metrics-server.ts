// The workers' Prometheus endpoint (GET /metrics on WORKERS_METRICS_PORT, behind METRICS_TOKEN when
// set), and the queue gauges it adds to their metrics: each queue's jobs by state and the age of
// its oldest waiting job, read from BullMQ when scraped.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Queue } from 'bullmq';
import type { PipelineMetrics } from '@threadline/db/observability/metrics';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

export function registerQueueGauges(metrics: PipelineMetrics, queues: readonly Queue[], nowMs: () => number): void {
  metrics.gauge('threadline_queue_jobs', 'Jobs in each queue by state.', ['queue', 'state'], async () =>
    (
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...STATES);
          return STATES.map((state) => ({ labels: { queue: queue.name, state }, value: counts[state] ?? 0 }));
        }),
      )
    ).flat(),
  );
  metrics.gauge('threadline_queue_oldest_waiting_seconds', "Age of each queue's oldest waiting job (0 when none waits).", ['queue'], async () =>
    Promise.all(
      queues.map(async (queue) => {
        const [oldest] = await queue.getJobs(['waiting'], 0, 0, true);
        return { labels: { queue: queue.name }, value: oldest ? Math.max(0, (nowMs() - oldest.timestamp) / 1000) : 0 };
      }),
    ),
  );
}

/** What a metrics endpoint serves: a process's PipelineMetrics, or a registry's text. */
export interface MetricsSource {
  render(): Promise<string>;
  contentType: string;
}

/** Serves the metrics; resolves with the server once it listens (port 0 picks a free one). */
export function serveMetrics(metrics: MetricsSource, port: number, host: string, token: string | undefined): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    if (token && request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { 'content-type': 'text/plain' }).end('Send Authorization: Bearer <METRICS_TOKEN>.\n');
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${(error as Error).message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

export const portOf = (server: Server) => (server.address() as AddressInfo).port;
