// PostgreSQL stores no NUL character (U+0000) in text or jsonb: a string holding one would fail
// deep inside a write as an internal error. Every GraphQL operation is checked before it runs, its
// variables (at any depth, JSON values included) and the string literals in its document, and one
// holding NUL is refused with BAD_USER_INPUT naming where.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

/** The path of the first string in `value` holding U+0000, or null. */
function nulPath(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = nulPath(item, `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = (key.includes('\u0000') ? `${path}.<key>` : null) ?? nulPath(item, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

function literalHoldsNul(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING](node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  return found;
}

const refusal = (where: string) =>
  new GraphQLError(`${where} holds a NUL character (U+0000), which cannot be stored; remove it.`, {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
  });

export const refuseNulCharacters: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ request, document }) {
        const path = nulPath(request.variables ?? {}, 'variables');
        if (path) throw refusal(`The variable ${path.slice('variables.'.length)}`);
        if (literalHoldsNul(document)) throw refusal('A string in the operation');
      },
    };
  },
};
