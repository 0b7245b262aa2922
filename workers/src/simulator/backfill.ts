// Plays the simulator's scenario over a past time range through the real ingest path: readings
// for the chosen signals every `stepMs`, and the alarms and state changes they cause (which open
// and close incidents). For training data, demos and benchmarks; the same seed gives the same plant.
import type { IngestService } from '@threadline/db/telemetry/ingest';
import type { EventIngest } from '@threadline/db/telemetry/events';
import { AlarmLogic } from './alarms.ts';
import type { Scenario, SimSignal } from './scenario.ts';

export interface BackfillOptions {
  ingest: IngestService;
  events: EventIngest;
  organizationId: string;
  scenario: Scenario;
  signals: readonly SimSignal[];
  from: number;
  to: number;
  stepMs: number;
  /** Points per ingest call. */
  batchSize?: number;
}

export interface BackfillResult {
  points: number;
  events: number;
}

export async function backfillScenario(options: BackfillOptions): Promise<BackfillResult> {
  const batchSize = options.batchSize ?? 20_000;
  const alarms = new AlarmLogic();
  const batches = new Map<string, { address: string; time: number; value: number }[]>();
  const result: BackfillResult = { points: 0, events: 0 };
  const flush = async (protocol: string) => {
    const points = batches.get(protocol);
    if (!points || points.length === 0) return;
    batches.set(protocol, []);
    const stored = await options.ingest.ingestByAddress(options.organizationId, protocol, points);
    if (stored.rejected.length > 0) throw new Error(`backfill points refused: ${stored.rejected[0]!.reason}`);
    result.points += stored.accepted + stored.duplicates;
  };
  for (let t = Math.ceil(options.from / options.stepMs) * options.stepMs; t < options.to; t += options.stepMs) {
    const readings = options.signals.map((signal) => ({ signal, reading: options.scenario.read(signal, t) }));
    for (const { signal, reading } of readings) {
      const list = batches.get(signal.protocol) ?? [];
      list.push({ address: signal.address, time: t, value: reading.value });
      batches.set(signal.protocol, list);
      if (list.length >= batchSize) await flush(signal.protocol);
    }
    const events = alarms.step(readings, new Date(t));
    if (events.length > 0) {
      // Events go in after the readings they follow from, so an incident never precedes its data.
      for (const protocol of batches.keys()) await flush(protocol);
      const stored = await options.events.ingest(
        options.organizationId,
        events.map(({ site: _site, ...event }) => event),
      );
      result.events += stored.accepted;
    }
  }
  for (const protocol of batches.keys()) await flush(protocol);
  return result;
}
