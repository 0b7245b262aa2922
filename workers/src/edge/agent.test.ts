// threadline-edge run against the real core (API and PostgreSQL) and a real plant broker
// (Mosquitto): the agent keeps scoring and raising insights on site while the core is stopped and
// forwards everything, in order and once, when it is back; a bundle whose model does not verify
// runs the asset type's ranges instead (fail-safe), and says so in its heartbeats.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import type { EdgeBundle } from '@threadline/db/models/edge-bundle';
import { rawSqlOf } from '@threadline/db/sql';
import { startApi, type ApiHarness } from '../../../scripts/test/api-harness.ts';
import { createTestDatabase, type TestDatabase } from '../../../scripts/test/database.ts';
import { EDGE_COMMAND } from '../../../scripts/test/edge-command.ts';
import { cncFeatureSpec, registerHandMadeVersion } from '../../../scripts/test/hand-made-versions.ts';
import { PrivateMosquitto } from '../../../scripts/test/private-mosquitto.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { EdgeAgent } from './agent.ts';

const STEP = 10_000;
const SIGNALS = [
  { name: 'power', mid: 17.5, high: 52 },
  { name: 'spindle_load', mid: 47.5, high: 140 },
  { name: 'spindle_temperature', mid: 40, high: 90 },
  { name: 'spindle_vibration', mid: 3.5, high: 10.6 },
];

describe('the edge agent (threadline-edge run)', () => {
  let database: TestDatabase;
  let api: ApiHarness;
  let port: number;
  let broker: PrivateMosquitto;
  let publisher: MqttClient;
  let pool: pg.Pool;
  let org: string;
  let asset: string;
  let modelId: string;
  let targetId: string;
  let deploymentId: string;
  let bundle: EdgeBundle;
  let apiKey: string;
  let keyPath: string;
  const log = pino({ level: 'silent' });
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;

  const listen = async () => {
    api = await startApi({}, database);
    await api.app.listen({ host: '127.0.0.1', port });
  };
  const agentOptions = (bundlePath: string) => ({
    bundlePath,
    trustedKeys: new Map([[api.services.modelKeys.signing.keyId, api.services.modelKeys.signing.publicKey]]),
    stateDir: mkdtempSync(join(tmpdir(), 'tl-edge-')),
    mqttUrl: broker.url,
    core: { url: `http://127.0.0.1:${port}`, apiKey },
    log,
    heartbeatMs: 300,
    flushMs: 50,
    retry: { first: 100, max: 500 },
  });
  /** Readings of every signal at `steps` times from `from`, `high` ones past the normal ranges. */
  const publish = async (from: number, steps: number, high: (step: number) => boolean) => {
    for (let i = 0; i < steps; i += 1)
      for (const s of SIGNALS)
        await publisher.publishAsync(
          `threadline/lej/LEJ-L1-CNC01/${s.name}`,
          JSON.stringify({ time: new Date(from + i * STEP).toISOString(), value: high(i) ? s.high : s.mid }),
          {
            qos: 1,
          },
        );
  };
  const count = async (sql: string, ...values: unknown[]) => Number((await pool.query<{ n: string }>(sql, values)).rows[0]!.n);

  beforeAll(async () => {
    database = await createTestDatabase();
    api = await startApi({}, database);
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    port = (api.app.server.address() as { port: number }).port;
    pool = createPool({ url: database.url, role: '', poolSize: 2 });
    broker = await PrivateMosquitto.start();
    publisher = await mqtt.connectAsync(broker.url);
    org = (await pool.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0]!.id;
    asset = (await pool.query<{ id: string }>("SELECT id FROM assets WHERE code = 'LEJ-L1-CNC01'")).rows[0]!.id;
    // This gateway reads LEJ-L1-CNC01 over plain MQTT topics.
    await pool.query("UPDATE signals SET source_protocol = 'MQTT', source_address = 'threadline/lej/LEJ-L1-CNC01/' || name WHERE asset_id = $1", [asset]);
    const { assetTypeId, spec, scale } = await cncFeatureSpec(pool, org);
    modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Spindle risk at the edge', 'FAILURE_RISK', $2) RETURNING id",
        [org, assetTypeId],
      )
    ).rows[0]!.id;
    const versionId = await registerHandMadeVersion(pool, api.services.modelKeys.signing, { organizationId: org, id: modelId, spec, scale }, 2, -3, 0.5);
    targetId = (
      await pool.query<{ id: string }>(
        "INSERT INTO edge_targets (organization_id, name, kind, runtime) VALUES ($1, 'lej-gw-07', 'GATEWAY', 'threadline-edge') RETURNING id",
        [org],
      )
    ).rows[0]!.id;
    deploymentId = (
      await createDeployment(
        rawSqlOf(pool),
        { organizationId: org, modelId, versionId, alias: null, edgeTargetId: targetId, assetId: asset, mode: 'CHAMPION', trafficShare: 1 },
        { kind: 'SYSTEM', id: null, label: 'test' },
      )
    ).id;
    const admin = await api.login('admin@northwind.example');
    const issued = await api.gql('mutation($id: ID!) { issueEdgeBundle(deploymentId: $id) { bundle } }', { id: deploymentId }, admin);
    bundle = issued.data!.issueEdgeBundle.bundle;
    const key = await api.gql('mutation { createApiKey(input: { name: "lej-gw-07", scopes: ["edge:write", "telemetry:write"] }) { token } }', {}, admin);
    apiKey = key.data!.createApiKey.token;
    keyPath = join(mkdtempSync(join(tmpdir(), 'tl-edge-key-')), 'key.pem');
    writeFileSync(keyPath, api.services.modelKeys.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }, 120_000);

  afterAll(async () => {
    await publisher?.endAsync();
    await broker?.stop();
    await api?.close();
    await pool?.end();
  });

  it('carries what the agent reads on site: the assets, their MQTT topics and the fallback ranges', () => {
    const cnc01 = bundle.manifest.assets!['LEJ-L1-CNC01']!;
    expect(cnc01.id).toBe(asset);
    expect(cnc01.signals.power).toMatchObject({ protocol: 'MQTT', address: 'threadline/lej/LEJ-L1-CNC01/power' });
    expect(bundle.manifest.fallbackRules!.properties.map((p) => p.name)).toEqual(SIGNALS.map((s) => s.name));
  });

  it('runs as a process: threadline-edge run reports to the core until it is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-edge-run-'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
    const since = new Date();
    const child = spawn(
      EDGE_COMMAND[0],
      [
        EDGE_COMMAND[1],
        'run',
        join(dir, 'bundle.json'),
        '--public-key',
        keyPath,
        '--state',
        join(dir, 'state'),
        '--mqtt',
        broker.url,
        '--core',
        `http://127.0.0.1:${port}`,
        '--heartbeat-seconds',
        '1',
      ],
      { env: { ...process.env, THREADLINE_API_KEY: apiKey, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        'a heartbeat from the process',
        async () => {
          if (!running) throw new Error(`threadline-edge exited: ${output}`);
          return (
            (await count("SELECT count(*) AS n FROM edge_targets WHERE id = $1 AND agent_mode = 'MODEL' AND last_heartbeat_at >= $2", targetId, since)) === 1
          );
        },
        { timeoutMs: 60_000 },
      );
      expect(output).toMatch(/edge: agent started/);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 90_000);

  it('raises insights on site while the core is stopped, and forwards everything in order, once, when it is back', async () => {
    const bundlePath = join(mkdtempSync(join(tmpdir(), 'tl-edge-bundle-')), 'bundle.json');
    writeFileSync(bundlePath, JSON.stringify(bundle));
    const agent = await EdgeAgent.start(agentOptions(bundlePath));
    const local = await mqtt.connectAsync(broker.url);
    const onSite: { title: string; severity: string }[] = [];
    local.on('message', (_topic, payload) => onSite.push(JSON.parse(payload.toString()) as { title: string; severity: string }));
    await local.subscribeAsync('threadline/edge/lej-gw-07/insights', { qos: 1 });
    try {
      expect(agent.status.mode).toBe('MODEL');
      // Twenty normal minutes with the core up: forwarded as they come.
      await publish(t0, 120, () => false);
      await waitFor('the first windows forwarded', () => agent.status.windows > 0 && agent.status.backlog === 0 && agent.status.linkUp);
      await waitFor(
        'the first predictions at the core',
        async () => (await count('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', deploymentId)) > 0,
      );

      // The core stops; the spindle degrades.
      await api.close();
      await publish(t0 + 120 * STEP, 60, (i) => i >= 20);
      await waitFor('an insight raised on site', () => agent.status.insights >= 1 && onSite.length >= 1, { timeoutMs: 30_000 });
      expect(onSite[0]!.title).toMatch(/^Failure risk 0\.\d\d: /);
      expect(agent.status.linkUp).toBe(false);
      expect(agent.status.backlog).toBeGreaterThan(0);
      const raisedBefore = Date.now();

      // The core is back: the backlog drains in order.
      await listen();
      await waitFor('the backlog forwarded', () => agent.status.backlog === 0 && agent.status.linkUp, { timeoutMs: 60_000 });
      const predictions = await count('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', deploymentId);
      expect(predictions).toBe(agent.status.windows);
      const { rows: insights } = await pool.query<{ raised_at: Date; title: string; evidence_end_at: Date }>(
        'SELECT raised_at, title, evidence_end_at FROM insights WHERE asset_id = $1 AND source_key = $2',
        [asset, `model:${modelId}`],
      );
      expect(insights).toHaveLength(1);
      expect(insights[0]!.title).toBe(onSite[0]!.title);
      // Raised when the site raised it, not when the link came back.
      expect(insights[0]!.raised_at.getTime()).toBeLessThanOrEqual(raisedBefore);
      expect(insights[0]!.evidence_end_at.getTime()).toBeGreaterThanOrEqual(t0 + 140 * STEP);
      const stored = await count(
        'SELECT count(*) AS n FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.asset_id = $1 AND t.time >= $2',
        asset,
        new Date(t0),
      );
      expect(stored).toBe(180 * SIGNALS.length);
      expect(agent.status.readings).toBe(180 * SIGNALS.length);
    } finally {
      await local.endAsync();
      await agent.stop();
    }
  }, 180_000);

  it('keeps running the last bundle that verified when a new one is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-edge-bundle-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify(bundle));
    writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ...bundle, manifest: { ...bundle.manifest, threshold: 0.99 } }));
    const options = agentOptions(join(dir, 'good.json'));
    await (await EdgeAgent.start(options)).stop();
    const agent = await EdgeAgent.start({ ...options, bundlePath: join(dir, 'forged.json') });
    try {
      expect(agent.status.mode).toBe('MODEL');
      expect(agent.manifest.threshold).toBe(bundle.manifest.threshold);
    } finally {
      await agent.stop();
    }
    // With no bundle that ever verified, the agent does not start.
    await expect(EdgeAgent.start(agentOptions(join(dir, 'forged.json')))).rejects.toThrow(/no bundle verifies: the manifest signature does not verify/);
  });

  it('applies a batch forwarded twice once, and refuses a malformed one with a typed error', async () => {
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${port}/edge/forward`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
    const records = [
      {
        seq: 1,
        kind: 'FALLBACK',
        deploymentId,
        assetId: asset,
        windowEnd: t0 + 1_000 * STEP,
        windowMs: 600_000,
        score: 0,
        title: '',
        explanation: [],
        earliestReceived: null,
        raisedAt: null,
      },
    ];
    const first = (await (await post({ targetId, epoch: 'replayed-epoch', records })).json()) as { applied: number; acceptedThrough: number };
    const again = (await (await post({ targetId, epoch: 'replayed-epoch', records })).json()) as { applied: number; alreadyApplied: number };
    expect(first).toMatchObject({ applied: 1, acceptedThrough: 1 });
    expect(again).toMatchObject({ applied: 0, alreadyApplied: 1 });
    const bad = await post({ targetId, epoch: 'replayed-epoch', records: [{ ...records[0], seq: 2, score: 7 }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/records\.0\.score/),
    });
    const noKey = await fetch(`http://127.0.0.1:${port}/edge/forward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
  });

  it('runs the asset type ranges when the model does not verify (fail-safe), raises and forwards their insights, and reports FALLBACK', async () => {
    const onnx = Buffer.from(bundle.onnx, 'base64');
    onnx[200] = onnx[200]! ^ 0xff;
    const bundlePath = join(mkdtempSync(join(tmpdir(), 'tl-edge-bundle-')), 'tampered.json');
    writeFileSync(bundlePath, JSON.stringify({ ...bundle, onnx: onnx.toString('base64') }));
    const agent = await EdgeAgent.start(agentOptions(bundlePath));
    try {
      expect(agent.status).toMatchObject({ mode: 'FALLBACK', reason: expect.stringMatching(/hash/) });
      await waitFor(
        'the FALLBACK heartbeat at the core',
        async () => (await count("SELECT count(*) AS n FROM edge_targets WHERE id = $1 AND agent_mode = 'FALLBACK'", targetId)) === 1,
      );
      const from = t0 + 2 * 3_600_000;
      await publish(from, 90, (i) => i >= 30);
      await waitFor('a fallback insight on site', () => agent.status.insights >= 1, { timeoutMs: 30_000 });
      await waitFor('the fallback windows forwarded', () => agent.status.backlog === 0 && agent.status.windows > 0, { timeoutMs: 60_000 });
      const { rows } = await pool.query<{ from_fallback: boolean; title: string }>(
        'SELECT from_fallback, title FROM insights WHERE source_key = $1 AND asset_id = $2',
        [`fallback:${deploymentId}`, asset],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ from_fallback: true, title: expect.stringMatching(/^Fallback rule: /) });
      const target = (await pool.query('SELECT agent_version, agent_model_version, last_heartbeat_at FROM edge_targets WHERE id = $1', [targetId])).rows[0];
      expect(target).toMatchObject({ agent_version: '1.0.0', agent_model_version: null });
    } finally {
      await agent.stop();
    }
  }, 180_000);
});
