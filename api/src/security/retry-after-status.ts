// An operation refused as a whole because the caller must wait (RATE_LIMITED, e.g. a locked
// sign-in) or because the database is down (SERVICE_UNAVAILABLE) is answered with HTTP 429 or 503
// and Retry-After, as the REST routes are, so that clients and proxies back off without reading
// the body. Operations that returned data keep 200.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { retryAfterOf, ThreadlineError } from '../common/errors.ts';

export const retryAfterStatus: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors }) {
        if (response.body.kind !== 'single' || response.body.singleResult.data) return;
        for (const error of errors ?? []) {
          const original = error instanceof GraphQLError ? error.originalError : error;
          if (!(original instanceof ThreadlineError)) continue;
          const retryAfter = retryAfterOf(original);
          if (!retryAfter) continue;
          response.http.status = original.httpStatus;
          response.http.headers.set('retry-after', retryAfter);
          return;
        }
      },
    };
  },
};
