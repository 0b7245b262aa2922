// Rules for creating and changing waves: phase duration bounds and scope limits no looser than
// the phase policy.
import type { Row } from '../../common/entity-repository.ts';
import { badInput } from '../../common/errors.ts';
import type { WavePhase } from '@threadline/db/client';
import { durationProblem, PHASE_POLICY, stricter } from './wave-policy.ts';
import type { ScalingWaveInput, ScalingWaveUpdate } from './waves.inputs.ts';

export function prepareWave(input: Partial<ScalingWaveInput> & ScalingWaveUpdate, existing?: Row): Record<string, unknown> {
  const phase = (input.phase ?? existing?.phase) as WavePhase;
  const start = input.plannedStartAt ?? (existing?.plannedStartAt as Date);
  const end = input.plannedEndAt ?? (existing?.plannedEndAt as Date);
  const problem = durationProblem(phase, start, end);
  if (problem) throw badInput(problem, { field: 'plannedEndAt' });
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
  return { ...input };
}
