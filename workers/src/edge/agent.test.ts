// threadline-edge run against the real core (API and PostgreSQL) and a real plant broker
// (Mosquitto): the agent keeps scoring and raising insights on site while the core is stopped and
// forwards everything, in order and once, when it is back; a bundle whose model does not verify
// runs the asset type's ranges instead (fail-safe), and says so in its heartbeats.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EdgeBundle } from '@threadline/db/models/edge-bundle';
import { EDGE_COMMAND } from '../../../scripts/test/edge-command.ts';
import { CNC_SIGNALS, EdgeFleet, STEP_MS, type FleetTarget } from '../../../scripts/test/edge-fleet.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { EdgeAgent } from './agent.ts';
import { Forwarder } from './forwarder.ts';
import { EdgeOutbox } from './outbox.ts';
import { freePort } from '../../../scripts/test/free-port.ts';

describe('the edge agent (threadline-edge run)', () => {
  let fleet: EdgeFleet;
  let target: FleetTarget;
  let bundle: EdgeBundle;
  let keyPath: string;
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 6 * 3_600_000;
  const CNC = 'LEJ-L1-CNC01';

  beforeAll(async () => {
    fleet = await EdgeFleet.start([CNC]);
    target = fleet.targets[0]!;
    bundle = await fleet.bundle(target);
    keyPath = join(mkdtempSync(join(tmpdir(), 'tl-edge-key-')), 'key.pem');
    writeFileSync(keyPath, fleet.api.services.modelKeys.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  }, 120_000);

  afterAll(async () => fleet?.stop());

  it('carries what the agent reads on site: the assets, their MQTT topics and the fallback ranges', () => {
    const cnc01 = bundle.manifest.assets![CNC]!;
    expect(cnc01.id).toBe(target.asset.id);
    expect(cnc01.signals.power).toMatchObject({ protocol: 'MQTT', address: `threadline/lej/${CNC}/power` });
    expect(bundle.manifest.fallbackRules!.properties.map((p) => p.name)).toEqual(CNC_SIGNALS.map((s) => s.name));
  });

  it('comes packaged for an orchestrator when asked: a Helm chart carrying the same signed bundle', async () => {
    const res = await fleet.api.gql(
      'mutation($id: ID!) { issueEdgeBundle(deploymentId: $id, format: HELM) { bundle files { path content } } }',
      { id: target.deploymentId },
      fleet.admin,
    );
    expect(res.errors).toBeUndefined();
    const files = res.data!.issueEdgeBundle.files as { path: string; content: string }[];
    const secret = JSON.parse(files.find((f) => f.path.endsWith('templates/secret.yaml'))!.content) as { data: Record<string, string> };
    expect(JSON.parse(Buffer.from(secret.data['bundle.json']!, 'base64').toString()).manifest.deploymentId).toBe(target.deploymentId);
  });

  it('runs as a process: threadline-edge run reports to the core and serves its metrics until it is stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-edge-run-'));
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
    const since = new Date();
    const metricsPort = await freePort();
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
        fleet.broker.url,
        '--core',
        `http://127.0.0.1:${fleet.port}`,
        '--heartbeat-seconds',
        '1',
        '--metrics-port',
        String(metricsPort),
      ],
      { env: { ...process.env, THREADLINE_API_KEY: fleet.apiKey, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
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
            (await fleet.count(
              "SELECT count(*) AS n FROM edge_targets WHERE id = $1 AND agent_mode = 'MODEL' AND last_heartbeat_at >= $2",
              target.id,
              since,
            )) === 1
          );
        },
        { timeoutMs: 60_000 },
      );
      expect(output).toMatch(/edge: agent started/);
      // Its own Prometheus metrics: version and mode, the link, the backlog.
      let scraped = '';
      await waitFor('the agent’s metrics endpoint', async () => {
        scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        );
        return scraped.includes('threadline_edge_agent_info');
      });
      expect(scraped).toContain('threadline_edge_agent_info{version="1.0.0",mode="MODEL"} 1');
      expect(scraped).toMatch(/^threadline_edge_agent_backlog \d+$/m);
      expect(scraped).toMatch(/^threadline_edge_agent_link_up [01]$/m);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 90_000);

  it('raises insights on site while the core is stopped, and forwards everything in order, once, when it is back', async () => {
    const agent = await EdgeAgent.start(fleet.agentOptions(fleet.bundleFile(bundle)));
    const local = await mqtt.connectAsync(fleet.broker.url);
    const onSite: { title: string; severity: string }[] = [];
    local.on('message', (_topic, payload) => onSite.push(JSON.parse(payload.toString()) as { title: string; severity: string }));
    await local.subscribeAsync(`threadline/edge/${target.name}/insights`, { qos: 1 });
    const predictions = () => fleet.count('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', target.deploymentId);
    try {
      expect(agent.status.mode).toBe('MODEL');
      // Twenty normal minutes with the core up: forwarded as they come.
      await fleet.publish(CNC, t0, 120, () => false);
      await waitFor('the first windows forwarded', () => agent.status.windows > 0 && agent.status.backlog === 0 && agent.status.linkUp);
      await waitFor('the first predictions at the core', async () => (await predictions()) > 0);

      // The core stops; the spindle degrades.
      await fleet.stopCore();
      await fleet.publish(CNC, t0 + 120 * STEP_MS, 60, (i) => i >= 20);
      await waitFor('an insight raised on site', () => agent.status.insights >= 1 && onSite.length >= 1, { timeoutMs: 30_000 });
      expect(onSite[0]!.title).toMatch(/^Failure risk 0\.\d\d: /);
      expect(agent.status.linkUp).toBe(false);
      expect(agent.status.backlog).toBeGreaterThan(0);
      const raisedBefore = Date.now();

      // The core is back: the backlog drains in order.
      await fleet.restartCore();
      // Every reading reaches the core's telemetry, and every window scored on site becomes one prediction.
      await fleet.waitForwarded(agent, target, t0, 180 * CNC_SIGNALS.length);
      expect(agent.status.linkUp).toBe(true);
      const { rows: insights } = await fleet.pool.query<{ raised_at: Date; title: string; evidence_end_at: Date }>(
        'SELECT raised_at, title, evidence_end_at FROM insights WHERE asset_id = $1 AND source_key = $2',
        [target.asset.id, `model:${fleet.modelId}`],
      );
      expect(insights).toHaveLength(1);
      expect(insights[0]!.title).toBe(onSite[0]!.title);
      // Raised when the site raised it, not when the link came back.
      expect(insights[0]!.raised_at.getTime()).toBeLessThanOrEqual(raisedBefore);
      expect(insights[0]!.evidence_end_at.getTime()).toBeGreaterThanOrEqual(t0 + 140 * STEP_MS);
      expect(agent.status.readings).toBe(180 * CNC_SIGNALS.length);
    } finally {
      await local.endAsync();
      await agent.stop();
    }
  }, 180_000);

  it('forwards a backlog larger than one bulk request in requests the core takes, losing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-edge-backlog-'));
    const outbox = EdgeOutbox.open(join(dir, 'outbox'));
    const signals = Object.values(bundle.manifest.assets![CNC]!.signals).map((s) => s.id);
    const from = t0 - 24 * 3_600_000;
    // 60,000 readings in twelve records: more than the 50,000 points one bulk request may carry.
    for (let r = 0; r < 12; r += 1)
      outbox.append([
        {
          kind: 'READINGS',
          points: Array.from({ length: 5_000 }, (_, i) => {
            const n = r * 5_000 + i;
            return { signalId: signals[n % signals.length], time: new Date(from + Math.floor(n / signals.length) * 1_000).toISOString(), value: n % 7 };
          }),
        },
      ]);
    const forwarder = new Forwarder(
      outbox,
      { url: `http://127.0.0.1:${fleet.port}`, apiKey: fleet.apiKey, targetId: target.id },
      pino({ level: 'silent' }),
      join(dir, 'refused.jsonl'),
    );
    forwarder.start();
    try {
      await waitFor('the backlog forwarded', () => outbox.backlog === 0, { timeoutMs: 60_000 });
    } finally {
      await forwarder.stop();
      outbox.close();
    }
    expect(existsSync(join(dir, 'refused.jsonl'))).toBe(false);
    const stored = await fleet.count(
      'SELECT count(*) AS n FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.asset_id = $1 AND t.time >= $2 AND t.time < $3',
      target.asset.id,
      new Date(from),
      new Date(from + 15_000_000),
    );
    expect(stored).toBe(60_000);
  });

  it('keeps running the last bundle that verified when a new one is refused', async () => {
    const forged = fleet.bundleFile({ ...bundle, manifest: { ...bundle.manifest, threshold: 0.99 } });
    const options = fleet.agentOptions(fleet.bundleFile(bundle));
    await (await EdgeAgent.start(options)).stop();
    const agent = await EdgeAgent.start({ ...options, bundlePath: forged });
    try {
      expect(agent.status.mode).toBe('MODEL');
      expect(agent.manifest.threshold).toBe(bundle.manifest.threshold);
    } finally {
      await agent.stop();
    }
    // With no bundle that ever verified, the agent does not start.
    await expect(EdgeAgent.start(fleet.agentOptions(forged))).rejects.toThrow(/no bundle verifies: the manifest signature does not verify/);
  });

  it('applies a batch forwarded twice once, and refuses a malformed one with a typed error', async () => {
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${fleet.port}/edge/forward`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fleet.apiKey}` },
        body: JSON.stringify(body),
      });
    const records = [
      {
        seq: 1,
        kind: 'FALLBACK',
        deploymentId: target.deploymentId,
        assetId: target.asset.id,
        windowEnd: t0 + 1_000 * STEP_MS,
        windowMs: 600_000,
        score: 0,
        title: '',
        explanation: [],
        earliestReceived: null,
        raisedAt: null,
      },
    ];
    const batch = { targetId: target.id, epoch: 'replayed-epoch', records };
    const first = (await (await post(batch)).json()) as { applied: number; acceptedThrough: number };
    const again = (await (await post(batch)).json()) as { applied: number; alreadyApplied: number };
    expect(first).toMatchObject({ applied: 1, acceptedThrough: 1 });
    expect(again).toMatchObject({ applied: 0, alreadyApplied: 1 });
    const bad = await post({ ...batch, records: [{ ...records[0], seq: 2, score: 7 }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringMatching(/records\.0\.score/),
    });
    // A window of an asset the deployment does not score is refused, and the batch writes nothing.
    const other = (await fleet.pool.query<{ id: string }>("SELECT id FROM assets WHERE code = 'LEJ-L1-CNC02'")).rows[0]!.id;
    const foreign = await post({ ...batch, records: [{ ...records[0], seq: 2, assetId: other, score: 0.9 }] });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { error: { details: { field: string } } }).error.details.field).toBe('assetId');
    expect(await fleet.count('SELECT count(*) AS n FROM insights WHERE asset_id = $1', other)).toBe(0);
    const next = (await (await post({ ...batch, records: [{ ...records[0], seq: 2, windowEnd: t0 + 1_001 * STEP_MS }] })).json()) as { applied: number };
    expect(next.applied).toBe(1);
    const noKey = await fetch(`http://127.0.0.1:${fleet.port}/edge/forward`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noKey.status).toBe(401);
  });

  it('runs the asset type ranges when the model does not verify (fail-safe), raises and forwards their insights, and reports FALLBACK', async () => {
    const onnx = Buffer.from(bundle.onnx, 'base64');
    onnx[200] = onnx[200]! ^ 0xff;
    const agent = await EdgeAgent.start(fleet.agentOptions(fleet.bundleFile({ ...bundle, onnx: onnx.toString('base64') })));
    try {
      expect(agent.status).toMatchObject({ mode: 'FALLBACK', reason: expect.stringMatching(/hash/) });
      await waitFor(
        'the FALLBACK heartbeat at the core',
        async () => (await fleet.count("SELECT count(*) AS n FROM edge_targets WHERE id = $1 AND agent_mode = 'FALLBACK'", target.id)) === 1,
      );
      await fleet.publish(CNC, t0 + 2 * 3_600_000, 90, (i) => i >= 30);
      await waitFor('a fallback insight on site', () => agent.status.insights >= 1, { timeoutMs: 30_000 });
      await waitFor('the fallback windows forwarded', () => agent.status.backlog === 0 && agent.status.windows > 0, { timeoutMs: 60_000 });
      const { rows } = await fleet.pool.query<{ from_fallback: boolean; title: string }>(
        'SELECT from_fallback, title FROM insights WHERE source_key = $1 AND asset_id = $2',
        [`fallback:${target.deploymentId}`, target.asset.id],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ from_fallback: true, title: expect.stringMatching(/^Fallback rule: /) });
      const reported = (await fleet.pool.query('SELECT agent_version, agent_model_version FROM edge_targets WHERE id = $1', [target.id])).rows[0];
      expect(reported).toMatchObject({ agent_version: '1.0.0', agent_model_version: null });
    } finally {
      await agent.stop();
    }
  }, 180_000);

  it('offers an over-the-air update with its signed bundle once, then without it to an agent that says it has it', async () => {
    const v2 = await fleet.registerVersion(-3.5);
    const started = await fleet.api.gql(
      'mutation($i: StartEdgeRolloutInput!) { startEdgeRollout(input: $i) { id } }',
      { i: { versionId: v2, canaryShare: 1 } },
      fleet.admin,
    );
    const rolloutId = started.data!.startEdgeRollout.id as string;
    const issued = () => fleet.count("SELECT count(*) AS n FROM audit_events WHERE type = 'deployment.bundle_issued' AND subject_id = $1", target.deploymentId);
    const get = async (have = '') =>
      (
        (await (
          await fetch(`http://127.0.0.1:${fleet.port}/edge/update?targetId=${target.id}${have}`, { headers: { authorization: `Bearer ${fleet.apiKey}` } })
        ).json()) as { update: { rolloutId: string; action: string; bundle: EdgeBundle | null } }
      ).update;
    const before = await issued();
    const first = await get();
    expect(first).toMatchObject({ rolloutId, action: 'INSTALL' });
    expect(first.bundle!.manifest.versionId).toBe(v2);
    const again = await get(`&have=${rolloutId}:INSTALL`);
    expect(again).toMatchObject({ rolloutId, action: 'INSTALL', bundle: null });
    expect(await issued()).toBe(before + 1);
    const bad = await fetch(`http://127.0.0.1:${fleet.port}/edge/update?targetId=not-a-uuid`, { headers: { authorization: `Bearer ${fleet.apiKey}` } });
    expect(bad.status).toBe(400);
  });
});
