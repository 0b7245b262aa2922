// ROI figures in GraphQL (DESIGN §2), computed from the use case's KPIs, measurements and cost items.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { RoiBasis } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';

@ObjectType({ description: 'One month after kickoff.' })
export class RoiMonth {
  @Field(() => Int) month!: number;
  @Field(() => DateTime) startsAt!: Date;
  @Field(() => Float) benefit!: number;
  @Field(() => Float) cost!: number;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
}

@ObjectType({ description: "A KPI's share of the benefit in the last month counted." })
export class RoiKpiContribution {
  @Field(() => ID) kpiId!: string;
  @Field(() => String) name!: string;
  @Field(() => Float, { nullable: true, description: 'baseline − actual when lower is better, actual − baseline when higher is better.' }) improvement!:
    number | null;
  @Field(() => Float, { description: 'improvement × value per unit.' }) benefitPerMonth!: number;
  @Field(() => String, { nullable: true, description: 'Why it adds nothing (no target, no recent measurement).' }) note!: string | null;
}

@ObjectType()
export class RoiCostContribution {
  @Field(() => ID) costItemId!: string;
  @Field(() => String) name!: string;
  @Field(() => Float) total!: number;
}

@ObjectType({ description: 'ROI as DESIGN §2 defines it, month by month from kickoff.' })
export class RoiFigures {
  @Field(() => RoiBasis) basis!: RoiBasis;
  @Field(() => Float, { description: 'Benefit of the last month counted: Σ over KPIs of improvement × value per unit.' }) monthlyBenefit!: number;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
  @Field(() => Float, { nullable: true, description: '(cumulative benefit − cumulative cost) / cumulative cost; null while nothing was spent.' }) roi!:
    number | null;
  @Field(() => Int, { nullable: true, description: 'First month where cumulative benefit ≥ cumulative cost; null when never reached in the months counted.' })
  paybackMonth!: number | null;
  @Field(() => Float, { description: "Σ_m (benefit_m − cost_m) / (1 + r/12)^m at the use case's annual discount rate r." }) npv!: number;
  @Field(() => [RoiMonth]) months!: RoiMonth[];
  @Field(() => [RoiKpiContribution]) kpis!: RoiKpiContribution[];
  @Field(() => [RoiCostContribution]) costs!: RoiCostContribution[];
}
