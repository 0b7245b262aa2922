// GraphQL types of the portfolio's ROI and the use-case ranking.
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { RoiBasis } from '@threadline/db/client';
import { UseCase } from './value.types.ts';
import { DateTime } from '../../common/scalars.ts';

export enum PriorityFactorName {
  PROJECTED_ROI = 'PROJECTED_ROI',
  DATA_READINESS = 'DATA_READINESS',
  STAKEHOLDER_ALIGNMENT = 'STAKEHOLDER_ALIGNMENT',
  RISK = 'RISK',
}
registerEnumType(PriorityFactorName, { name: 'PriorityFactorName' });

@ObjectType()
export class PortfolioMonth {
  @Field(() => String, { description: 'YYYY-MM (UTC).' }) month!: string;
  @Field(() => Float) benefit!: number;
  @Field(() => Float) cost!: number;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
}

@ObjectType()
export class PortfolioUseCase {
  @Field(() => UseCase) useCase!: UseCase;
  @Field(() => Float, { nullable: true }) roi!: number | null;
  @Field(() => Float) npv!: number;
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
  @Field(() => Int, { nullable: true }) paybackMonth!: number | null;
}

@ObjectType({ description: "The use cases' monthly benefits and costs added up by calendar month; NPV is the sum of the use cases' NPVs." })
export class PortfolioRoi {
  @Field(() => RoiBasis) basis!: RoiBasis;
  @Field(() => DateTime, { description: "When the oldest figures added up were computed: a stored snapshot's time, or now when computed for this request." })
  asOf!: Date;
  @Field(() => [PortfolioMonth]) months!: PortfolioMonth[];
  @Field(() => Float) cumulativeBenefit!: number;
  @Field(() => Float) cumulativeCost!: number;
  @Field(() => Float, { nullable: true }) roi!: number | null;
  @Field(() => Float) npv!: number;
  @Field(() => String, { nullable: true, description: 'YYYY-MM where cumulative benefit first covers cumulative cost.' }) paybackMonth!: string | null;
  @Field(() => [PortfolioUseCase]) useCases!: PortfolioUseCase[];
}

@ObjectType({ description: 'One factor of a prioritisation score and what it adds.' })
export class PriorityFactor {
  @Field(() => PriorityFactorName) factor!: PriorityFactorName;
  @Field(() => String) input!: string;
  @Field(() => Float, { description: 'The factor on 0-1.' }) normalised!: number;
  @Field(() => Float) weight!: number;
  @Field(() => Float, { description: 'Points it adds to the 0-100 score.' }) points!: number;
}

@ObjectType()
export class UseCaseRank {
  @Field(() => Int) rank!: number;
  @Field(() => UseCase) useCase!: UseCase;
  @Field(() => Float, { description: '0-100: 40 % projected ROI, 25 % data readiness, 20 % stakeholder alignment, 15 % risk (docs/value.md).' }) score!: number;
  @Field(() => [PriorityFactor]) factors!: PriorityFactor[];
}

@ObjectType()
export class ValueRecompute {
  @Field(() => Int) measurementsChanged!: number;
  @Field(() => Int) gatesEvaluated!: number;
  @Field(() => Int) firstValues!: number;
  @Field(() => Int) snapshots!: number;
}
