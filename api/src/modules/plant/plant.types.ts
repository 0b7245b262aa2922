// GraphQL object types of the plant: site > line > asset (a tree, typed by asset type) > signal.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PropertyDataType, SourceProtocol } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';

registerEnumType(PropertyDataType, { name: 'PropertyDataType' });
registerEnumType(SourceProtocol, { name: 'SourceProtocol', description: 'How a signal reaches Threadline.' });

@ObjectType({ description: 'A plant or facility.' })
export class Site {
  @Field(() => ID) id!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'IANA time zone, e.g. Europe/Berlin.' }) timezone!: string;
  @Field(() => String, { nullable: true }) country!: string | null;
  @Field(() => Float, { nullable: true }) latitude!: number | null;
  @Field(() => Float, { nullable: true }) longitude!: number | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A production line within a site.' })
export class Line {
  @Field(() => ID) id!: string;
  @Field(() => ID) siteId!: string;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A template of typed properties, in the manner of an OPC UA ObjectType.' })
export class AssetType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true, description: 'The OPC UA type node it mirrors.' }) opcuaTypeNode!: string | null;
  @Field(() => Int, { description: 'The active version: what live assets use; the next is edited as a draft.' }) version!: number;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A typed property of an asset type, with its unit and normal operating range.' })
export class AssetTypeProperty {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetTypeId!: string;
  @Field(() => String) name!: string;
  @Field(() => PropertyDataType) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Float, { nullable: true, description: 'Lower end of the normal range; readings below are flagged.' }) minValue!: number | null;
  @Field(() => Float, { nullable: true, description: 'Upper end of the normal range; readings above are flagged.' }) maxValue!: number | null;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A machine or component on a line; assets form a tree through parent.' })
export class Asset {
  @Field(() => ID) id!: string;
  @Field(() => ID) lineId!: string;
  @Field(() => ID) assetTypeId!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => String) code!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) manufacturer!: string | null;
  @Field(() => String, { nullable: true }) modelNumber!: string | null;
  @Field(() => String, { nullable: true }) serialNumber!: string | null;
  @Field(() => Int, { description: '1 (low) to 5 (the line stops without it).' }) criticality!: number;
  @Field(() => [String]) tags!: string[];
  @Field(() => DateTime, { nullable: true }) commissionedAt!: Date | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}

@ObjectType({ description: 'A measured quantity of an asset and where it comes from.' })
export class Signal {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => ID, { nullable: true }) propertyId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => PropertyDataType) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => SourceProtocol) sourceProtocol!: SourceProtocol;
  @Field(() => String, { description: 'MQTT topic, Sparkplug metric, OPC UA node id or API name.' }) sourceAddress!: string;
  @Field(() => String, { nullable: true, description: 'For CALCULATED signals: the expression it is computed from.' }) expression!: string | null;
  @Field(() => Int, { description: "How long an input's last point stands for its value in a calculated signal's expression." }) holdSeconds!: number;
  @Field(() => Int, { nullable: true }) samplingIntervalMs!: number | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime) updatedAt!: Date;
}
