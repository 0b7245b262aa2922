// GraphQL types of the thread query: why a use case's ROI changed between two times.
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { RoiBasis } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';
import { AuditEvent } from '../audit/audit.types.ts';
import { DriftReport, Insight, ModelVersion, TrainingRun } from '../models/models.types.ts';
import { Approval } from '../waves/waves.types.ts';
import { Kpi, KpiMeasurement, RoiSnapshot } from './value.types.ts';

@ObjectType({ description: 'ROI as it stood at a time, from the measurements and costs known now.' })
export class RoiPoint {
  @Field(() => DateTime) at!: Date;
  @Field(() => Float, { nullable: true }) roi!: number | null;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
  @Field(() => Float) monthlyBenefit!: number;
  @Field(() => Float) npv!: number;
  @Field(() => Int, { nullable: true }) paybackMonth!: number | null;
}

@ObjectType({ description: 'How one KPI moved: its window average and benefit per month at both ends, and the measurements between.' })
export class KpiChange {
  @Field(() => Kpi) kpi!: Kpi;
  @Field(() => Float, { nullable: true }) averageBefore!: number | null;
  @Field(() => Float, { nullable: true }) averageAfter!: number | null;
  @Field(() => Float) benefitPerMonthBefore!: number;
  @Field(() => Float) benefitPerMonthAfter!: number;
  @Field(() => Float) benefitPerMonthChange!: number;
  @Field(() => [KpiMeasurement], { description: 'Measurements in the period (the latest 200), each with its source and how it was computed.' })
  measurements!: KpiMeasurement[];
}

@ObjectType({ description: "A model version behind the period's insights, with where it came from and who decided." })
export class ModelVersionStep {
  @Field(() => ModelVersion) version!: ModelVersion;
  @Field(() => Int, { description: 'Insights it raised for the use case in the period.' }) insights!: number;
  @Field(() => TrainingRun, { nullable: true, description: 'The run that trained it: trigger, data window, who asked, when.' })
  trainingRun!: TrainingRun | null;
  @Field(() => DriftReport, { nullable: true, description: 'The drift report that triggered the run, if drift did.' }) driftReport!: DriftReport | null;
  @Field(() => [Approval], { description: 'Promotion requests and decisions about it.' }) approvals!: Approval[];
  @Field(() => [AuditEvent], { description: 'Its registration, alias moves to and from it, refusals and retirement: who and when.' }) events!: AuditEvent[];
}

@ObjectType({
  description:
    "Why a use case's ROI changed between two times: ROI ← KPI measurements ← insights ← model versions ← training runs and data windows ← drift reports ← approvals.",
})
export class RoiChange {
  @Field(() => RoiBasis) basis!: RoiBasis;
  @Field(() => RoiPoint) before!: RoiPoint;
  @Field(() => RoiPoint) after!: RoiPoint;
  @Field(() => Float, { nullable: true }) roiChange!: number | null;
  @Field(() => [KpiChange], { description: 'Largest change in benefit first.' }) kpis!: KpiChange[];
  @Field(() => [Insight], { description: 'Insights raised for the use case in the period (the latest 200).' }) insights!: Insight[];
  @Field(() => [ModelVersionStep]) modelVersions!: ModelVersionStep[];
  @Field(() => [RoiSnapshot], { description: 'Snapshots kept in the period.' }) snapshots!: RoiSnapshot[];
  @Field(() => [AuditEvent], { description: 'Decisions in the period about the use case: KPIs, costs, waves, gates, approvals.' }) decisions!: AuditEvent[];
}
