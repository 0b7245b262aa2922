// Asset type versions: the draft of the next version (saved with the revision the caller read,
// CONFLICT when another save came between), its activation (refused where it would break live
// assets' signals), the versions so far; plant:write edits, anyone who reads sees them.
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, InputType, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Length, MaxLength, Min, ValidateNested } from 'class-validator';
import { PropertyDataType } from '@threadline/db/client';
import { activateDraft, discardDraft, draftOf, saveDraft, type TypeDefinition } from '@threadline/db/plant/asset-type-versions';
import { rawSqlOf } from '@threadline/db/sql';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { requireUuid } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';
import { AssetType } from './plant.types.ts';

@ObjectType('AssetTypePropertyDefinition')
class PropertyDefinitionType {
  @Field(() => String) name!: string;
  @Field(() => PropertyDataType) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => Float, { nullable: true }) minValue!: number | null;
  @Field(() => Float, { nullable: true }) maxValue!: number | null;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType({ description: "An asset type version's definition: its description, OPC UA type and properties." })
class AssetTypeDefinition {
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => String, { nullable: true }) opcuaTypeNode!: string | null;
  @Field(() => [PropertyDefinitionType]) properties!: PropertyDefinitionType[];
}

@ObjectType({ description: 'The draft of the next version, edited apart from what live assets use.' })
class AssetTypeDraft {
  @Field(() => Int, { description: 'The version it becomes when activated.' }) version!: number;
  @Field(() => Int, { description: 'Send it back as expectedRevision with the next save or the activation.' }) revision!: number;
  @Field(() => AssetTypeDefinition) definition!: AssetTypeDefinition;
}

@ObjectType()
class AssetTypeVersionView {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'DRAFT, ACTIVE or SUPERSEDED.' }) status!: string;
  @Field(() => AssetTypeDefinition) definition!: AssetTypeDefinition;
  @Field(() => DateTime, { nullable: true }) activatedAt!: Date | null;
  @Field(() => String, { nullable: true }) activatedBy!: string | null;
}

@InputType()
class PropertyDefinitionInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => PropertyDataType) dataType!: PropertyDataType;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(40) unit?: string;
  @Field(() => Float, { nullable: true }) @IsOptional() minValue?: number;
  @Field(() => Float, { nullable: true }) @IsOptional() maxValue?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
}

@InputType()
class AssetTypeDraftInput {
  @Field(() => ID) assetTypeId!: string;
  @Field(() => Int, { description: "The draft's revision you read (0 when it had none)." }) @Min(0) expectedRevision!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2000) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) opcuaTypeNode?: string;
  @Field(() => [PropertyDefinitionInput], { description: 'The whole property set of the next version.' })
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  properties!: PropertyDefinitionInput[];
}

@Resolver(() => AssetType)
export class AssetTypeVersionsResolver {
  @FieldResolver(() => AssetTypeDraft, { nullable: true, description: 'The draft of the next version, if one is being edited.' })
  draft(@Root() type: AssetType, @Ctx() ctx: Context): Promise<AssetTypeDraft | undefined> {
    return draftOf(rawSqlOf(ctx.services.db.pool), tenantOf(ctx).principal.organizationId, type.id) as Promise<AssetTypeDraft | undefined>;
  }

  @FieldResolver(() => [AssetTypeVersionView], { description: 'Its recorded versions, newest first.' })
  versions(@Root() type: AssetType, @Ctx() ctx: Context): Promise<AssetTypeVersionView[]> {
    return tenantOf(ctx).tenant.assetTypeVersion.findMany({ where: { assetTypeId: type.id }, orderBy: { version: 'desc' } }) as unknown as Promise<
      AssetTypeVersionView[]
    >;
  }

  @Authorized('plant:write')
  @Mutation(() => AssetTypeDraft, {
    description: 'Saves the draft of the next version (the whole property set); CONFLICT when the draft changed since expectedRevision.',
  })
  saveAssetTypeDraft(@Arg('input', () => AssetTypeDraftInput) input: AssetTypeDraftInput, @Ctx() ctx: Context): Promise<AssetTypeDraft> {
    const definition: TypeDefinition = {
      description: input.description ?? null,
      opcuaTypeNode: input.opcuaTypeNode ?? null,
      properties: input.properties.map((p) => ({
        name: p.name,
        dataType: p.dataType,
        unit: p.unit ?? null,
        minValue: p.minValue ?? null,
        maxValue: p.maxValue ?? null,
        description: p.description ?? null,
      })),
    };
    return domainCommand(ctx, (db, actor, organizationId) =>
      saveDraft(db, organizationId, requireUuid(input.assetTypeId, 'assetTypeId'), definition, input.expectedRevision, actor, ctx.services.clock),
    ) as Promise<AssetTypeDraft>;
  }

  @Authorized('plant:write')
  @Mutation(() => AssetType, {
    description:
      'Makes the draft the active version. CONFLICT when the draft changed since expectedRevision, or when it would remove or retype a property live signals measure.',
  })
  async activateAssetTypeDraft(
    @Arg('assetTypeId', () => ID) assetTypeId: string,
    @Arg('expectedRevision', () => Int) expectedRevision: number,
    @Ctx() ctx: Context,
  ): Promise<AssetType> {
    const id = requireUuid(assetTypeId, 'assetTypeId');
    await domainCommand(ctx, (db, actor, organizationId) => activateDraft(db, organizationId, id, expectedRevision, actor, ctx.services.clock));
    return tenantOf(ctx).tenant.assetType.findFirstOrThrow({ where: { id } });
  }

  @Authorized('plant:write')
  @Mutation(() => Boolean, { description: 'Throws the draft away.' })
  async discardAssetTypeDraft(@Arg('assetTypeId', () => ID) assetTypeId: string, @Ctx() ctx: Context): Promise<boolean> {
    await domainCommand(ctx, (db, actor, organizationId) =>
      discardDraft(db, organizationId, requireUuid(assetTypeId, 'assetTypeId'), actor, ctx.services.clock),
    );
    return true;
  }
}
