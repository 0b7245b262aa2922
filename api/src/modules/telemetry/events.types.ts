// GraphQL types of plant events: alarms, state changes and log lines.
import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, IsUUID } from 'class-validator';
import { PlantEventKind, Severity } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

registerEnumType(PlantEventKind, { name: 'PlantEventKind' });

@ObjectType({ description: 'An alarm, state change or log line from the plant.' })
export class PlantEvent {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => DateTime) time!: Date;
  @Field(() => PlantEventKind) kind!: PlantEventKind;
  @Field(() => Severity) severity!: Severity;
  @Field(() => String, { description: 'Machine-readable code, e.g. VIBRATION_HIGH.' }) code!: string;
  @Field(() => String) message!: string;
  @Field(() => Json) attributes!: unknown;
  @Field(() => DateTime) receivedAt!: Date;
}

@InputType({ description: 'One event; idempotent on (asset, time, kind, code). Checked per event, so one bad event is reported while the rest are stored.' })
export class PlantEventInput {
  @Field(() => ID) assetId!: string;
  @Field(() => String, { description: 'ISO 8601 timestamp.' }) time!: string;
  @Field(() => PlantEventKind) kind!: PlantEventKind;
  @Field(() => Severity, { nullable: true }) severity?: Severity;
  @Field(() => String) code!: string;
  @Field(() => String, { nullable: true }) message?: string;
  @Field(() => Json, { nullable: true }) attributes?: unknown;
}

@InputType()
export class PlantEventFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => Severity, { nullable: true }) @IsOptional() severity?: Severity;
  @Field(() => PlantEventKind, { nullable: true }) @IsOptional() kind?: PlantEventKind;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}
