// The live processes' samples summed for the pipeline page: points per ingest path and outcome,
// queue depths and ages, job and inference counts with their mean durations.
export interface Sample {
  labels: Record<string, string | number>;
  value: number;
}
export type Figures = Record<string, Sample[] | undefined>;

const sumBy = (samples: Sample[], key: (s: Sample) => string | null) => {
  const totals = new Map<string, number>();
  for (const s of samples) {
    const k = key(s);
    if (k !== null) totals.set(k, (totals.get(k) ?? 0) + s.value);
  }
  return totals;
};

export function ingestByPath(processes: Figures[]): { path: string; accepted: number; duplicate: number; rejected: number }[] {
  const totals = sumBy(
    processes.flatMap((f) => f.threadline_ingest_points_total ?? []),
    (s) => `${s.labels.path}|${s.labels.outcome}`,
  );
  const paths = [...new Set([...totals.keys()].map((k) => k.split('|')[0]!))].sort();
  return paths.map((path) => ({
    path,
    accepted: totals.get(`${path}|accepted`) ?? 0,
    duplicate: totals.get(`${path}|duplicate`) ?? 0,
    rejected: totals.get(`${path}|rejected`) ?? 0,
  }));
}

export function queues(processes: Figures[]): { queue: string; waiting: number; active: number; delayed: number; failed: number; oldestSeconds: number }[] {
  // Every workers process reads the same queues: take one reading per queue and state, not their sum.
  const read = new Map<string, number>();
  for (const s of processes.flatMap((f) => f.threadline_queue_jobs ?? [])) read.set(`${s.labels.queue}|${s.labels.state}`, s.value);
  const oldest = new Map<string, number>();
  for (const s of processes.flatMap((f) => f.threadline_queue_oldest_waiting_seconds ?? [])) oldest.set(String(s.labels.queue), s.value);
  const names = [...new Set([...read.keys()].map((k) => k.split('|')[0]!))].sort();
  return names.map((queue) => ({
    queue,
    waiting: (read.get(`${queue}|waiting`) ?? 0) + (read.get(`${queue}|prioritized`) ?? 0),
    active: read.get(`${queue}|active`) ?? 0,
    delayed: read.get(`${queue}|delayed`) ?? 0,
    failed: read.get(`${queue}|failed`) ?? 0,
    oldestSeconds: oldest.get(queue) ?? 0,
  }));
}

/** Count and mean seconds per label value of a histogram's _count and _sum series. */
export function durations(processes: Figures[], metric: string, label: string): { name: string; count: number; meanSeconds: number | null }[] {
  const samples = processes.flatMap((f) => f[metric] ?? []);
  const counts = sumBy(samples, (s) => (String(s.labels.series).endsWith('_count') ? String(s.labels[label]) : null));
  const sums = sumBy(samples, (s) => (String(s.labels.series).endsWith('_sum') ? String(s.labels[label]) : null));
  return [...counts.keys()]
    .sort()
    .map((name) => ({ name, count: counts.get(name)!, meanSeconds: counts.get(name)! > 0 ? sums.get(name)! / counts.get(name)! : null }));
}
