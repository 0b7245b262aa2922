// Rules for creating and changing waves: phase duration bounds, scope limits no looser than the
// phase policy, and status changes by hand limited to starting a planned wave or cancelling one;
// gate review, passing and holding come from gate decisions (wave-advance.resolver.ts).
import type { Row } from '../../common/entity-repository.ts';
import { badInput } from '../../common/errors.ts';
import type { WavePhase, WaveStatus } from '@threadline/db/client';
import { durationProblem, PHASE_POLICY, stricter } from '@threadline/db/waves/policy';
import type { ScalingWaveInput, ScalingWaveUpdate } from './waves.inputs.ts';

export function prepareWave(input: Partial<ScalingWaveInput> & ScalingWaveUpdate, now: Date, existing?: Row): Record<string, unknown> {
  const phase = (input.phase ?? existing?.phase) as WavePhase;
  const start = input.plannedStartAt ?? (existing?.plannedStartAt as Date);
  const end = input.plannedEndAt ?? (existing?.plannedEndAt as Date);
  const problem = durationProblem(phase, start, end);
  if (problem) throw badInput(problem, { field: 'plannedEndAt' });
  if (input.status !== undefined && input.status !== null) statusProblem(existing?.status as WaveStatus, input.status);
  const policy = PHASE_POLICY[phase];
  for (const key of ['maxAssets', 'maxLines', 'maxSites'] as const) {
    const asked = input[key];
    if (asked !== undefined && asked !== null && policy[key] !== null && asked > policy[key]) {
      throw badInput(`${key} may not exceed the ${phase} policy of ${policy[key]}.`, { field: key });
    }
  }
  if (!existing) {
    return {
      ...input,
      maxAssets: stricter(policy.maxAssets, input.maxAssets),
      maxLines: stricter(policy.maxLines, input.maxLines),
      maxSites: stricter(policy.maxSites, input.maxSites),
    };
  }
  return { ...input, ...(input.status === 'ACTIVE' && existing?.status === 'PLANNED' ? { startedAt: now } : {}) };
}

function statusProblem(from: WaveStatus, to: WaveStatus): void {
  const allowed = (to === 'ACTIVE' && from === 'PLANNED') || (to === 'CANCELLED' && (from === 'PLANNED' || from === 'ACTIVE'));
  if (!allowed) {
    throw badInput(
      `A wave goes from ${from} to ${to} only through a gate decision (requestWaveAdvance, decideWaveAdvance); by hand a planned wave starts (ACTIVE) and a planned or active one is CANCELLED.`,
      { field: 'status' },
    );
  }
}
