// What one GraphQL operation may ask for, checked before it runs (graphql-armor's validation rules
// under Apollo Server 5, plus Apollo's own guards): depth, aliases, tokens, directives and a static
// cost; no batched HTTP requests; a bound on recursive selections; outside development no
// introspection, no field suggestions and no schema details in errors. A refused operation gets
// GRAPHQL_VALIDATION_FAILED (or GRAPHQL_PARSE_FAILED for too many tokens) with the limit named.
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerOptions } from '@apollo/server';
import type { Context } from '../context.ts';

/** Sized so the portal's richest page passes with room: the assets page (500 open insights, the
 *  plant tree, an asset's charts, insights with heat maps and recent camera frames) costs ~50,300;
 *  page sizes multiply a list's cost. */
export const QUERY_LIMITS = { depth: 10, aliases: 20, tokens: 3_000, directives: 20, cost: 60_000, recursiveSelections: 20_000 } as const;

export function queryLimits(
  nodeEnv: string,
): Pick<
  ApolloServerOptions<Context>,
  'plugins' | 'validationRules' | 'allowBatchedHttpRequests' | 'introspection' | 'hideSchemaDetailsFromClientErrors' | 'maxRecursiveSelections' | 'parseOptions'
> {
  const development = nodeEnv === 'development';
  const armor = new ApolloArmor({
    maxDepth: { n: QUERY_LIMITS.depth, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: QUERY_LIMITS.aliases },
    // Counted by graphql-js's parser instead (parseOptions below): armor's plugin raises it as a 500.
    maxTokens: { enabled: false },
    maxDirectives: { n: QUERY_LIMITS.directives },
    costLimit: { maxCost: QUERY_LIMITS.cost, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: !development },
  }).protect();
  return {
    plugins: armor.plugins,
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    introspection: development,
    hideSchemaDetailsFromClientErrors: !development,
    maxRecursiveSelections: QUERY_LIMITS.recursiveSelections,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
  };
}
