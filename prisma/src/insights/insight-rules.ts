// When scores raise and close insights, as a pure function. An asset gets an insight when its score
// reaches the threshold and it has no open insight from the same source; the insight closes itself
// when a later window's score falls below the re-arm level (80 % of the threshold), so the next
// crossing raises a new one. Windows older than an open insight never close it, so batches that
// finish out of order do not undo each other. Operators acknowledge; the system only closes what
// it opened.

export interface ScoredWindow {
  assetId: string;
  windowEnd: number;
  score: number;
}

export interface Transitions<T extends ScoredWindow> {
  /** Windows that raise an insight; `closedAt` when it closes again within the same batch. */
  raise: { window: T; closedAt: number | null }[];
  /** Assets whose already open insight closes. */
  close: string[];
}

export const REARM_SHARE = 0.8;

/** `open`: per asset with an open insight, the end of that insight's evidence window. */
export function insightTransitions<T extends ScoredWindow>(open: ReadonlyMap<string, number>, windows: readonly T[], threshold: number): Transitions<T> {
  const rearm = threshold * REARM_SHARE;
  const ordered = [...windows].sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.windowEnd - b.windowEnd));
  const raise: Transitions<T>['raise'] = [];
  const close: string[] = [];
  const openNow = new Map<string, { raised: (typeof raise)[number] | null; since: number }>([...open].map(([a, since]) => [a, { raised: null, since }]));
  for (const window of ordered) {
    const current = openNow.get(window.assetId);
    if (window.score >= threshold && !current) {
      const raised = { window, closedAt: null };
      raise.push(raised);
      openNow.set(window.assetId, { raised, since: window.windowEnd });
    } else if (window.score < rearm && current && window.windowEnd > current.since) {
      if (current.raised) current.raised.closedAt = window.windowEnd;
      else close.push(window.assetId);
      openNow.delete(window.assetId);
    }
  }
  return { raise, close };
}

export function severityOf(score: number, threshold: number): 'WARNING' | 'CRITICAL' {
  return score >= threshold + (1 - threshold) / 2 ? 'CRITICAL' : 'WARNING';
}
