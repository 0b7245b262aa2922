// The audit trail as CSV, through the portal: the API's export with the signed-in user's session.
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import { API_URL, SESSION_COOKIE } from '../../../lib/config';

export async function GET(request: NextRequest) {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!session) return NextResponse.redirect(new URL('/login', request.url));
  const url = new URL('/export/audit.csv', API_URL);
  request.nextUrl.searchParams.forEach((value, key) => url.searchParams.set(key, value));
  const upstream = await fetch(url, { headers: { authorization: `Bearer ${session}` }, cache: 'no-store' });
  return new NextResponse(upstream.body, {
    status: upstream.status,
    headers: {
      'content-type': upstream.headers.get('content-type') ?? 'text/csv',
      'content-disposition': upstream.headers.get('content-disposition') ?? 'attachment; filename="audit-trail.csv"',
    },
  });
}
