// The signals a simulator drives: every plant-protocol signal of the organisation with its asset
// and range (a signal without a range is simulated over 0-100).
import type pg from 'pg';
import { plantSignalSources } from '@threadline/db/plant/signal-sources';
import type { SimSignal } from './scenario.ts';

export async function loadPlantSignals(pool: pg.Pool, organizationId: string): Promise<SimSignal[]> {
  return (await plantSignalSources(pool, organizationId)).map((s) => ({ ...s, min: s.min ?? 0, max: s.max ?? 100 }));
}
