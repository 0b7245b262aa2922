// The prioritisation score of a use case (DESIGN §2), 0-100: a weighted blend of four factors, each
// brought to 0-1 first:
// - projected ROI over the planning horizon, as roi / (1 + roi) for roi > 0 (0 when it loses money
//   or cannot be projected): saturating, so a huge ROI cannot outweigh everything else;
// - data readiness (0-1) and stakeholder alignment (0-1), as entered;
// - risk: LOW 1, MEDIUM 0.5, HIGH 0 (a safer use case scores higher).
// Weights: ROI 40 %, data readiness 25 %, stakeholder alignment 20 %, risk 15 %.

export type PriorityFactorName = 'PROJECTED_ROI' | 'DATA_READINESS' | 'STAKEHOLDER_ALIGNMENT' | 'RISK';

export const PRIORITY_WEIGHTS: Record<PriorityFactorName, number> = {
  PROJECTED_ROI: 0.4,
  DATA_READINESS: 0.25,
  STAKEHOLDER_ALIGNMENT: 0.2,
  RISK: 0.15,
};

const RISK_SCORE = { LOW: 1, MEDIUM: 0.5, HIGH: 0 } as const;

export interface PriorityFactor {
  factor: PriorityFactorName;
  /** The input as entered or computed, in words. */
  input: string;
  /** The factor on 0-1. */
  normalised: number;
  weight: number;
  /** Points it adds to the 0-100 score. */
  points: number;
}

export interface PriorityInput {
  projectedRoi: number | null;
  dataReadiness: number;
  stakeholderAlignment: number;
  riskLevel: keyof typeof RISK_SCORE;
}

export function priorityScore(input: PriorityInput): { score: number; factors: PriorityFactor[] } {
  const roi = input.projectedRoi;
  const raw: [PriorityFactorName, string, number][] = [
    ['PROJECTED_ROI', roi === null ? 'no cost or target to project from' : `projected ROI ${roi.toFixed(2)}`, roi !== null && roi > 0 ? roi / (1 + roi) : 0],
    ['DATA_READINESS', `data readiness ${input.dataReadiness}`, input.dataReadiness],
    ['STAKEHOLDER_ALIGNMENT', `stakeholder alignment ${input.stakeholderAlignment}`, input.stakeholderAlignment],
    ['RISK', `risk ${input.riskLevel}`, RISK_SCORE[input.riskLevel]],
  ];
  const factors = raw.map(([factor, text, normalised]) => ({
    factor,
    input: text,
    normalised,
    weight: PRIORITY_WEIGHTS[factor],
    points: 100 * PRIORITY_WEIGHTS[factor] * normalised,
  }));
  return { score: factors.reduce((sum, f) => sum + f.points, 0), factors };
}
