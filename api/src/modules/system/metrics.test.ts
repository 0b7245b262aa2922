// The API's Prometheus metrics and the pipeline-health query: points counted per path and outcome
// as they are ingested, the outbox, drift per deployment and edge agents as gauges, the scrape
// behind METRICS_TOKEN when it is set, and the live process's sample on the pipeline-health query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';

const TOKEN = 'scrape-token-0123456789';

/** The value of one series in a Prometheus text exposition, or undefined. */
function series(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('API metrics and pipeline health', () => {
  let api: ApiHarness;
  let key: string;
  let admin: string;

  beforeAll(async () => {
    api = await startApi({ METRICS_TOKEN: TOKEN });
    admin = await api.login('admin@northwind.example');
    key = (await api.gql('mutation { createApiKey(input: { name: "gateway", scopes: ["telemetry:write"] }) { token } }', {}, admin)).data!.createApiKey.token;
  });
  afterAll(async () => api?.close());

  const scrape = async () => {
    const response = await api.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    return response.body;
  };

  it('counts points per path and outcome, and serves the pipeline gauges, only to the scrape token', async () => {
    expect((await api.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const signal = (await api.services.db.pool.query("SELECT s.id FROM signals s JOIN assets a ON a.id = s.asset_id WHERE a.code = 'LEJ-L1-CNC01' LIMIT 1"))
      .rows[0].id;
    const now = Date.now();
    const points = [
      { signalId: signal, time: new Date(now - 3_000).toISOString(), value: 1 },
      { signalId: signal, time: new Date(now - 2_000).toISOString(), value: 2 },
      { signalId: 'not-a-signal', time: new Date(now).toISOString(), value: 3 },
    ];
    const before = await scrape();
    const sent = await api.app.inject({ method: 'POST', url: '/ingest/telemetry', headers: { 'x-api-key': key }, payload: points });
    expect(sent.json()).toMatchObject({ accepted: 2, rejected: [{ index: 2 }] });
    await api.app.inject({ method: 'POST', url: '/ingest/telemetry', headers: { 'x-api-key': key }, payload: points.slice(0, 1) });
    const viaGraphql = await api.gql(
      'mutation($p: [TelemetryPointInput!]!) { ingestTelemetry(points: $p) { accepted } }',
      { p: [{ signalId: signal, time: new Date(now - 1_000).toISOString(), value: 4 }] },
      key,
    );
    expect(viaGraphql.data!.ingestTelemetry.accepted).toBe(1);

    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      (series(after, 'threadline_ingest_points_total', labels) ?? 0) - (series(before, 'threadline_ingest_points_total', labels) ?? 0);
    expect(delta({ path: 'http', outcome: 'accepted' })).toBe(2);
    expect(delta({ path: 'http', outcome: 'rejected' })).toBe(1);
    expect(delta({ path: 'http', outcome: 'duplicate' })).toBe(1);
    expect(delta({ path: 'graphql', outcome: 'accepted' })).toBe(1);
    expect(series(after, 'threadline_outbox_backlog', { process: 'api' })).toBeGreaterThanOrEqual(0);
    // The seeded plant: the demo's edge gateways (never heard from: -1) and its live deployments.
    expect(series(after, 'threadline_edge_heartbeat_age_seconds', { target: 'lej-edge-01' })).toBe(-1);
    expect(after).toMatch(/^threadline_process_cpu_seconds_total/m);
  });

  it('answers the pipeline-health query with the outbox, the edge agents and the live process sample', async () => {
    await api.services.sampler.sample();
    const health = await api.gql(
      '{ pipelineHealth { outbox { backlog oldestSeconds } deployments { model drifting } edgeAgents { name heartbeatAgeSeconds } processes { kind figures } } }',
      {},
      admin,
    );
    expect(health.errors).toBeUndefined();
    const { outbox, edgeAgents, processes } = health.data!.pipelineHealth;
    expect(outbox.backlog).toBeGreaterThanOrEqual(0);
    expect(edgeAgents.map((a: { name: string }) => a.name)).toContain('lej-edge-01');
    const mine = processes.find((p: { kind: string }) => p.kind === 'api');
    expect(mine.figures.threadline_ingest_points_total).toEqual(
      expect.arrayContaining([expect.objectContaining({ labels: expect.objectContaining({ path: 'http', outcome: 'accepted' }), value: 2 })]),
    );
    // A process's sample holds its own figures only: no deployment or edge agent of any organisation.
    expect(Object.keys(mine.figures).filter((name) => /deployment|edge|outbox/.test(name))).toEqual([]);
    const viewer = await api.login('viewer@northwind.example');
    const traces = await api.gql('{ recentTraces { traceId } }', {}, viewer);
    expect(traces.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
