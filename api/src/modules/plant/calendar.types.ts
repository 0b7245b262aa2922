// GraphQL types of a site's calendar (shifts, holidays, planned stops) and the shift report.
import { ArrayMaxSize, IsInt, IsOptional, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { DateTime } from '../../common/scalars.ts';

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/;

@ObjectType({ description: "A shift of a site's calendar, in plant-local time; it ends the next day when endsAt is not after startsAt." })
export class Shift {
  @Field(() => ID) id!: string;
  @Field(() => ID) siteId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'Plant-local HH:MM.' }) startsAt!: string;
  @Field(() => String, { description: 'Plant-local HH:MM.' }) endsAt!: string;
  @Field(() => [Int], { description: 'ISO weekdays the shift starts on: 1 Monday … 7 Sunday.' }) weekdays!: number[];
}

@InputType()
export class ShiftInput {
  @Field(() => ID) @IsUUID() siteId!: string;
  @Field(() => String) @Length(1, 60) name!: string;
  @Field(() => String, { description: 'Plant-local HH:MM.' }) @Matches(HHMM, { message: 'startsAt must be HH:MM' }) startsAt!: string;
  @Field(() => String, { description: 'Plant-local HH:MM; at or before startsAt, the next day.' })
  @Matches(HHMM, { message: 'endsAt must be HH:MM' })
  endsAt!: string;
  @Field(() => [Int], { defaultValue: [1, 2, 3, 4, 5] })
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays!: number[];
}

@ObjectType({ description: 'A day a site does not produce: no shift starts on it.' })
export class SiteHoliday {
  @Field(() => ID) id!: string;
  @Field(() => ID) siteId!: string;
  @Field(() => String, { description: 'YYYY-MM-DD, plant-local.' }) day!: string;
  @Field(() => String) name!: string;
}

@InputType()
export class SiteHolidayInput {
  @Field(() => ID) @IsUUID() siteId!: string;
  @Field(() => String, { description: 'YYYY-MM-DD.' }) @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'day must be YYYY-MM-DD' }) day!: string;
  @Field(() => String) @Length(1, 120) name!: string;
}

@ObjectType({ description: 'Time taken out of planned production at a site, a line or an asset.' })
export class PlannedStop {
  @Field(() => ID) id!: string;
  @Field(() => ID) siteId!: string;
  @Field(() => ID, { nullable: true }) lineId!: string | null;
  @Field(() => ID, { nullable: true }) assetId!: string | null;
  @Field(() => DateTime) startsAt!: Date;
  @Field(() => DateTime) endsAt!: Date;
  @Field(() => String) reason!: string;
}

@InputType()
export class PlannedStopInput {
  @Field(() => ID, { nullable: true, description: 'A whole site stops (unless a line or asset is named).' }) @IsOptional() @IsUUID() siteId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() lineId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => DateTime, { nullable: true, description: 'An instant; or give localStartsAt.' }) @IsOptional() startsAt?: Date;
  @Field(() => DateTime, { nullable: true, description: 'An instant; or give localEndsAt.' }) @IsOptional() endsAt?: Date;
  @Field(() => String, { nullable: true, description: "Plant-local YYYY-MM-DDTHH:MM in the site's time zone, instead of startsAt." })
  @IsOptional()
  @Matches(LOCAL, { message: 'localStartsAt must be YYYY-MM-DDTHH:MM' })
  localStartsAt?: string;
  @Field(() => String, { nullable: true, description: "Plant-local YYYY-MM-DDTHH:MM in the site's time zone, instead of endsAt." })
  @IsOptional()
  @Matches(LOCAL, { message: 'localEndsAt must be YYYY-MM-DDTHH:MM' })
  localEndsAt?: string;
  @Field(() => String) @Length(1, 200) reason!: string;
}

@ObjectType()
export class PlannedStopProblem {
  @Field(() => Int, { description: 'The CSV record, 1 being the header.' }) row!: number;
  @Field(() => String) message!: string;
}

@ObjectType()
export class PlannedStopImport {
  @Field(() => Int, { description: 'Stops written (or that would be, on a dry run); 0 with problems.' }) stops!: number;
  @Field(() => [PlannedStopProblem]) problems!: PlannedStopProblem[];
}

@InputType({ description: 'OEE per shift, as the OEE KPI computes it per day.' })
export class ShiftOeeInput {
  @Field(() => String, { description: 'A rate signal in units per minute.' }) @Length(1, 120) countSignal!: string;
  @Field(() => Float) @Min(0.000001) idealRatePerMinute!: number;
  @Field(() => String, { nullable: true, description: 'A reject percentage signal of the same asset.' }) @IsOptional() @Length(1, 120) rejectSignal?: string;
}

@InputType()
export class ShiftReportInput {
  @Field(() => [ID], { defaultValue: [] }) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) assetIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) @ArrayMaxSize(100) @IsUUID('all', { each: true }) lineIds!: string[];
  @Field(() => [ID], { defaultValue: [] }) @ArrayMaxSize(100) @IsUUID('all', { each: true }) siteIds!: string[];
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => ShiftOeeInput, { nullable: true, description: 'Adds units and OEE per shift.' }) @IsOptional() @ValidateNested() oee?: ShiftOeeInput;
}

@ObjectType({ description: 'One shift instance: planned time (less planned stops, up to now), the downtime within it, and availability.' })
export class ShiftPerformance {
  @Field(() => String, { description: 'The plant-local date the shift started on.' }) day!: string;
  @Field(() => String, { nullable: true, description: 'Null at a site without shifts (the whole day is planned).' }) shift!: string | null;
  @Field(() => DateTime) startsAt!: Date;
  @Field(() => DateTime) endsAt!: Date;
  @Field(() => Float) plannedHours!: number;
  @Field(() => Float) downtimeHours!: number;
  @Field(() => Float, { nullable: true }) availabilityPct!: number | null;
  @Field(() => Int) assets!: number;
  @Field(() => Float, { nullable: true, description: 'Units counted in the planned minutes (with oee).' }) units!: number | null;
  @Field(() => Float, { nullable: true, description: 'availability × performance × quality in % (with oee).' }) oeePct!: number | null;
}

@InputType()
export class PlannedStopsImportInput {
  @Field(() => String, { description: 'CSV with the columns site, line, asset (codes; the most specific given), starts_at, ends_at (RFC 3339), reason.' })
  @Length(1, 4 * 1024 * 1024)
  csv!: string;
  @Field(() => Boolean, { defaultValue: true }) dryRun!: boolean;
}
