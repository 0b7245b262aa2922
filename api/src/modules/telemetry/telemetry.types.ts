// GraphQL types of telemetry ingest and reads.
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, IsUUID, Max, Min } from 'class-validator';
import { DateTime } from '../../common/scalars.ts';

export enum TelemetryQuality {
  GOOD = 'GOOD',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  UNCERTAIN = 'UNCERTAIN',
  BAD = 'BAD',
}
registerEnumType(TelemetryQuality, { name: 'TelemetryQuality', description: 'OUT_OF_RANGE: outside the property\'s normal range, stored and flagged.' });

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

@InputType()
export class TelemetryRange {
  @Field(() => ID) @IsUUID() signalId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => Int, { defaultValue: 1000 }) @IsOptional() @Min(1) @Max(10_000) limit!: number;
}

