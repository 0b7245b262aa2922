// What "something changed" means for an open page: the newest audit event, insight (and whether it
// was acknowledged or cleared), incident and drift report, and on an asset its latest readings.
// Each page reads these fields in its own first request, so the first view stays one request and
// LiveRefresh starts from the fingerprint the page was rendered with; /live reads the same fields.
import { createHash } from 'node:crypto';

export const LIVE_FIELDS = `
  liveAudit: auditEvents(first: 1, order: DESC) { nodes { seq } }
  liveInsight: insights(first: 1, order: DESC) { nodes { id acknowledgedAt resolvedAt } }
  liveIncident: incidents(first: 1, order: DESC) { nodes { id endedAt } }
  liveDrift: driftReports(first: 1, order: DESC) { nodes { id } }`;

export interface LiveData {
  liveAudit: unknown;
  liveInsight: unknown;
  liveIncident: unknown;
  liveDrift: unknown;
  latestValues?: { signalId: string; time: string }[];
}

export function fingerprintOf(data: LiveData): string {
  const picked = [data.liveAudit, data.liveInsight, data.liveIncident, data.liveDrift, (data.latestValues ?? []).map((v) => [v.signalId, v.time])];
  return createHash('sha256').update(JSON.stringify(picked)).digest('hex').slice(0, 16);
}
