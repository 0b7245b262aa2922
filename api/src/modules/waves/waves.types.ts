// GraphQL types of scaling waves: phases with policy limits, scope, KPI gates, decisions, approvals.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ApprovalStatus, ApprovalSubject, GateOutcome, WavePhase, WaveStatus } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(WavePhase, {
  name: 'WavePhase',
  description: 'Pilot & Prove (≤5 assets, 3-6 months), Anchor Deployment (1-2 lines or sites, 6-12 months), Enterprise Rollout (multi-site, 12-24 months).',
});
registerEnumType(WaveStatus, { name: 'WaveStatus' });
registerEnumType(GateOutcome, { name: 'GateOutcome' });
registerEnumType(ApprovalSubject, { name: 'ApprovalSubject' });
registerEnumType(ApprovalStatus, { name: 'ApprovalStatus' });

@ObjectType()
export class ScalingWave {
  @Field(() => ID) id!: string;
  @Field(() => ID) useCaseId!: string;
  @Field(() => WavePhase) phase!: WavePhase;
  @Field(() => String) name!: string;
  @Field(() => WaveStatus) status!: WaveStatus;
  @Field(() => DateTime) plannedStartAt!: Date;
  @Field(() => DateTime) plannedEndAt!: Date;
  @Field(() => DateTime, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) endedAt!: Date | null;
  @Field(() => Int, { nullable: true }) maxAssets!: number | null;
  @Field(() => Int, { nullable: true }) maxLines!: number | null;
  @Field(() => Int, { nullable: true }) maxSites!: number | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: "One asset, line or site in a wave's scope." })
export class WaveScopeItem {
  @Field(() => ID) id!: string;
  @Field(() => ID) waveId!: string;
  @Field(() => ID, { nullable: true }) assetId!: string | null;
  @Field(() => ID, { nullable: true }) lineId!: string | null;
  @Field(() => ID, { nullable: true }) siteId!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A KPI threshold a wave must reach before it may advance.' })
export class WaveGate {
  @Field(() => ID) id!: string;
  @Field(() => ID) waveId!: string;
  @Field(() => ID) kpiId!: string;
  @Field(() => Float) threshold!: number;
  @Field(() => Int) windowDays!: number;
  @Field(() => DateTime, { nullable: true }) lastEvaluatedAt!: Date | null;
  @Field(() => Float, { nullable: true }) lastValue!: number | null;
  @Field(() => Boolean, { nullable: true }) passing!: boolean | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class GateDecision {
  @Field(() => ID) id!: string;
  @Field(() => ID) waveId!: string;
  @Field(() => GateOutcome) outcome!: GateOutcome;
  @Field(() => String) rationale!: string;
  @Field(() => Json, { description: 'The gate evaluations the decision was made on.' }) gateResults!: unknown;
  @Field(() => ID) decidedById!: string;
  @Field(() => DateTime) decidedAt!: Date;
}

@ObjectType({ description: 'A request for a human decision and its answer.' })
export class Approval {
  @Field(() => ID) id!: string;
  @Field(() => ApprovalSubject) subjectType!: ApprovalSubject;
  @Field(() => ID) subjectId!: string;
  @Field(() => ApprovalStatus) status!: ApprovalStatus;
  @Field(() => ID) requestedById!: string;
  @Field(() => ID, { nullable: true }) approverId!: string | null;
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => DateTime, { nullable: true }) decidedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: "One gate evaluated from measurements: the KPI's average over the gate's window against its threshold." })
export class GateEvaluation {
  @Field(() => ID) gateId!: string;
  @Field(() => ID) kpiId!: string;
  @Field(() => String) kpi!: string;
  @Field(() => String) unit!: string;
  @Field(() => Float) threshold!: number;
  @Field(() => Int) windowDays!: number;
  @Field(() => Float, { nullable: true, description: 'Average of the measurements in the window; null when there were none.' }) value!: number | null;
  @Field(() => Int) measurements!: number;
  @Field(() => Boolean) passing!: boolean;
  @Field(() => String) reason!: string;
}

@ObjectType({ description: "What a wave's scope covers: a line or site covers every asset on it." })
export class WaveCoverage {
  @Field(() => Int) assets!: number;
  @Field(() => Int) lines!: number;
  @Field(() => Int) sites!: number;
}
