// Keeps the API's session token in an httpOnly cookie (the browser never reads it) and who signed in
// for the header, whichever way the person signed in.
import 'server-only';
import { cookies } from 'next/headers';
import { SESSION_COOKIE, USER_COOKIE } from './config';

export interface SignedInSession {
  token: string;
  expiresAt: string;
  user: { name: string; role: string };
}

/** The session's fields to ask the API for. */
export const SESSION_FIELDS = 'token expiresAt user { name role }';

export async function keepSession(session: SignedInSession): Promise<void> {
  const options = { httpOnly: true, sameSite: 'lax', path: '/', expires: new Date(session.expiresAt) } as const;
  const jar = await cookies();
  jar.set(SESSION_COOKIE, session.token, options);
  jar.set(USER_COOKIE, JSON.stringify(session.user), options);
}
