// With a read replica (DATABASE_READ_URL), a GraphQL query's scoped client reads from it while it
// keeps up; a mutation stays on the primary and keeps its caller's reads there for the lag bound,
// so they read what they just wrote (prisma/src/read-replica.ts).
import type { ApolloServerPlugin } from '@apollo/server';
import { callerKey } from '../auth/principal.ts';
import { scopedOn, type Context } from '../context.ts';

export const routeReads: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue: ctx }) {
        const replica = ctx.services.replica;
        if (replica && ctx.principal && operation?.operation === 'query' && replica.servesReadsOf(callerKey(ctx.principal))) {
          ctx.scoped = scopedOn(replica.replica.prisma, ctx.principal.organizationId);
        }
      },
      async willSendResponse({ operation, contextValue: ctx }) {
        if (operation?.operation === 'mutation' && ctx.principal) ctx.services.replica?.wrote(callerKey(ctx.principal));
      },
    };
  },
};
