'use server';
// Signs in through the API's login mutation and keeps the session token in an httpOnly cookie.
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { ApiError, graphql } from '../../lib/graphql';
import { keepSession, SESSION_FIELDS, type SignedInSession } from '../../lib/session';

export interface LoginState {
  error: string | null;
}

export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '');
  const password = String(form.get('password') ?? '');
  try {
    const data = await graphql<{ login: SignedInSession }>(
      `mutation($input: LoginInput!) { login(input: $input) { ${SESSION_FIELDS} } }`,
      { input: { email, password } },
      '',
      (await headers()).get('x-forwarded-for') ?? undefined,
    );
    await keepSession(data.login);
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'Sign-in failed; try again.' };
  }
  redirect('/');
}
