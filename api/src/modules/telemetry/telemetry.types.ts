// GraphQL types of telemetry ingest and reads.
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { DateTime } from '../../common/scalars.ts';
import { PageInfo } from '../../common/connection.ts';

export enum TelemetryQuality {
  GOOD = 'GOOD',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  UNCERTAIN = 'UNCERTAIN',
  BAD = 'BAD',
}
registerEnumType(TelemetryQuality, { name: 'TelemetryQuality', description: "OUT_OF_RANGE: outside the property's normal range, stored and flagged." });

@InputType({ description: 'One reading. Points are idempotent on (signalId, time): a resend is counted as a duplicate.' })
export class TelemetryPointInput {
  // Checked by the ingest rules rather than class-validator, so that one bad point is reported
  // with its index while the rest of the batch is stored.
  @Field(() => ID) signalId!: string;
  @Field(() => String, { description: 'ISO 8601 timestamp.' }) time!: string;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => TelemetryQuality, { nullable: true }) quality?: TelemetryQuality;
}

@ObjectType()
export class RejectedPoint {
  @Field(() => Int, { description: 'Position of the point in the batch, from 0.' }) index!: number;
  @Field(() => String) reason!: string;
}

@ObjectType()
export class IngestResult {
  @Field(() => Int, { description: 'Points stored now.' }) accepted!: number;
  @Field(() => Int, { description: 'Points already stored (same signal and time): not stored again.' }) duplicates!: number;
  @Field(() => [RejectedPoint]) rejected!: RejectedPoint[];
}

@ObjectType()
export class TelemetryPoint {
  @Field(() => ID) signalId!: string;
  @Field(() => DateTime) time!: Date;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => TelemetryQuality) quality!: TelemetryQuality;
  @Field(() => DateTime) receivedAt!: Date;
}

/** The one rule of every statistic over telemetry values, stated in the schema. */
export const QUALITY_RULE = 'Average, min and max count GOOD points only; true counts every point with a value (OUT_OF_RANGE, UNCERTAIN and BAD too).';

/** The most raw points one read returns. */
export const MAX_POINTS_PER_READ = 10_000;

@InputType()
export class TelemetryPageRange {
  @Field(() => ID) @IsUUID() signalId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
}

@InputType()
export class TelemetryRange extends TelemetryPageRange {
  @Field(() => Int, { defaultValue: 1000, description: `Points to return, 1 to ${MAX_POINTS_PER_READ}; page with telemetryPage for more.` })
  @IsOptional()
  @Min(1)
  @Max(MAX_POINTS_PER_READ)
  limit!: number;
}

@ObjectType({ description: 'A page of raw points; endCursor is the time of its last point.' })
export class TelemetryPointPage {
  @Field(() => [TelemetryPoint]) nodes!: TelemetryPoint[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

export enum RollupWidthName {
  ONE_MINUTE = '1m',
  ONE_HOUR = '1h',
  ONE_DAY = '1d',
}
registerEnumType(RollupWidthName, { name: 'RollupWidth' });

export enum HierarchyLevelName {
  ASSET = 'asset',
  LINE = 'line',
  SITE = 'site',
}
registerEnumType(HierarchyLevelName, { name: 'HierarchyLevel' });

@ObjectType({ description: 'Statistics of one rollup bucket. average = sum / count of values.' })
export class TelemetryBucket {
  @Field(() => DateTime) bucket!: Date;
  @Field(() => Int, { description: 'Points of every quality.' }) points!: number;
  @Field(() => Float, { nullable: true, description: 'Mean of the GOOD points (every quality when includeAllQualities).' }) average!: number | null;
  @Field(() => Float, { nullable: true, description: 'Of the GOOD points (every quality when includeAllQualities).' }) min!: number | null;
  @Field(() => Float, { nullable: true, description: 'Of the GOOD points (every quality when includeAllQualities).' }) max!: number | null;
  @Field(() => Float, { nullable: true }) first!: number | null;
  @Field(() => Float, { nullable: true }) last!: number | null;
  @Field(() => Float, { description: 'Share of points with GOOD quality, 0-100.' }) percentGoodPoints!: number;
}

@ObjectType({ description: 'OPC UA Part 13 aggregates of one bucket, stepped interpolation, from raw points.' })
export class Part13Bucket {
  @Field(() => DateTime) bucket!: Date;
  @Field(() => Float, { nullable: true }) timeWeightedAverage!: number | null;
  @Field(() => Float, { nullable: true, description: 'Share of the covered time with GOOD values, 0-100.' }) percentGood!: number | null;
  @Field(() => Float, { description: 'Seconds the value equalled the requested state.' }) timeInStateSeconds!: number;
  @Field(() => Int) transitionCount!: number;
}

@ObjectType()
export class LatestValue {
  @Field(() => ID) signalId!: string;
  @Field(() => DateTime) time!: Date;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => TelemetryQuality) quality!: TelemetryQuality;
}

@ObjectType({ description: 'A rollup of every signal with one name across an asset, line or site.' })
export class HierarchyBucket {
  @Field(() => ID) groupId!: string;
  @Field(() => String) groupName!: string;
  @Field(() => DateTime) bucket!: Date;
  @Field(() => Float, {
    nullable: true,
    description: 'Mean of the GOOD values (every quality when includeAllQualities): Σ sums / Σ value counts, never an average of averages.',
  })
  average!: number | null;
  @Field(() => Float, { nullable: true, description: "Sum over the signals of each one's mean, e.g. the total power of a line." }) total!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Int) points!: number;
  @Field(() => Int) signals!: number;
}

@InputType()
export class SeriesInput {
  @Field(() => ID) @IsUUID() signalId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => RollupWidthName) width!: RollupWidthName;
  @Field(() => Boolean, { defaultValue: false, description: QUALITY_RULE }) includeAllQualities!: boolean;
}

@InputType()
export class Part13Input {
  @Field(() => ID) @IsUUID() signalId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => Int, { description: 'Bucket width in seconds.' }) @Min(1) @Max(31 * 86_400) bucketSeconds!: number;
  @Field(() => Float, { nullable: true, description: 'The state to measure time in (state signals).' }) @IsOptional() state?: number;
  @Field(() => Boolean, {
    defaultValue: false,
    description: 'The time-weighted average counts GOOD points only; true counts every point with a value. percentGood is unchanged.',
  })
  includeAllQualities!: boolean;
}

@InputType()
export class HierarchyInput {
  @Field(() => HierarchyLevelName) level!: HierarchyLevelName;
  @Field(() => String, { description: 'Signal name, e.g. power.' }) @MaxLength(120) signalName!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => RollupWidthName) width!: RollupWidthName;
  @Field(() => Boolean, { defaultValue: false, description: QUALITY_RULE }) includeAllQualities!: boolean;
}
