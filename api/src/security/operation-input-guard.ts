// Every GraphQL operation's variables and string literals are checked before it runs, and refused
// with BAD_USER_INPUT naming where:
// - nesting deeper than MAX_VARIABLE_DEPTH levels (a JSON variable 100,000 arrays deep would
//   otherwise exhaust the stack of whatever walks it next);
// - a NUL character (U+0000), which PostgreSQL stores in neither text nor jsonb, so a string
//   holding one would fail deep inside a write as an internal error.
// The walk keeps its own stack, so no input can overflow the process's.
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';

/** Levels of arrays and objects a variable may nest; JSON attributes need a handful. */
export const MAX_VARIABLE_DEPTH = 64;

interface Problem {
  path: string;
  kind: 'nul' | 'depth';
}

/** The first place in `value` nested too deep or holding U+0000, or null. */
function firstProblem(value: unknown, root: string): Problem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      if (item.value.includes('\u0000')) return { path: item.path, kind: 'nul' };
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_VARIABLE_DEPTH) return { path: item.path, kind: 'depth' };
    const entries = Array.isArray(item.value)
      ? item.value.map((v, i): [string, unknown] => [`[${i}]`, v])
      : Object.entries(item.value).map(([k, v]): [string, unknown] => [`.${k}`, v]);
    for (const [key, child] of entries.reverse()) {
      if (key.includes('\u0000')) return { path: `${item.path}.<key>`, kind: 'nul' };
      stack.push({ value: child, path: `${item.path}${key}`, depth: item.depth + 1 });
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

const refusal = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });

function problemMessage(problem: Problem): string {
  const where = `The variable ${problem.path.slice('variables.'.length)}`;
  return problem.kind === 'nul'
    ? `${where} holds a NUL character (U+0000), which cannot be stored; remove it.`
    : `${where} nests deeper than ${MAX_VARIABLE_DEPTH} levels of arrays and objects; flatten it.`;
}

export const guardOperationInput: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      // Before execution, the first step that reads variables' values.
      async didResolveOperation({ request, document }) {
        const problem = firstProblem(request.variables ?? {}, 'variables');
        if (problem) throw refusal(problemMessage(problem));
        if (literalHoldsNul(document)) throw refusal('A string in the operation holds a NUL character (U+0000), which cannot be stored; remove it.');
      },
    };
  },
};
