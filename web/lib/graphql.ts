// Server-side GraphQL calls to the Threadline API, with the signed-in user's session token.
import 'server-only';
import { cookies } from 'next/headers';
import { API_URL, SESSION_COOKIE } from './config';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/**
 * `token` replaces the session cookie ('' sends none); `forwardedFor` passes the browser's address
 * on, so the API throttles failed sign-ins per person rather than per portal.
 */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}, token?: string, forwardedFor?: string): Promise<T> {
  const session = token ?? (await cookies()).get(SESSION_COOKIE)?.value;
  let response: Response;
  try {
    response = await fetch(API_URL, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(session ? { authorization: `Bearer ${session}` } : {}),
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(`The Threadline API at ${API_URL} is not reachable.`, 'API_UNREACHABLE');
  }
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  return body.data as T;
}
