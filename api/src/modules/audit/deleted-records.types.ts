// GraphQL types of deleted records: what was deleted, as it was, and whether it was restored.
import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { DateTime, Json } from '../../common/scalars.ts';

@ObjectType({ description: 'A row deleted by deleteX, kept as it was so that restoreDeleted can bring it back.' })
export class DeletedRecord {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'The table the row came from, e.g. sites.' }) tableName!: string;
  @Field(() => ID, { description: 'The id the row had, and has again when restored.' }) recordId!: string;
  @Field(() => Json, { description: 'The row as it was, with its column names.' }) record!: unknown;
  @Field(() => DateTime) deletedAt!: Date;
  @Field(() => String) deletedBy!: string;
  @Field(() => DateTime, { nullable: true }) restoredAt!: Date | null;
}

@InputType()
export class DeletedRecordFilter {
  @Field(() => String, { nullable: true, description: 'Only rows of this table, e.g. sites.' }) @IsOptional() @MaxLength(63) tableName?: string;
  @Field(() => Boolean, { nullable: true, description: 'Only rows waiting to be restored (true) or restored (false).' }) @IsOptional() waiting?: boolean;
}
