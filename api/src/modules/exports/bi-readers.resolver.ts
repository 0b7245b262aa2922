// Readers of the bi views (Grafana, BI tools): administrators make one per tool, see them, and drop
// them. The password and connection are shown once, when the reader is made.
import { Arg, Authorized, Ctx, Field, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { createBiReader, dropBiReader } from '@threadline/db/exports/bi-readers';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';

@ObjectType({ description: "A login role that reads the bi schema's views for your organisation only." })
export class BiReader {
  @Field(() => String, { description: 'Its PostgreSQL user name.' }) roleName!: string;
  @Field(() => String) name!: string;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: "Where a BI tool connects: PostgreSQL's host, port and database, the reader's user and password." })
export class BiConnection {
  @Field(() => String) host!: string;
  @Field(() => Int) port!: number;
  @Field(() => String) database!: string;
  @Field(() => String) user!: string;
  @Field(() => String, { description: 'Shown once.' }) password!: string;
}

@ObjectType()
export class NewBiReader {
  @Field(() => BiReader) reader!: BiReader;
  @Field(() => BiConnection) connection!: BiConnection;
}

@Resolver()
export class BiReaderResolver {
  @Authorized('access:admin')
  @Query(() => [BiReader], { description: "Your organisation's readers of the bi views." })
  biReaders(@Ctx() ctx: Context): Promise<BiReader[]> {
    return tenantOf(ctx).tenant.biReader.findMany({ orderBy: { createdAt: 'asc' } });
  }

  @Authorized('access:admin')
  @Mutation(() => NewBiReader, { description: 'Makes a read-only login for the bi views (Grafana, BI tools); its password is shown only in this answer.' })
  async createBiReader(@Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<NewBiReader> {
    if (name.trim().length === 0 || name.length > 60) throw badInput('name has 1 to 60 characters.', { field: 'name' });
    const { tenant } = tenantOf(ctx);
    const organization = await tenant.organization.findFirstOrThrow({});
    const made = await domainCommand(ctx, (db, actor) => createBiReader(db, organization, name.trim(), actor, ctx.services.clock));
    const reader = await tenant.biReader.findFirstOrThrow({ where: { roleName: made.roleName } });
    const url = new URL(ctx.services.config.db.DATABASE_URL);
    return {
      reader,
      connection: {
        host: url.hostname,
        port: Number(url.port || 5432),
        database: decodeURIComponent(url.pathname.slice(1)),
        user: made.roleName,
        password: made.password,
      },
    };
  }

  @Authorized('access:admin')
  @Mutation(() => Boolean, { description: 'Drops a reader: its login stops working at once.' })
  async dropBiReader(@Arg('roleName', () => String) roleName: string, @Ctx() ctx: Context): Promise<boolean> {
    await domainCommand(ctx, (db, actor, organizationId) => dropBiReader(db, organizationId, roleName, actor, ctx.services.clock));
    return true;
  }
}
