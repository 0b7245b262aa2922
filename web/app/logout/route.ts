// Signs out: forgets the session cookie and returns to the sign-in page.
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE, USER_COOKIE } from '../../lib/config';

export async function GET(request: NextRequest) {
  const jar = await cookies();
  jar.delete(SESSION_COOKIE);
  jar.delete(USER_COOKIE);
  return NextResponse.redirect(new URL('/login', request.url));
}
