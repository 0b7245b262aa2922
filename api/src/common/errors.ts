// One error family for the whole API. Each carries a code that maps to a GraphQL error code (and
// an HTTP status for REST routes) in one place, and a message that tells a person what to do.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { isDatabaseUnavailable } from '@threadline/db/database-unavailable';
import { isUuid } from '@threadline/db/uuid';
import { CHECK_RULES } from './check-rules.ts';

export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'QUERY_TIMEOUT'
  | 'RATE_LIMITED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  QUERY_TIMEOUT: 400,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export class ThreadlineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ThreadlineError';
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export const badInput = (message: string, details?: Record<string, unknown>) => new ThreadlineError('BAD_USER_INPUT', message, details);
export const notFound = (entity: string, id: string) =>
  new ThreadlineError('NOT_FOUND', `${entity} ${id} does not exist in your organisation.`, { entity, id });
export const forbidden = (message: string) => new ThreadlineError('FORBIDDEN', message);
export const unauthenticated = (
  message = 'Sign in with the login mutation and send its token as Authorization: Bearer <token>, or send an API key (Authorization: Bearer tl_… or X-API-Key).',
) => new ThreadlineError('UNAUTHENTICATED', message);
export const conflict = (message: string, details?: Record<string, unknown>) => new ThreadlineError('CONFLICT', message, details);
/** A body or batch larger than its route takes. */
export const payloadTooLarge = (limit: string) =>
  new ThreadlineError('PAYLOAD_TOO_LARGE', `The body is larger than ${limit}; send smaller batches.`, { limit });
export const rateLimited = (retryAfterSeconds: number) =>
  new ThreadlineError('RATE_LIMITED', `Too many requests with this API key; retry after ${retryAfterSeconds} s.`, { retryAfterSeconds });

/** The database cannot be reached (a restart, a crash, a failover): nothing is wrong with the request; retry it. */
export const serviceUnavailable = (message = 'The database cannot be reached right now; retry in a few seconds.') =>
  new ThreadlineError('SERVICE_UNAVAILABLE', message, { retryAfterSeconds: 2 });

/** The Retry-After header value of a RATE_LIMITED or SERVICE_UNAVAILABLE error, else null. */
export const retryAfterOf = (error: ThreadlineError): string | null =>
  error.code === 'RATE_LIMITED' || error.code === 'SERVICE_UNAVAILABLE' ? String(error.details?.retryAfterSeconds ?? 1) : null;

/** The id itself when it is a UUID; BAD_USER_INPUT otherwise. */
export function requireUuid(id: string, field = 'id'): string {
  if (!isUuid(id)) throw badInput(`${field} must be a UUID such as 3f2b8c1e-8a4d-4c1b-9f7e-2d5a6b7c8d9e.`, { field });
  return id;
}

interface PrismaKnownError {
  code: string;
  meta?: Record<string, unknown>;
}

function isPrismaKnownError(error: unknown): error is PrismaKnownError {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && /^P\d{4}$/.test((error as { code: string }).code)
  );
}

/** Driver errors that a caller caused, turned into ThreadlineErrors; anything else stays internal. */
export function fromDatabaseError(error: unknown): ThreadlineError | null {
  if (!isPrismaKnownError(error)) return null;
  const cause = (error.meta?.driverAdapterError as { cause?: DriverCause } | undefined)?.cause;
  switch (error.code) {
    case 'P2002':
      return conflict(`A record with the same ${uniqueFields(cause)} already exists; choose another value.`);
    case 'P2003':
      return badInput('A referenced record does not exist in your organisation; check the ids you sent.');
    case 'P2025':
      return new ThreadlineError('NOT_FOUND', 'The record does not exist in your organisation.');
    case 'P2004':
    case 'P2011':
      return badInput('The values break a rule of the data model; check ranges and required fields.');
    default:
      // The same refusals from raw SQL (domain functions' own statements).
      if (cause?.originalCode === '23505') return conflict(`A record with the same ${uniqueFields(cause)} already exists; choose another value.`);
      if (cause?.originalCode !== '23514') return null;
      return checkViolation(/check constraint "([^"]+)"/.exec(cause.originalMessage ?? '')?.[1]);
  }
}

function checkViolation(constraint: string | undefined): ThreadlineError {
  const rule = constraint ? CHECK_RULES[constraint] : undefined;
  return badInput(
    rule ? `The values break a rule: ${rule}.` : 'The values break a rule of the data model; check ranges and dates.',
    constraint ? { constraint } : undefined,
  );
}

interface DriverCause {
  originalCode?: string;
  originalMessage?: string;
  constraint?: { index?: string; fields?: string[] };
  table?: string;
}

/** `sites_organization_id_code_key` on `sites` → `code`. */
function uniqueFields(cause: DriverCause | undefined): string {
  if (cause?.constraint?.fields?.length) return cause.constraint.fields.filter((f) => !/organization_?id/i.test(f)).join(', ');
  const index = cause?.constraint?.index;
  if (!index) return 'unique fields';
  const bare = index
    .replace(new RegExp(`^${cause?.table ?? ''}_`), '')
    .replace(/_key$/, '')
    .replace(/^organization_id_?/, '');
  return bare || 'unique fields';
}

/** Apollo's formatError: codes for known errors, a plain message (and a log) for the rest. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, log: (err: unknown) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof ThreadlineError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, ...(original.details ? { details: original.details } : {}) } };
  }
  if (original instanceof ArgumentValidationError) {
    const fields = original.extensions.validationErrors.map((v) => ({ field: v.property, problems: Object.values(v.constraints ?? {}) }));
    const message = `Invalid input: ${fields.flatMap((f) => f.problems).join('; ')}.`;
    return { ...formatted, message, extensions: { code: 'BAD_USER_INPUT', fields } };
  }
  const mapped = fromDatabaseError(original) ?? (isDatabaseUnavailable(original) ? serviceUnavailable() : null);
  if (mapped) return { ...formatted, message: mapped.message, extensions: { code: mapped.code, ...(mapped.details ? { details: mapped.details } : {}) } };
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') return formatted;
  log(original);
  return {
    message: 'Something went wrong on the server; it has been logged. Try again or contact your administrator.',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}
