// Signed over-the-air updates across an edge fleet of two gateways, on the real core and broker:
// a version reaches the canary, is smoke-tested there, then the rest; an update tampered with on
// its way is refused at the edge and the rollout rolls back by itself, the canary it had already
// updated included; an update that fails its smoke test never replaces the running model.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeFleet } from '../../../scripts/test/edge-fleet.ts';
import { waitFor } from '../../../scripts/test/wait-for.ts';
import { EdgeAgent } from './agent.ts';

interface Rollout {
  id: string;
  status: string;
  reason: string | null;
  version: number;
  targets: { deploymentId: string; targetName: string; wave: number; step: string; report: Record<string, unknown> | null }[];
}

const ROLLOUTS = '{ edgeRollouts { id status reason version targets { deploymentId targetName wave step report } } }';

describe('over-the-air updates of the edge fleet', () => {
  let fleet: EdgeFleet;
  let agents: EdgeAgent[];
  let proxy: Server;
  /** Edge targets whose updates the man in the middle alters. */
  const tamperFor = new Set<string>();
  const t0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 5 * 3_600_000;

  const rollouts = async () => (await fleet.api.gql(ROLLOUTS, {}, fleet.admin)).data!.edgeRollouts as Rollout[];
  const start = async (versionId: string, canaryShare = 0.5) => {
    const res = await fleet.api.gql(
      'mutation($i: StartEdgeRolloutInput!) { startEdgeRollout(input: $i) { id status targets { deploymentId wave step } } }',
      { i: { versionId, canaryShare } },
      fleet.admin,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.startEdgeRollout as Rollout;
  };
  const ended = async (id: string) => {
    let found: Rollout | undefined;
    await waitFor('the rollout to end', async () => (found = (await rollouts()).find((r) => r.id === id))?.status !== 'RUNNING', { timeoutMs: 60_000 });
    return found!;
  };
  const versionOf = async (deploymentId: string) =>
    (
      await fleet.pool.query<{ version: number }>('SELECT v.version FROM deployments d JOIN model_versions v ON v.id = d.model_version_id WHERE d.id = $1', [
        deploymentId,
      ])
    ).rows[0]!.version;

  beforeAll(async () => {
    fleet = await EdgeFleet.start(['LEJ-L1-CNC01', 'LEJ-L1-CNC02']);
    // The agents reach the core through a proxy that can alter what it answers them.
    proxy = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const upstream = await fetch(`http://127.0.0.1:${fleet.port}${req.url}`, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? 'application/json' },
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        let body = await upstream.text();
        const target = new URL(req.url!, 'http://proxy').searchParams.get('targetId');
        if (req.url!.startsWith('/edge/update?') && target && tamperFor.has(target) && upstream.ok) {
          const answer = JSON.parse(body) as { update: { bundle: { onnx: string } } | null };
          if (answer.update) {
            const onnx = answer.update.bundle.onnx;
            answer.update.bundle.onnx = onnx.slice(0, 300) + (onnx[300] === 'A' ? 'B' : 'A') + onnx.slice(301);
            body = JSON.stringify(answer);
          }
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
      })().catch((error: unknown) => res.writeHead(502).end(String(error)));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
    agents = await Promise.all(fleet.targets.map(async (t) => EdgeAgent.start(fleet.agentOptions(fleet.bundleFile(await fleet.bundle(t)), proxyUrl))));
    // Twenty normal minutes on both CNCs: the windows each agent holds for smoke tests.
    for (const t of fleet.targets) await fleet.publish(t.asset.code, t0, 120, () => false);
    await waitFor('both agents to score and forward', () => agents.every((a) => a.status.windows > 50 && a.status.backlog === 0), { timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    await Promise.all((agents ?? []).map((a) => a.stop()));
    await new Promise((resolve) => proxy?.close(resolve));
    await fleet?.stop();
  });

  it('updates the canary first, smoke-tested on the windows it holds, then the rest; every step audited', async () => {
    const v2 = await fleet.registerVersion(-3.5);
    const started = await start(v2);
    expect(started.status).toBe('RUNNING');
    expect(started.targets.map((t) => [t.wave, t.step]).sort()).toEqual([
      [0, 'OFFERED'],
      [1, 'WAITING'],
    ]);
    const done = await ended(started.id);
    expect(done.status).toBe('SUCCEEDED');
    for (const t of done.targets) {
      expect(t.step).toBe('UPDATED');
      expect(t.report).toMatchObject({ ok: true, alertShareBefore: 0, alertShareAfter: 0 });
      expect(t.report!.windows as number).toBeGreaterThan(50);
    }
    for (const t of fleet.targets) expect(await versionOf(t.deploymentId)).toBe(done.version);
    await waitFor('both agents on the new version', () => agents.every((a) => a.manifest.version === done.version));
    const audited = await fleet.count(
      "SELECT count(*) AS n FROM audit_events WHERE subject_id = $1 AND type IN ('edge_rollout.created', 'edge_rollout.updated')",
      started.id,
    );
    expect(audited).toBe(3);
  }, 120_000);

  it('refuses an update tampered with on its way, and rolls the rollout back by itself, the canary already updated included', async () => {
    const before = agents.map((a) => a.manifest.version);
    const v3 = await fleet.registerVersion(-3.2);
    const started = await start(v3);
    const canary = started.targets.find((t) => t.wave === 0)!.deploymentId;
    const other = fleet.targets.find((t) => t.deploymentId !== canary)!;
    tamperFor.add(other.id);
    try {
      const done = await ended(started.id);
      expect(done.status).toBe('ROLLED_BACK');
      expect(done.reason).toMatch(/the update is refused: .*hash/);
      await waitFor('the canary rolled back', async () => (await rollouts()).find((r) => r.id === started.id)!.targets.every((t) => t.step !== 'ROLLING_BACK'));
      const steps = Object.fromEntries((await rollouts()).find((r) => r.id === started.id)!.targets.map((t) => [t.deploymentId, t.step]));
      expect(steps).toEqual({ [canary]: 'ROLLED_BACK', [other.deploymentId]: 'FAILED' });
      for (const t of fleet.targets) expect(await versionOf(t.deploymentId)).toBe(before[0]);
      await waitFor('both agents back on the version they ran', () => agents.every((a, i) => a.manifest.version === before[i]));
      const rolledBack = await fleet.count("SELECT count(*) AS n FROM audit_events WHERE subject_id = $1 AND type = 'edge_rollout.rolled_back'", started.id);
      expect(rolledBack).toBe(1);
    } finally {
      tamperFor.clear();
    }
  }, 120_000);

  it('keeps the running model when an update fails its smoke test (it would alert on every held window)', async () => {
    const before = agents.map((a) => a.manifest.version);
    const alarmist = await fleet.registerVersion(10);
    const started = await start(alarmist);
    const done = await ended(started.id);
    expect(done.status).toBe('ROLLED_BACK');
    expect(done.reason).toMatch(/the smoke test alerts on 1 of the held windows, the running model on 0/);
    expect(done.targets.find((t) => t.wave === 0)!.report).toMatchObject({ ok: false, alertShareAfter: 1 });
    expect(agents.map((a) => a.manifest.version)).toEqual(before);
    expect(agents.every((a) => a.status.mode === 'MODEL')).toBe(true);
  }, 120_000);
});
