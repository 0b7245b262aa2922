// An edge fleet for tests, on the real core: the API listening on a port of its own over a fresh
// copy of the seeded database, a plant broker (Mosquitto) of its own, the CNC machining centres'
// spindle model with a hand-made signed version, and edge targets each with a deployment of it on
// one CNC read over plain MQTT topics, an API key for the agents, and the helpers the tests share.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type pg from 'pg';
import pino from 'pino';
import { createPool } from '@threadline/db/client';
import { createDeployment } from '@threadline/db/models/deployments';
import type { EdgeBundle } from '@threadline/db/models/edge-bundle';
import { rawSqlOf } from '@threadline/db/sql';
import type { AgentOptions } from '../../workers/src/edge/agent.ts';
import { startApi, type ApiHarness } from './api-harness.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { cncFeatureSpec, registerHandMadeVersion } from './hand-made-versions.ts';
import { PrivateMosquitto } from './private-mosquitto.ts';
import { waitFor } from './wait-for.ts';

export const STEP_MS = 10_000;
/** The CNC's signals: a reading mid-range, and one well past the normal range. */
export const CNC_SIGNALS = [
  { name: 'power', mid: 17.5, high: 52 },
  { name: 'spindle_load', mid: 47.5, high: 140 },
  { name: 'spindle_temperature', mid: 40, high: 90 },
  { name: 'spindle_vibration', mid: 3.5, high: 10.6 },
];

export interface FleetTarget {
  id: string;
  name: string;
  asset: { id: string; code: string };
  deploymentId: string;
}

export class EdgeFleet {
  api!: ApiHarness;
  port = 0;
  pool!: pg.Pool;
  org = '';
  modelId = '';
  versionId = '';
  apiKey = '';
  admin = '';
  targets: FleetTarget[] = [];
  private publisher!: MqttClient;
  private model!: Awaited<ReturnType<typeof cncFeatureSpec>>;

  private constructor(
    readonly database: TestDatabase,
    readonly broker: PrivateMosquitto,
  ) {}

  /** The fleet with one target per CNC code given (each its own gateway and deployment); those in `overOpcUa` keep their OPC UA nodes. */
  static async start(cncCodes: readonly string[], overOpcUa: readonly string[] = []): Promise<EdgeFleet> {
    const fleet = new EdgeFleet(await createTestDatabase(), await PrivateMosquitto.start());
    fleet.api = await startApi({}, fleet.database);
    await fleet.api.app.listen({ host: '127.0.0.1', port: 0 });
    fleet.port = (fleet.api.app.server.address() as { port: number }).port;
    fleet.pool = createPool({ url: fleet.database.url, role: '', poolSize: 2 });
    fleet.publisher = await mqtt.connectAsync(fleet.broker.url);
    const pool = fleet.pool;
    fleet.org = (await pool.query<{ id: string }>("SELECT id FROM organizations WHERE slug = 'northwind'")).rows[0]!.id;
    fleet.model = await cncFeatureSpec(pool, fleet.org);
    fleet.modelId = (
      await pool.query<{ id: string }>(
        "INSERT INTO models (organization_id, name, task, asset_type_id) VALUES ($1, 'Spindle risk at the edge', 'FAILURE_RISK', $2) RETURNING id",
        [fleet.org, fleet.model.assetTypeId],
      )
    ).rows[0]!.id;
    fleet.versionId = await fleet.registerVersion(-3);
    for (const [i, code] of cncCodes.entries()) {
      const asset = (await pool.query<{ id: string }>('SELECT id FROM assets WHERE code = $1', [code])).rows[0]!.id;
      // This gateway reads its CNC over plain MQTT topics (or the seed's OPC UA nodes).
      if (!overOpcUa.includes(code))
        await pool.query("UPDATE signals SET source_protocol = 'MQTT', source_address = 'threadline/lej/' || $2 || '/' || name WHERE asset_id = $1", [
          asset,
          code,
        ]);
      const name = `lej-gw-${String(7 + i).padStart(2, '0')}`;
      const id = (
        await pool.query<{ id: string }>(
          "INSERT INTO edge_targets (organization_id, name, kind, runtime) VALUES ($1, $2, 'GATEWAY', 'threadline-edge') RETURNING id",
          [fleet.org, name],
        )
      ).rows[0]!.id;
      const deploymentId = (
        await createDeployment(
          rawSqlOf(pool),
          {
            organizationId: fleet.org,
            modelId: fleet.modelId,
            versionId: fleet.versionId,
            alias: null,
            edgeTargetId: id,
            assetId: asset,
            mode: 'CHAMPION',
            trafficShare: 1,
          },
          { kind: 'SYSTEM', id: null, label: 'test' },
        )
      ).id;
      fleet.targets.push({ id, name, asset: { id: asset, code }, deploymentId });
    }
    fleet.admin = await fleet.api.login('admin@northwind.example');
    const key = await fleet.api.gql(
      'mutation { createApiKey(input: { name: "edge fleet", scopes: ["edge:write", "telemetry:write"] }) { token } }',
      {},
      fleet.admin,
    );
    fleet.apiKey = key.data!.createApiKey.token;
    return fleet;
  }

  /** A signed logistic version of the model: every weight 2, the bias given (−3 scores mid-range readings near 0, high ones near 1). */
  registerVersion(bias: number): Promise<string> {
    return registerHandMadeVersion(this.pool, this.api.services.modelKeys.signing, { organizationId: this.org, id: this.modelId, ...this.model }, 2, bias, 0.5);
  }

  /** The deployment's signed bundle, as issueEdgeBundle gives it. */
  async bundle(target: FleetTarget): Promise<EdgeBundle> {
    const issued = await this.api.gql('mutation($id: ID!) { issueEdgeBundle(deploymentId: $id) { bundle } }', { id: target.deploymentId }, this.admin);
    return issued.data!.issueEdgeBundle.bundle;
  }

  /** A file holding `bundle`. */
  bundleFile(bundle: unknown, name = 'bundle.json'): string {
    const path = join(mkdtempSync(join(tmpdir(), 'tl-edge-bundle-')), name);
    writeFileSync(path, JSON.stringify(bundle));
    return path;
  }

  /** An agent's options for a bundle file, with a fresh state directory and short timers. */
  agentOptions(bundlePath: string, coreUrl = `http://127.0.0.1:${this.port}`): AgentOptions {
    const signing = this.api.services.modelKeys.signing;
    return {
      bundlePath,
      trustedKeys: new Map([[signing.keyId, signing.publicKey]]),
      stateDir: mkdtempSync(join(tmpdir(), 'tl-edge-')),
      mqttUrl: this.broker.url,
      core: { url: coreUrl, apiKey: this.apiKey },
      log: pino({ level: 'silent' }),
      heartbeatMs: 300,
      updateCheckMs: 300,
      flushMs: 50,
      retry: { first: 100, max: 500 },
    };
  }

  /** Readings of every signal of a CNC at `steps` times from `from`, `high` ones past the normal ranges. */
  async publish(code: string, from: number, steps: number, high: (step: number) => boolean): Promise<void> {
    for (let i = 0; i < steps; i += 1)
      for (const s of CNC_SIGNALS)
        await this.publisher.publishAsync(
          `threadline/lej/${code}/${s.name}`,
          JSON.stringify({ time: new Date(from + i * STEP_MS).toISOString(), value: high(i) ? s.high : s.mid }),
          {
            qos: 1,
          },
        );
  }

  async count(sql: string, ...values: unknown[]): Promise<number> {
    return Number((await this.pool.query<{ n: string }>(sql, values)).rows[0]!.n);
  }

  /** Waits until every reading of the target's CNC since `from` (`readings` of them) is in the core's telemetry and every window the agent scored is one prediction. */
  async waitForwarded(agent: { status: { windows: number } }, target: FleetTarget, from: number, readings: number): Promise<void> {
    const stored = () =>
      this.count(
        'SELECT count(*) AS n FROM telemetry t JOIN signals s ON s.id = t.signal_id WHERE s.asset_id = $1 AND t.time >= $2',
        target.asset.id,
        new Date(from),
      );
    const predictions = () => this.count('SELECT count(*) AS n FROM predictions WHERE deployment_id = $1', target.deploymentId);
    await waitFor(
      'readings and windows forwarded',
      async () => agent.status.windows > 0 && (await stored()) === readings && (await predictions()) === agent.status.windows,
      { timeoutMs: 60_000 },
    );
  }

  /** Stops the API (the core is down) and starts it again on the same port. */
  async stopCore(): Promise<void> {
    await this.api.close();
  }

  async restartCore(): Promise<void> {
    this.api = await startApi({}, this.database);
    await this.api.app.listen({ host: '127.0.0.1', port: this.port });
  }

  async stop(): Promise<void> {
    await this.publisher?.endAsync();
    await this.broker.stop();
    await this.api?.close();
    await this.pool?.end();
  }
}
