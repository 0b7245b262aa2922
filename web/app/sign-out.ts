'use server';
// Signs out: ends the session in the API (so its token is refused from now on, wherever it is),
// forgets the session cookie and returns to the sign-in page. A server action, so only a POST from
// the portal's own pages can sign someone out (Next.js refuses actions from other origins).
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE, USER_COOKIE } from '../lib/config';
import { graphql } from '../lib/graphql';

export async function signOut(): Promise<void> {
  const jar = await cookies();
  if (jar.get(SESSION_COOKIE)) await graphql<{ logout: boolean }>('mutation { logout }').catch(() => undefined);
  jar.delete(SESSION_COOKIE);
  jar.delete(USER_COOKIE);
  redirect('/login');
}
