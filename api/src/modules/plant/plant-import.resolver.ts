// The plant in bulk: importPlant reads a CSV, OPC UA NodeSet2 or DTDL v3 file, compares it with the
// plant and, unless it is a dry run or has problems, applies it; the answer lists every record's
// change and every problem by row or element.
import { Arg, Authorized, Ctx, Field, InputType, Int, Mutation, ObjectType, Resolver, registerEnumType } from 'type-graphql';
import { IsBoolean, IsIn, IsOptional, Length, MaxLength } from 'class-validator';
import { importPlantFile, PLANT_FORMATS, type PlantFormat } from '@threadline/db/plant/plant-files';
import type { Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { Json } from '../../common/scalars.ts';

export enum PlantFileFormat {
  CSV = 'CSV',
  NODESET2 = 'NODESET2',
  DTDL = 'DTDL',
}
registerEnumType(PlantFileFormat, {
  name: 'PlantFileFormat',
  description: 'CSV (one file, a record column), OPC UA NodeSet2 XML, or DTDL v3 JSON (asset types only).',
});

@InputType()
export class PlantImportInput {
  @Field(() => PlantFileFormat) @IsIn([...PLANT_FORMATS]) format!: PlantFileFormat;
  @Field(() => String, { description: 'The file, as text.' }) @Length(1, 8 * 1024 * 1024) content!: string;
  @Field(() => Boolean, { defaultValue: true, description: 'true (the default) only reports what would change.' }) @IsBoolean() dryRun!: boolean;
  @Field(() => String, { nullable: true, description: 'NodeSet2: the site code of line folders that sit in no site folder.' })
  @IsOptional()
  @MaxLength(40)
  site?: string;
}

@ObjectType()
export class PlantChange {
  @Field(() => String, { description: 'site, line, asset_type, property, asset or signal.' }) entity!: string;
  @Field(() => String, { description: 'Its code or name (line: site/line; property: type/property; signal: asset/signal).' }) key!: string;
  @Field(() => String, { description: 'create, update or unchanged.' }) action!: string;
  @Field(() => String, { description: 'Where it is in the file.' }) where!: string;
  @Field(() => Json, { description: 'For updates: { field: [before, after] }.' }) fields!: unknown;
}

@ObjectType()
export class PlantProblem {
  @Field(() => String, { description: 'The row ("row 12") or element ("UAObject ns=1;i=5001", a DTMI).' }) where!: string;
  @Field(() => String, { nullable: true }) field!: string | null;
  @Field(() => String) message!: string;
}

@ObjectType()
export class PlantImportCounts {
  @Field(() => Int) create!: number;
  @Field(() => Int) update!: number;
  @Field(() => Int) unchanged!: number;
}

@ObjectType()
export class PlantImportResult {
  @Field(() => Boolean, { description: 'Whether the changes were written (never on a dry run or with problems).' }) applied!: boolean;
  @Field(() => PlantImportCounts) counts!: PlantImportCounts;
  @Field(() => [PlantChange]) changes!: PlantChange[];
  @Field(() => [PlantProblem]) problems!: PlantProblem[];
}

@Resolver()
export class PlantImportResolver {
  @Authorized('plant:write')
  @Mutation(() => PlantImportResult, {
    description:
      'Imports sites, lines, asset types with properties, assets and signals from a file; idempotent on codes. A dry run (the default) lists what would change; any problem (by row or element) means nothing is written. Each record written is audited.',
  })
  async importPlant(@Arg('input', () => PlantImportInput) input: PlantImportInput, @Ctx() ctx: Context): Promise<PlantImportResult> {
    const result = await domainCommand(ctx, (db, actor, organizationId) =>
      importPlantFile(
        db,
        organizationId,
        { format: input.format as PlantFormat, content: input.content, dryRun: input.dryRun, site: input.site ?? null },
        actor,
        ctx.services.clock,
      ),
    );
    const count = (action: string) => result.changes.filter((c) => c.action === action).length;
    return { ...result, counts: { create: count('create'), update: count('update'), unchanged: count('unchanged') } };
  }
}
