// GraphQL types of the audit trail and its verification.
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { IsOptional, IsUUID, MaxLength } from 'class-validator';
import { ActorKind } from '@threadline/db/client';
import { BigIntScalar, DateTime, Json } from '../../common/scalars.ts';

registerEnumType(ActorKind, { name: 'ActorKind' });

@ObjectType({ description: 'One entry of the append-only, hash-chained audit trail.' })
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field(() => BigIntScalar, { description: "Position in the organisation's chain, from 1." }) seq!: bigint;
  @Field(() => String, { description: 'From the closed catalogue, e.g. asset.created.' }) type!: string;
  @Field(() => ActorKind) actorKind!: ActorKind;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field(() => String) actorLabel!: string;
  @Field(() => String) subjectType!: string;
  @Field(() => String, { nullable: true }) subjectId!: string | null;
  @Field(() => Json) payload!: unknown;
  @Field(() => DateTime) occurredAt!: Date;
  @Field(() => String) prevHash!: string;
  @Field(() => String, { description: 'SHA-256(prevHash ‖ RFC 8785 JSON of the event).' }) hash!: string;
}

@ObjectType({ description: 'A signed statement of the chain head at a moment, kept apart from the chain.' })
export class AuditCheckpoint {
  @Field(() => ID) id!: string;
  @Field(() => BigIntScalar) seq!: bigint;
  @Field(() => String) hash!: string;
  @Field(() => String, { description: 'Ed25519 signature (base64).' }) signature!: string;
  @Field(() => String, { description: 'First 16 hex digits of SHA-256 over the signing public key.' }) keyId!: string;
  @Field(() => DateTime) createdAt!: Date;
}

@InputType()
export class AuditCheckpointFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(64) keyId?: string;
}

@InputType()
export class AuditEventFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(80) type?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(80) subjectType?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() subjectId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) actorId?: string;
  @Field(() => DateTime, { nullable: true }) @IsOptional() from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}

export enum ChainBreakReason {
  HASH_MISMATCH = 'HASH_MISMATCH',
  LINK_MISMATCH = 'LINK_MISMATCH',
  SEQUENCE_GAP = 'SEQUENCE_GAP',
  TRUNCATED = 'TRUNCATED',
  CHECKPOINT_MISMATCH = 'CHECKPOINT_MISMATCH',
  CHECKPOINT_SIGNATURE_INVALID = 'CHECKPOINT_SIGNATURE_INVALID',
  CHECKPOINT_KEY_UNKNOWN = 'CHECKPOINT_KEY_UNKNOWN',
}
registerEnumType(ChainBreakReason, { name: 'ChainBreakReason' });

@ObjectType({ description: 'Where the chain first stops being what was written.' })
export class ChainBreak {
  @Field(() => BigIntScalar) seq!: bigint;
  @Field(() => ID, { nullable: true, description: 'The event row, when it still exists.' }) eventId!: string | null;
  @Field(() => ChainBreakReason) reason!: ChainBreakReason;
  @Field(() => String) detail!: string;
}

@ObjectType()
export class ChainVerification {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int) eventsChecked!: number;
  @Field(() => BigIntScalar) headSeq!: bigint;
  @Field(() => String) headHash!: string;
  @Field(() => Int) checkpointsChecked!: number;
  @Field(() => BigIntScalar, { nullable: true }) latestCheckpointSeq!: bigint | null;
  @Field(() => ChainBreak, { nullable: true }) firstBroken!: ChainBreak | null;
  @Field(() => DateTime) verifiedAt!: Date;
}
