// The scaling methodology's phase policies (DESIGN §2), as data: scope limits and duration bounds.
import type { WavePhase } from '../client.ts';

export interface PhasePolicy {
  maxAssets: number | null;
  maxLines: number | null;
  maxSites: number | null;
  minMonths: number;
  maxMonths: number;
}

export const PHASE_POLICY: Record<WavePhase, PhasePolicy> = {
  PILOT_AND_PROVE: { maxAssets: 5, maxLines: null, maxSites: null, minMonths: 3, maxMonths: 6 },
  ANCHOR_DEPLOYMENT: { maxAssets: null, maxLines: 2, maxSites: 2, minMonths: 6, maxMonths: 12 },
  ENTERPRISE_ROLLOUT: { maxAssets: null, maxLines: null, maxSites: null, minMonths: 12, maxMonths: 24 },
};

/** The phases in the order a use case scales through them. */
export const PHASE_ORDER: readonly WavePhase[] = ['PILOT_AND_PROVE', 'ANCHOR_DEPLOYMENT', 'ENTERPRISE_ROLLOUT'];

const MONTH_MS = (365.25 / 12) * 86_400_000;

/** Why a planned period breaks the phase's duration policy, or null when it fits. */
export function durationProblem(phase: WavePhase, start: Date, end: Date): string | null {
  const policy = PHASE_POLICY[phase];
  const months = (end.getTime() - start.getTime()) / MONTH_MS;
  if (months <= 0) return 'plannedEndAt must be after plannedStartAt.';
  if (months < policy.minMonths - 0.5 || months > policy.maxMonths + 0.5) {
    return `A ${phase} wave runs ${policy.minMonths}-${policy.maxMonths} months; this plan runs ${months.toFixed(1)}.`;
  }
  return null;
}

/** The wave's limit: the stricter of the phase policy and the one asked for. */
export function stricter(policy: number | null, asked: number | undefined | null): number | null {
  if (asked === undefined || asked === null) return policy;
  return policy === null ? asked : Math.min(policy, asked);
}
