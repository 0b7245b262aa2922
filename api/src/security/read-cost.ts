// What an operation will really read, counted before it runs from its arguments and variables:
// raw points by their limit or page size, rollup and aggregate buckets by range / width, each
// multiplied by the page size of the lists it sits in. An operation whose reads add up to more
// than READ_ROWS_PER_OPERATION rows is refused with GRAPHQL_VALIDATION_FAILED naming its estimate;
// the static cost limit (query-limits.ts) cannot see a range's length or a bucket's width.
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getArgumentValues,
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { parseRfc3339 } from '@threadline/db/rfc3339';

export const READ_ROWS_PER_OPERATION = 100_000;
/** The most buckets telemetryAggregates computes for one request. */
export const MAX_AGGREGATE_BUCKETS = 10_000;

const WIDTH_SECONDS: Record<string, number> = { '1m': 60, '1h': 3_600, '1d': 86_400 };

type Args = Record<string, unknown>;

/** Seconds in [from, to), 0 when either is not a time (the resolver refuses it later). */
function spanSeconds(from: unknown, to: unknown): number {
  const start = from instanceof Date ? from : parseRfc3339(String(from));
  const end = to instanceof Date ? to : parseRfc3339(String(to));
  return start && end ? Math.max(0, (end.getTime() - start.getTime()) / 1000) : 0;
}

const buckets = (input: Args, seconds: number) => Math.ceil(spanSeconds(input.from, input.to) / Math.max(1, seconds || 1));
const rollupBuckets = (input: Args) => buckets(input, WIDTH_SECONDS[String(input.width)] ?? 60);
const inputOf = (args: Args, name = 'input') => (args[name] ?? {}) as Args;

/** Rows each expensive field returns, from its arguments. */
const ROWS: Record<string, (args: Args) => number> = {
  'Query.telemetry': (args) => Number(inputOf(args, 'range').limit ?? 1_000),
  'Query.telemetryPage': (args) => Number(args.first ?? 1_000),
  'Query.telemetrySeries': (args) => rollupBuckets(inputOf(args)),
  'Signal.series': (args) => rollupBuckets(args),
  'Query.telemetryAggregates': (args) => Math.min(MAX_AGGREGATE_BUCKETS, buckets(inputOf(args), Number(inputOf(args).bucketSeconds))),
  'Query.telemetryRollup': (args) => rollupBuckets(inputOf(args)),
};

/** The field's arguments; none when they do not coerce (execution refuses them with their reason). */
function argumentsOf(field: GraphQLField<unknown, unknown>, node: FieldNode, variables: Args): Args {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    return {};
  }
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Args;
}

/** Rows the selection set reads, each list multiplying what it holds by its page size. */
function rowsOf(walk: Walk, type: GraphQLObjectType, selectionSet: SelectionSetNode, multiplier: number): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = walk.fragments[selection.name.value];
      const on = fragment && walk.schema.getType(fragment.typeCondition.name.value);
      if (fragment && isObjectType(on)) total += rowsOf(walk, on, fragment.selectionSet, multiplier);
      continue;
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? walk.schema.getType(selection.typeCondition.name.value) : type;
      if (isObjectType(on)) total += rowsOf(walk, on, selection.selectionSet, multiplier);
      continue;
    }
    const field = type.getFields()[selection.name.value];
    if (!field) continue;
    const args = argumentsOf(field, selection, walk.variables);
    const rows = ROWS[`${type.name}.${field.name}`];
    if (rows) total += multiplier * rows(args);
    const inner = getNamedType(field.type);
    if (selection.selectionSet && isObjectType(inner)) {
      const page = typeof args.first === 'number' ? args.first : 1;
      total += rowsOf(walk, inner, selection.selectionSet, multiplier * page);
    }
  }
  return total;
}

export const limitReadRows: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, document, operation, request }) {
        if (operation?.operation !== 'query') return;
        const fragments = Object.fromEntries(
          document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
        );
        const rows = rowsOf({ schema, fragments, variables: request.variables ?? {} }, schema.getQueryType()!, operation.selectionSet, 1);
        if (rows > READ_ROWS_PER_OPERATION) {
          throw new GraphQLError(
            `This operation would read about ${rows.toLocaleString('en')} telemetry rows; at most ${READ_ROWS_PER_OPERATION.toLocaleString('en')} per operation. Ask for shorter ranges, wider buckets or fewer series, or page with telemetryPage.`,
            { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 }, details: { estimatedRows: rows, limit: READ_ROWS_PER_OPERATION } } },
          );
        }
      },
    };
  },
};
