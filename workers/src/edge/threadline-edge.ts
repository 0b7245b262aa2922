#!/usr/bin/env -S npx --no-install tsx
// `threadline-edge`: runs a deployment's model on an edge target, offline. `run` is the long-running
// agent (agent.ts): it reads the plant on site, scores, raises insights, and stores and forwards to
// the core. `verify` checks a signed bundle against a trusted public key; `score` verifies it too,
// then scores a CSV of readings with
// the bundle's ONNX and feature spec, the same code and graph the cloud workers use, and writes one
// line per window: asset, window end, score, whether it reaches the threshold, the top feature.
// Readings name assets by code; the bundle carries the attributes its spec's categorical inputs
// read for the deployment's assets, and state signals' readings set theirs from their last value.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { keyIdOf, publicKeyFromPem } from '@threadline/db/audit/audit-keys';
import { verifyBundle, type VerifiedBundle } from '@threadline/db/models/edge-bundle';
import { topFeatures } from '@threadline/db/models/explanation';
import { assetAttributeNames, featureNames, type FeatureSpec } from '@threadline/db/models/feature-spec';
import { isStreamingSpec } from '@threadline/db/models/streaming-spec';
import { recordsOf } from '@threadline/db/models/labelled-table';
import { AssetDetector } from '../ml/streaming-detector.ts';
import { detectWindows } from '../ml/streaming-windows.ts';
import type { AssetSeries } from '../ml/features.ts';
import { computeFeatures, gridEnds, scorable } from '../ml/features.ts';
import { OnnxRunner, packRows } from '../ml/onnx-runner.ts';
import { parseReadingsCsv } from './readings-csv.ts';
import pino from 'pino';

const USAGE = `Usage:
  threadline-edge run <bundle.json> --public-key <key.pem> --state <dir> --mqtt <url> [--opcua <opc.tcp url>] --core <url> [--metrics-port <port>]
      (the core API key in THREADLINE_API_KEY, with the edge:write and telemetry:write scopes;
       PLANT_MQTT_URL, PLANT_OPCUA_URL and THREADLINE_CORE_URL stand for --mqtt, --opcua and --core;
       --metrics-port serves Prometheus metrics on 127.0.0.1, behind METRICS_TOKEN when set)
  threadline-edge federate <site-table.csv> --run <federated run id> --target <edge target id> --core <url>
      (takes part in a federated run: the table stays here, only noised updates go to the core;
       the API key in THREADLINE_API_KEY, with the edge:write scope)
  threadline-edge verify <bundle.json> --public-key <key.pem>
  threadline-edge score <bundle.json> <readings.csv> --public-key <key.pem> [--out <scores.csv>]

The public key is one of the registry's model signing keys (GraphQL: modelSigningKeys).
Readings CSV: header asset,signal,time,value; time as ISO 8601 or epoch milliseconds.`;

function fail(message: string, code = 2): never {
  process.stderr.write(`threadline-edge: ${message}\n`);
  process.exit(code);
}

function verified(bundlePath: string, keyPath: string | undefined): Extract<VerifiedBundle, { ok: true }> {
  if (!keyPath) fail(`--public-key is required\n${USAGE}`);
  let key;
  try {
    key = publicKeyFromPem(readFileSync(keyPath, 'utf8'));
  } catch (error) {
    fail(`cannot read the public key ${keyPath}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(bundlePath, 'utf8'));
  } catch (error) {
    fail(`cannot read the bundle ${bundlePath}: ${(error as Error).message}`);
  }
  const result = verifyBundle(raw, new Map([[keyIdOf(key), key]]));
  if (!result.ok) fail(`the bundle is refused: ${result.reason}`, 3);
  return result;
}

async function score(bundle: Extract<VerifiedBundle, { ok: true }>, csvPath: string): Promise<string> {
  const { manifest, onnx } = bundle;
  const spec = manifest.featureSpec;
  const parsed = parseReadingsCsv(readFileSync(csvPath, 'utf8'));
  for (const problem of parsed.problems) process.stderr.write(`threadline-edge: ${csvPath} ${problem}\n`);
  if (isStreamingSpec(spec)) return detectReadings(spec, manifest.threshold, parsed.assets);
  const runner = await OnnxRunner.load(onnx, spec.reference.length);
  const f = spec.reference.length;
  const names = featureNames(spec);
  const lines = ['asset,window_end,score,alert,top_feature,top_contribution'];
  const attributeInputs = assetAttributeNames(spec).length > 0;
  for (const [asset, series] of parsed.assets) {
    const attributes = manifest.assetAttributes?.[asset];
    if (attributeInputs && !attributes)
      process.stderr.write(`threadline-edge: asset ${asset} is not in the bundle's deployment; its attribute inputs stay unset\n`);
    const times = [...series.values()].flatMap((p) => [p.t[0]!, p.t.at(-1)!]);
    const ends = gridEnds(spec, Math.min(...times) - 1, Math.max(...times));
    const rows = computeFeatures(spec, series, ends, new Map(Object.entries(attributes ?? {}))).filter(scorable);
    if (rows.length === 0) continue;
    const out = await runner.run(
      packRows(
        rows.map((r) => r.values),
        f,
      ),
      rows.length,
    );
    rows.forEach((row, i) => {
      const [top] = topFeatures(out.contributions, i * f, f, 1);
      lines.push(
        [
          asset,
          new Date(row.windowEnd).toISOString(),
          out.scores[i]!.toPrecision(9),
          out.scores[i]! >= manifest.threshold,
          names[top!],
          out.contributions[i * f + top!]!.toFixed(5),
        ].join(','),
      );
    });
  }
  await runner.release();
  return `${lines.join('\n')}\n`;
}

/**
 * A streaming detector's bundle: each asset's readings through a detector that starts learning at
 * the file's first reading, the same code as the cloud's, one line per grid window with a sample.
 */
function detectReadings(spec: FeatureSpec, threshold: number, assets: ReadonlyMap<string, AssetSeries>): string {
  const names = spec.signals.map((s) => s.name);
  const lines = ['asset,window_end,score,alert,top_feature,top_contribution'];
  for (const [asset, series] of assets) {
    const windows = detectWindows(new AssetDetector(names), names, series, spec.stepSeconds * 1000, -Infinity);
    for (const [end, { detection, signal }] of windows) {
      lines.push(
        [
          asset,
          new Date(end).toISOString(),
          detection.score.toPrecision(9),
          detection.score >= threshold,
          `${names[signal]}.${detection.expectation}`,
          detection.surprise.toFixed(5),
        ].join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

async function runAgent(bundlePath: string): Promise<void> {
  const keyPath = values['public-key'];
  const apiKey = process.env.THREADLINE_API_KEY;
  const mqttUrl = values.mqtt ?? process.env.PLANT_MQTT_URL;
  const coreUrl = values.core ?? process.env.THREADLINE_CORE_URL;
  if (!keyPath || !values.state || !mqttUrl || !coreUrl || !apiKey)
    fail(`run needs --public-key, --state, --mqtt (or PLANT_MQTT_URL), --core (or THREADLINE_CORE_URL) and THREADLINE_API_KEY\n${USAGE}`);
  let key;
  try {
    key = publicKeyFromPem(readFileSync(keyPath, 'utf8'));
  } catch (error) {
    fail(`cannot read the public key ${keyPath}: ${(error as Error).message}`);
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  // Loaded for `run` only: the OPC UA client it brings prints notices to stdout, where `score` writes its CSV.
  const { EdgeAgent } = await import('./agent.ts');
  const { agentMetrics } = await import('./agent-metrics.ts');
  const { serveMetrics } = await import('../metrics-server.ts');
  const agent = await EdgeAgent.start({
    bundlePath,
    trustedKeys: new Map([[keyIdOf(key), key]]),
    stateDir: values.state,
    mqttUrl,
    ...((values.opcua ?? process.env.PLANT_OPCUA_URL) ? { opcuaUrl: values.opcua ?? process.env.PLANT_OPCUA_URL } : {}),
    core: { url: coreUrl.replace(/\/$/, ''), apiKey },
    log,
    heartbeatMs: Number(values['heartbeat-seconds'] ?? 30) * 1000,
  }).catch((error: unknown) => fail((error as Error).message, 3));
  const registry = agentMetrics(agent);
  const metricsServer = values['metrics-port']
    ? await serveMetrics(
        { render: () => registry.metrics(), contentType: registry.contentType },
        Number(values['metrics-port']),
        '127.0.0.1',
        process.env.METRICS_TOKEN,
      )
    : null;
  const stop = () => {
    log.info(agent.status, 'edge: stopping');
    metricsServer?.close();
    void agent.stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function federate(tablePath: string): Promise<void> {
  const apiKey = process.env.THREADLINE_API_KEY;
  const coreUrl = values.core ?? process.env.THREADLINE_CORE_URL;
  if (!values.run || !values.target || !coreUrl || !apiKey)
    fail(`federate needs --run, --target, --core (or THREADLINE_CORE_URL) and THREADLINE_API_KEY\n${USAGE}`);
  let records;
  try {
    records = recordsOf(readFileSync(tablePath, 'utf8')).records;
  } catch (error) {
    fail(`cannot read the site table ${tablePath}: ${(error as Error).message}`);
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const { takePart, httpTransport } = await import('./federate.ts');
  const result = await takePart({
    runId: values.run,
    targetId: values.target,
    records,
    transport: httpTransport({ url: coreUrl.replace(/\/$/, ''), apiKey }),
    log,
  }).catch((error: unknown) => fail((error as Error).message, 3));
  process.stdout.write(
    `ok: federated run ${values.run} aggregated; this site sent ${result.rounds} noised gradients over ${result.rows} rows (${result.skipped} unreadable rows left out)\n`,
  );
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    'public-key': { type: 'string' },
    out: { type: 'string' },
    state: { type: 'string' },
    mqtt: { type: 'string' },
    opcua: { type: 'string' },
    core: { type: 'string' },
    'heartbeat-seconds': { type: 'string' },
    'metrics-port': { type: 'string' },
    run: { type: 'string' },
    target: { type: 'string' },
    help: { type: 'boolean' },
  },
});
const [command, bundlePath, csvPath] = positionals;
if (values.help || !command) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}
if (command === 'verify' && bundlePath) {
  const { manifest } = verified(bundlePath, values['public-key']);
  process.stdout.write(
    `ok: ${manifest.modelName} v${manifest.version} (${manifest.family}) sha256 ${manifest.sha256} for ${manifest.edgeTarget.name}, signed by ${manifest.bundleKeyId}\n`,
  );
} else if (command === 'run' && bundlePath) {
  await runAgent(bundlePath);
} else if (command === 'federate' && bundlePath) {
  await federate(bundlePath);
} else if (command === 'score' && bundlePath && csvPath) {
  const csv = await score(verified(bundlePath, values['public-key']), csvPath);
  if (values.out) writeFileSync(values.out, csv);
  else process.stdout.write(csv);
} else {
  fail(USAGE);
}
