// Server actions' one way to write: a GraphQL mutation with the signed-in user's session; the
// API's refusal comes back as the form's message, and the named pages are rendered again.
import 'server-only';
import { revalidatePath } from 'next/cache';
import { ApiError, graphql } from './graphql';

export interface ActionState {
  error: string | null;
  done: string | null;
}

export async function mutate(query: string, variables: Record<string, unknown>, done: string, paths: string[]): Promise<ActionState> {
  try {
    await graphql(query, variables);
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'The change could not be recorded; try again.', done: null };
  }
  for (const path of paths) revalidatePath(path);
  return { error: null, done };
}

/** A form field as a string ('' when absent). */
export const field = (form: FormData, name: string) => String(form.get(name) ?? '');
