// GraphQL types of MTTI, MTTA and TTV (DESIGN §2).
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../../common/scalars.ts';

@ObjectType({ description: 'Count, mean and percentiles of a duration over insights, in seconds.' })
export class DurationStats {
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) meanSeconds!: number | null;
  @Field(() => Float, { nullable: true, description: 'Median (continuous percentile).' }) p50Seconds!: number | null;
  @Field(() => Float, { nullable: true }) p95Seconds!: number | null;
}

@ObjectType({ description: 'Time to acknowledgement (acknowledgedAt − raisedAt) over the acknowledged insights.' })
export class AcknowledgementStats extends DurationStats {
  @Field(() => Int, { description: 'Insights raised in the period not acknowledged yet.' }) unacknowledged!: number;
}

@ObjectType({ description: "MTTI and MTTA of a use case's insights raised in a period." })
export class InsightTimings {
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => Int) insights!: number;
  @Field(() => DurationStats, { description: "Time to insight: raisedAt − receivedAt of the earliest telemetry point in the insight's evidence window." })
  mtti!: DurationStats;
  @Field(() => AcknowledgementStats) mtta!: AcknowledgementStats;
}
