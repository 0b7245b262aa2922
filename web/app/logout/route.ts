// Signs out: forgets the session cookie and returns to the sign-in page.
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIE } from '../../lib/config';

export async function GET(request: NextRequest) {
  (await cookies()).delete(SESSION_COOKIE);
  return NextResponse.redirect(new URL('/login', request.url));
}
