// Inputs and filters of the plant, with their validation.
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PropertyDataType, SourceProtocol } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';
import { partialOf } from '../../common/inputs.ts';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
const CODE_MESSAGE = 'must be 1-40 letters, digits, dots, dashes or underscores';
const TIMEZONES = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));

@InputType()
export class SiteInput {
  @Field(() => String) @Matches(CODE, { message: `code ${CODE_MESSAGE}` }) code!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => String, { defaultValue: 'UTC' })
  @IsIn([...TIMEZONES], { message: 'timezone must be an IANA time zone such as Europe/Berlin' })
  timezone!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(2, 2) country?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(-90) @Max(90) latitude?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() @Min(-180) @Max(180) longitude?: number;
}
export const SiteUpdate = partialOf(SiteInput, 'SiteUpdate');

@InputType()
export class SiteFilter {
  @Field(() => String, { nullable: true, description: 'Matches name or code.' }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class LineInput {
  @Field(() => ID) @IsUUID() siteId!: string;
  @Field(() => String) @Matches(CODE, { message: `code ${CODE_MESSAGE}` }) code!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
}
export const LineUpdate = partialOf(LineInput, 'LineUpdate', ['siteId']);

@InputType()
export class LineFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() siteId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class AssetTypeInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) opcuaTypeNode?: string;
}
export const AssetTypeUpdate = partialOf(AssetTypeInput, 'AssetTypeUpdate');

@InputType()
export class AssetTypeFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class AssetTypePropertyInput {
  @Field(() => ID) @IsUUID() assetTypeId!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => PropertyDataType) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) unit?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() minValue?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() maxValue?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
}
export const AssetTypePropertyUpdate = partialOf(AssetTypePropertyInput, 'AssetTypePropertyUpdate', ['assetTypeId']);

@InputType()
export class AssetTypePropertyFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetTypeId?: string;
}

@InputType()
export class AssetInput {
  @Field(() => ID) @IsUUID() lineId!: string;
  @Field(() => ID) @IsUUID() assetTypeId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentId?: string;
  @Field(() => String) @Matches(CODE, { message: `code ${CODE_MESSAGE}` }) code!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(120) manufacturer?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(120) modelNumber?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(120) serialNumber?: string;
  @Field(() => Int, { defaultValue: 3 }) @Min(1) @Max(5) criticality!: number;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(50) @MaxLength(60, { each: true }) tags!: string[];
  @Field(() => DateTime, { nullable: true }) @IsOptional() commissionedAt?: Date;
}
export const AssetUpdate = partialOf(AssetInput, 'AssetUpdate');

@InputType()
export class AssetFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() lineId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetTypeId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() parentId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(60) tag?: string;
  @Field(() => String, { nullable: true, description: 'Matches name, code or serial number.' }) @IsOptional() @MaxLength(100) search?: string;
}

@InputType()
export class SignalInput {
  @Field(() => ID) @IsUUID() assetId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() propertyId?: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => PropertyDataType, { defaultValue: PropertyDataType.NUMBER }) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) unit?: string;
  @Field(() => SourceProtocol) sourceProtocol!: SourceProtocol;
  @Field(() => String, {
    nullable: true,
    description: 'MQTT topic, Sparkplug metric path, OPC UA node id or API key name; given for every source but CALCULATED.',
  })
  @IsOptional()
  @Length(1, 500)
  sourceAddress?: string;
  @Field(() => String, {
    nullable: true,
    description: 'For CALCULATED signals: the expression over other signals, e.g. sum(line.power) or energy / good_parts (docs/plant.md).',
  })
  @IsOptional()
  @Length(1, 2000)
  expression?: string;
  @Field(() => Int, { nullable: true, description: "For CALCULATED signals: how long an input's last point stands for its value (default 300 s)." })
  @IsOptional()
  @Min(1)
  @Max(86_400)
  holdSeconds?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @Min(1) @Max(86_400_000) samplingIntervalMs?: number;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(50) @MaxLength(60, { each: true }) tags!: string[];
}
export const SignalUpdate = partialOf(SignalInput, 'SignalUpdate', ['assetId']);

@InputType()
export class RecalculateSignalInput {
  @Field(() => ID) @IsUUID() signalId!: string;
  @Field(() => DateTime) from!: Date;
  @Field(() => DateTime) to!: Date;
}

@InputType()
export class SignalFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assetId?: string;
  @Field(() => SourceProtocol, { nullable: true }) @IsOptional() sourceProtocol?: SourceProtocol;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(60) tag?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) search?: string;
}
