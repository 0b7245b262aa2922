'use server';
// Signs in through the API's login mutation and keeps the session token in an httpOnly cookie.
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE } from '../../lib/config';
import { ApiError, graphql } from '../../lib/graphql';

export interface LoginState {
  error: string | null;
}

export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '');
  const password = String(form.get('password') ?? '');
  try {
    const data = await graphql<{ login: { token: string; expiresAt: string } }>(
      'mutation($input: LoginInput!) { login(input: $input) { token expiresAt } }',
      { input: { email, password } },
      '',
    );
    (await cookies()).set(SESSION_COOKIE, data.login.token, {
      httpOnly: true, sameSite: 'lax', path: '/', expires: new Date(data.login.expiresAt),
    });
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'Sign-in failed; try again.' };
  }
  redirect('/');
}
