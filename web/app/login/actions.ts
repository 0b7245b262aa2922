'use server';
// Signs in through the API's login mutation and keeps the session token in an httpOnly cookie.
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE, USER_COOKIE } from '../../lib/config';
import { ApiError, graphql } from '../../lib/graphql';

export interface LoginState {
  error: string | null;
}

export async function login(_previous: LoginState, form: FormData): Promise<LoginState> {
  const email = String(form.get('email') ?? '');
  const password = String(form.get('password') ?? '');
  try {
    const data = await graphql<{ login: { token: string; expiresAt: string; user: { name: string; role: string } } }>(
      'mutation($input: LoginInput!) { login(input: $input) { token expiresAt user { name role } } }',
      { input: { email, password } },
      '',
      (await headers()).get('x-forwarded-for') ?? undefined,
    );
    const options = { httpOnly: true, sameSite: 'lax', path: '/', expires: new Date(data.login.expiresAt) } as const;
    const jar = await cookies();
    jar.set(SESSION_COOKIE, data.login.token, options);
    jar.set(USER_COOKIE, JSON.stringify(data.login.user), options);
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'Sign-in failed; try again.' };
  }
  redirect('/');
}
