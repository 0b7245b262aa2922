// GraphQL types of business value: use cases, their KPIs and measurements, costs and ROI snapshots.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CostCategory, CostKind, KpiDirection, KpiKind, MeasurementSource, RiskLevel, RoiBasis, UseCaseStatus } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(UseCaseStatus, { name: 'UseCaseStatus' });
registerEnumType(RiskLevel, { name: 'RiskLevel' });
registerEnumType(KpiDirection, { name: 'KpiDirection' });
registerEnumType(KpiKind, { name: 'KpiKind' });
registerEnumType(MeasurementSource, { name: 'MeasurementSource' });
registerEnumType(CostKind, { name: 'CostKind' });
registerEnumType(CostCategory, { name: 'CostCategory' });
registerEnumType(RoiBasis, { name: 'RoiBasis', description: 'PROJECTED from targets, REALISED from measurements.' });

@ObjectType({ description: 'A business outcome pursued with AI, measured by its KPIs.' })
export class UseCase {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => UseCaseStatus) status!: UseCaseStatus;
  @Field(() => ID, { nullable: true }) ownerId!: string | null;
  @Field(() => DateTime, { nullable: true, description: 'Start of the clock for ROI and time to value.' }) kickoffAt!: Date | null;
  @Field(() => DateTime, { nullable: true, description: 'First day every gated KPI met its target over 7 days.' }) firstValueAt!: Date | null;
  @Field(() => Float, { description: '0-1: are the needed signals available, clean and labelled?' }) dataReadiness!: number;
  @Field(() => Float, { description: '0-1: do operations, IT, OT and the budget owner agree?' }) stakeholderAlignment!: number;
  @Field(() => RiskLevel) riskLevel!: RiskLevel;
  @Field(() => Float, { description: 'Annual discount rate for NPV.' }) discountRateAnnual!: number;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A key performance indicator: baseline, target and the money one unit of improvement is worth per month.' })
export class Kpi {
  @Field(() => ID) id!: string;
  @Field(() => ID) useCaseId!: string;
  @Field(() => String) name!: string;
  @Field(() => KpiKind) kind!: KpiKind;
  @Field(() => String) unit!: string;
  @Field(() => KpiDirection) direction!: KpiDirection;
  @Field(() => Float) baseline!: number;
  @Field(() => Float, { nullable: true }) target!: number | null;
  @Field(() => Float, { description: 'Currency per unit of improvement per month.' }) valuePerUnit!: number;
  @Field(() => Int, { description: 'Averaging window for improvement, in days.' }) windowDays!: number;
  @Field(() => Json, {
    nullable: true,
    description: 'How the KPI is computed from the thread (the value-recompute job writes one COMPUTED measurement per day); null when measured by hand.',
  })
  computation!: unknown;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType()
export class KpiMeasurement {
  @Field(() => ID) id!: string;
  @Field(() => ID) kpiId!: string;
  @Field(() => DateTime) measuredAt!: Date;
  @Field(() => Float) value!: number;
  @Field(() => MeasurementSource) source!: MeasurementSource;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType()
export class CostItem {
  @Field(() => ID) id!: string;
  @Field(() => ID) useCaseId!: string;
  @Field(() => String) name!: string;
  @Field(() => CostKind) kind!: CostKind;
  @Field(() => CostCategory) category!: CostCategory;
  @Field(() => Float, { description: "In the organisation's currency; per month for MONTHLY items." }) amount!: number;
  @Field(() => DateTime) startsAt!: Date;
  @Field(() => DateTime, { nullable: true }) endsAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'ROI of a use case as computed at a moment.' })
export class RoiSnapshot {
  @Field(() => ID) id!: string;
  @Field(() => ID) useCaseId!: string;
  @Field(() => RoiBasis) basis!: RoiBasis;
  @Field(() => DateTime) computedAt!: Date;
  @Field(() => Float) monthlyBenefit!: number;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
  @Field(() => Float, { nullable: true, description: '(cumulative benefit − cumulative cost) / cumulative cost.' }) roi!: number | null;
  @Field(() => Float, { nullable: true }) npv!: number | null;
  @Field(() => Int, { nullable: true, description: 'First month where cumulative benefit ≥ cumulative cost.' }) paybackMonth!: number | null;
  @Field(() => Json) breakdown!: unknown;
}
