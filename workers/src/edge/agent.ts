// The edge agent (`threadline-edge run`): a long-running process on a gateway. It reads the plant
// on site (the MQTT topics of the bundle's signals, decoded as the core's adapter decodes them, and
// its OPC UA nodes through the same subscription as the core's adapter),
// scores with its verified bundle (or, failing that, the asset type's ranges), raises insights on
// site (logged, and published on the local broker under threadline/edge/<target>/insights) even
// while the core is unreachable, and stores everything for the core (readings, scored windows) in
// its durable outbox, which the forwarder sends in order whenever the link is up. Heartbeats
// (version, mode, backlog) go to the core directly and are not queued: a late one says nothing.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '@threadline/db/clock';
import { EDGE_AGENT_VERSION, verifyBundle, type BundleManifest, type EdgeBundle } from '@threadline/db/models/edge-bundle';
import { parseRfc3339 } from '@threadline/db/rfc3339';
import type { AddressedPoint } from '@threadline/db/telemetry/ingest';
import { decodePlain } from '../adapters/mqtt-messages.ts';
import { OpcUaSubscription } from '../adapters/opcua-subscription.ts';
import { Forwarder, type CoreLink } from './forwarder.ts';
import { EdgeOutbox } from './outbox.ts';
import { modelMode, SiteScorer, type SiteInsight, type SiteMode } from './site-scorer.ts';
import { offerKey, tryUpdate, type Offer, type OfferedUpdate } from './update.ts';

export interface AgentOptions {
  bundlePath: string;
  trustedKeys: ReadonlyMap<string, KeyObject>;
  /** Where the outbox and the last bundle that verified live. */
  stateDir: string;
  /** The plant's broker on site. */
  mqttUrl: string;
  /** The plant's OPC UA server on site, for the bundle's OPC_UA signals. */
  opcuaUrl?: string;
  core: Omit<CoreLink, 'targetId'>;
  log: Logger;
  clock?: Clock;
  heartbeatMs?: number;
  /** How long readings gather before they are stored and scored. */
  flushMs?: number;
  /** How often the agent asks the core for an over-the-air update. */
  updateCheckMs?: number;
  outboxMaxBytes?: number;
  retry?: { first: number; max: number };
}

export interface AgentStats {
  mode: 'MODEL' | 'FALLBACK';
  reason: string | null;
  readings: number;
  windows: number;
  insights: number;
  backlog: number;
  dropped: number;
  linkUp: boolean;
}

/** Readings one outbox record holds: a forwarded run of records stays within one bulk request (MAX_BATCH points). */
const READINGS_PER_RECORD = 5_000;

/** Where a reading on site comes from: its asset, signal, and id at the core. */
interface Source {
  asset: string;
  signal: string;
  signalId: string;
}

interface Loaded {
  manifest: BundleManifest;
  mode: SiteMode;
}

/** The bundle to run: the given one if it verifies, else the last one that did (kept in the state directory). */
async function loadBundle(options: AgentOptions): Promise<Loaded> {
  mkdirSync(options.stateDir, { recursive: true });
  const lastGood = join(options.stateDir, 'bundle.json');
  const read = (path: string) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch (error) {
      return { unreadable: (error as Error).message };
    }
  };
  const given = read(options.bundlePath);
  let result = verifyBundle(given, options.trustedKeys);
  if (result.ok) writeFileSync(lastGood, JSON.stringify(given));
  else {
    options.log.error({ bundle: options.bundlePath, reason: result.reason }, 'edge: the bundle is refused');
    const previous = verifyBundle(read(lastGood), options.trustedKeys);
    if (previous.ok) {
      options.log.warn({ version: previous.manifest.version }, 'edge: running the last bundle that verified');
      result = previous;
    }
  }
  if (!result.ok) {
    if (!result.trustedManifest) throw new Error(`no bundle verifies: ${result.reason}`);
    return { manifest: result.trustedManifest, mode: { kind: 'FALLBACK', reason: result.reason } };
  }
  return { manifest: result.manifest, mode: await modelMode(result.manifest, result.onnx) };
}

export class EdgeAgent {
  private readonly stats = { readings: 0, windows: 0, insights: 0 };
  private readonly pending: { signalId: string; time: string; value: number }[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private updateTimer: NodeJS.Timeout | null = null;
  private updating = false;
  private offer: { key: string; bundle: EdgeBundle } | null = null;
  private client: MqttClient | null = null;
  private topicMap = new Map<string, Source>();
  private opcua: OpcUaSubscription | null = null;

  private constructor(
    private readonly options: AgentOptions,
    private scorer: SiteScorer,
    private readonly outbox: EdgeOutbox,
    private readonly forwarder: Forwarder,
    private readonly clock: Clock,
  ) {}

  /** The bundle the agent runs. */
  get manifest(): BundleManifest {
    return this.scorer.manifest;
  }

  static async start(options: AgentOptions): Promise<EdgeAgent> {
    const clock = options.clock ?? systemClock;
    const { manifest, mode } = await loadBundle(options);
    if (!manifest.assets) throw new Error('the bundle names no assets to read (issue a new bundle)');
    const scorer = new SiteScorer(manifest, mode, () => clock.nowMs());
    const outbox = EdgeOutbox.open(join(options.stateDir, 'outbox'), options.outboxMaxBytes);
    const core = { ...options.core, targetId: manifest.edgeTarget.id };
    const forwarder = new Forwarder(outbox, core, options.log, join(options.stateDir, 'refused.jsonl'), options.retry);
    const agent = new EdgeAgent(options, scorer, outbox, forwarder, clock);
    forwarder.start();
    options.log.info(
      {
        target: manifest.edgeTarget.name,
        model: manifest.modelName,
        version: manifest.version,
        mode: mode.kind,
        reason: agent.status.reason,
        backlog: outbox.backlog,
      },
      'edge: agent started',
    );
    await agent.subscribe();
    agent.heartbeat();
    agent.heartbeatTimer = setInterval(() => agent.heartbeat(), options.heartbeatMs ?? 30_000);
    agent.updateTimer = setInterval(() => void agent.checkForUpdate(), options.updateCheckMs ?? 60_000);
    return agent;
  }

  get status(): AgentStats {
    return {
      mode: this.scorer.mode.kind,
      reason: this.scorer.mode.kind === 'FALLBACK' ? this.scorer.mode.reason : null,
      ...this.stats,
      backlog: this.outbox.backlog,
      dropped: this.outbox.dropped,
      linkUp: this.forwarder.linkUp,
    };
  }

  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.updateTimer) clearInterval(this.updateTimer);
    await this.client?.endAsync();
    await this.opcua?.close();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    await this.flush();
    await this.forwarder.stop();
    this.outbox.close();
    if (this.scorer.mode.kind === 'MODEL') await this.scorer.mode.runner.release();
  }

  /** The addresses (MQTT topics, OPC UA node ids) of the signals the scorer reads over `protocol`. */
  private sources(protocol: 'MQTT' | 'OPC_UA'): Map<string, Source> {
    const wanted = this.scorer.signals;
    const found = new Map<string, Source>();
    for (const [asset, { signals }] of Object.entries(this.manifest.assets ?? {}))
      for (const [signal, s] of Object.entries(signals))
        if (s.protocol === protocol && wanted.has(signal)) found.set(s.address, { asset, signal, signalId: s.id });
    return found;
  }

  private async subscribe(): Promise<void> {
    const client = mqtt.connect(this.options.mqttUrl, {
      clientId: `threadline-edge-${this.manifest.edgeTarget.id}`,
      clean: false,
      reconnectPeriod: 1_000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.receive(topic, payload));
    client.on('error', (error) => this.options.log.warn({ err: error.message }, 'edge: plant broker'));
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await this.subscribeTopics();
    const nodes = this.sources('OPC_UA');
    if (this.options.opcuaUrl && nodes.size > 0)
      this.opcua = await OpcUaSubscription.open(
        this.options.opcuaUrl,
        [...nodes.keys()],
        (point) => {
          const source = nodes.get(point.address);
          if (source) this.accept(source, [point], this.clock.nowMs());
        },
        { applicationName: 'Threadline edge agent', log: this.options.log, clock: this.clock },
      );
    else if (nodes.size > 0) this.options.log.warn({ nodes: nodes.size }, 'edge: the bundle reads OPC UA signals but no --opcua server is given');
  }

  /** Subscribes to the topics the running bundle reads that are not yet subscribed to. */
  private async subscribeTopics(): Promise<void> {
    const topics = this.sources('MQTT');
    const added = [...topics.keys()].filter((t) => !this.topicMap.has(t));
    this.topicMap = topics;
    if (added.length > 0) await this.client!.subscribeAsync(added, { qos: 1 });
  }

  private receive(topic: string, payload: Buffer): void {
    const target = this.topicMap.get(topic);
    if (!target) return;
    const arrived = this.clock.now();
    const decoded = decodePlain(topic, payload, arrived);
    if (!decoded.ok) {
      this.options.log.warn({ topic, reason: decoded.reason }, 'edge: message skipped');
      return;
    }
    this.accept(target, decoded.points, arrived.getTime());
  }

  /** Readings of one source: scored on site and kept for the core; a flush follows shortly. */
  private accept(source: Source, points: readonly AddressedPoint[], arrivedMs: number): void {
    for (const point of points) {
      const time = point.time instanceof Date ? point.time : typeof point.time === 'number' ? new Date(point.time) : parseRfc3339(String(point.time));
      const value = typeof point.value === 'number' ? point.value : NaN;
      if (!time || !Number.isFinite(value)) continue;
      this.scorer.add(source.asset, source.signal, time.getTime(), value, arrivedMs);
      this.pending.push({ signalId: source.signalId, time: time.toISOString(), value });
      this.stats.readings += 1;
    }
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      void this.flush();
    }, this.options.flushMs ?? 200);
  }

  /** Stores the readings gathered, scores what they complete, raises insights on site, wakes the forwarder. */
  private flush(): Promise<void> {
    this.flushing = this.flushing
      .then(async () => {
        const readings = this.pending.splice(0);
        const { windows, insights } = await this.scorer.advance();
        const records: Record<string, unknown>[] = [];
        for (let i = 0; i < readings.length; i += READINGS_PER_RECORD) records.push({ kind: 'READINGS', points: readings.slice(i, i + READINGS_PER_RECORD) });
        for (const { assetCode: _code, ...window } of windows) records.push(window);
        this.outbox.append(records);
        this.stats.windows += windows.length;
        for (const insight of insights) this.raise(insight);
        this.forwarder.wake();
      })
      .catch((error: unknown) => this.options.log.error({ err: (error as Error).message }, 'edge: flush failed'));
    return this.flushing;
  }

  private raise(insight: SiteInsight): void {
    this.stats.insights += 1;
    this.options.log.warn({ ...insight, windowEnd: new Date(insight.windowEnd).toISOString() }, `edge insight: ${insight.assetCode} ${insight.title}`);
    this.client?.publish(`threadline/edge/${this.manifest.edgeTarget.name}/insights`, JSON.stringify(insight), { qos: 1 });
  }

  /** Asks the core for an over-the-air update; installs it (or refuses it) between two scoring passes, and reports. */
  private async checkForUpdate(): Promise<void> {
    if (this.updating) return;
    this.updating = true;
    try {
      // An offer the agent holds (a smoke test deferred, a report not delivered) is not sent again.
      const have = this.offer ? `&have=${encodeURIComponent(this.offer.key)}` : '';
      const answer = (await this.forwarder.request('GET', `/edge/update?targetId=${this.manifest.edgeTarget.id}${have}`)) as { update: Offer | null };
      const offered = answer.update;
      const bundle = offered ? (offered.bundle ?? (this.offer?.key === offerKey(offered) ? this.offer.bundle : null)) : null;
      this.offer = offered && bundle ? { key: offerKey(offered), bundle } : null;
      if (!offered || !bundle) return;
      const update: OfferedUpdate = { ...offered, bundle };
      this.flushing = this.flushing
        .then(() => this.applyUpdate(update))
        .catch((error: unknown) => this.options.log.warn({ err: (error as Error).message, rollout: update.rolloutId }, 'edge: update not applied'));
      await this.flushing;
    } catch (error) {
      this.options.log.debug({ err: (error as Error).message }, 'edge: no update check');
    } finally {
      this.updating = false;
    }
  }

  private async applyUpdate(update: OfferedUpdate): Promise<void> {
    const outcome = await tryUpdate(update, this.scorer, this.options.trustedKeys, () => this.clock.nowMs());
    if (outcome.kind === 'DEFERRED') {
      this.options.log.info({ rollout: update.rolloutId, reason: outcome.reason }, 'edge: update deferred');
      return;
    }
    if (outcome.kind === 'INSTALLED') {
      const previous = this.scorer;
      this.scorer = outcome.scorer;
      writeFileSync(join(this.options.stateDir, 'bundle.json'), JSON.stringify(outcome.bundle));
      await this.subscribeTopics();
      if (previous.mode.kind === 'MODEL') await previous.mode.runner.release();
    }
    const ok = outcome.kind === 'INSTALLED';
    this.options.log[ok ? 'info' : 'error'](
      { rollout: update.rolloutId, action: update.action, version: this.manifest.version, ...outcome.details, ...(ok ? {} : { reason: outcome.reason }) },
      ok ? `edge: ${update.action === 'INSTALL' ? 'updated' : 'rolled back'}` : 'edge: update refused',
    );
    await this.forwarder.post('/edge/update-report', {
      targetId: this.manifest.edgeTarget.id,
      rolloutId: update.rolloutId,
      deploymentId: update.deploymentId,
      action: update.action,
      ok,
      reason: ok ? null : outcome.reason,
      details: outcome.details,
    });
    this.heartbeat();
  }

  private heartbeat(): void {
    const { mode, backlog, dropped } = this.status;
    this.forwarder
      .post('/edge/heartbeat', {
        targetId: this.manifest.edgeTarget.id,
        at: this.clock.nowMs(),
        agentVersion: EDGE_AGENT_VERSION,
        mode,
        modelVersion: mode === 'MODEL' ? this.manifest.version : null,
        backlog,
        dropped,
      })
      .catch((error: unknown) => this.options.log.debug({ err: (error as Error).message }, 'edge: heartbeat not delivered'));
  }
}
