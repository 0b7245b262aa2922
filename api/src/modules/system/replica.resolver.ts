// Where the portal's reads go: the read replica's lag and whether it serves reads now
// (DATABASE_READ_URL; prisma/src/read-replica.ts).
import { Authorized, Ctx, Field, Float, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context.ts';
import { DateTime } from '../../common/scalars.ts';

@ObjectType({ description: 'The streaming replica the reads go to while it keeps up.' })
export class ReadReplicaStatus {
  @Field(() => Boolean, { description: 'Whether reads go to the replica now (a caller who just wrote reads from the primary for the lag bound).' })
  servingReads!: boolean;
  @Field(() => Float, { nullable: true, description: 'How far behind the primary it is, in milliseconds; null while it cannot be told.' })
  lagMs!: number | null;
  @Field(() => Float, { nullable: true, description: 'How far behind the primary it is, in WAL bytes.' })
  lagBytes!: number | null;
  @Field(() => Float, { description: 'Reads go back to the primary past this lag (DATABASE_READ_MAX_LAG_MS).' })
  maxLagMs!: number;
  @Field(() => DateTime, { nullable: true })
  checkedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why reads are on the primary, when they are.' })
  reason!: string | null;
}

@Resolver()
export class ReadReplicaResolver {
  @Authorized('read')
  @Query(() => ReadReplicaStatus, { nullable: true, description: 'The read replica and its lag; null when none is configured.' })
  readReplica(@Ctx() ctx: Context): ReadReplicaStatus | null {
    return ctx.services.replica?.status() ?? null;
  }
}
