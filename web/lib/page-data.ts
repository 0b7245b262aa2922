// A page's first view: one GraphQL request; no session sends the visitor to sign in, a record
// that does not exist (or is another organisation's) gives the not-found page, any other failure
// becomes the page's error state.
import 'server-only';
import { notFound, redirect } from 'next/navigation';
import { ApiError, graphql } from './graphql';

export type PageData<T> = { data: T; error: null } | { data: null; error: string };

export async function loadPage<T>(query: string, variables: Record<string, unknown> = {}): Promise<PageData<T>> {
  try {
    return { data: await graphql<T>(query, variables), error: null };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'UNAUTHENTICATED') redirect('/login');
    if (error instanceof ApiError && error.code === 'NOT_FOUND') notFound();
    return { data: null, error: error instanceof Error ? error.message : 'The page could not be loaded.' };
  }
}
