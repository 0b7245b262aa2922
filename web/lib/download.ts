// Downloads through the portal: the API's export with the signed-in user's session, passed on as
// it streams (no session sends the visitor to sign in).
import 'server-only';
import { cookies } from 'next/headers';
import { NextResponse, type NextRequest } from 'next/server';
import { API_URL, SESSION_COOKIE } from './config';

export async function apiDownload(request: NextRequest, path: string, query: URLSearchParams, fallbackName: string): Promise<NextResponse> {
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!session) return NextResponse.redirect(new URL('/login', request.url));
  const url = new URL(path, API_URL);
  query.forEach((value, key) => url.searchParams.set(key, value));
  const upstream = await fetch(url, { headers: { authorization: `Bearer ${session}` }, cache: 'no-store' });
  return new NextResponse(upstream.body, {
    status: upstream.status,
    headers: {
      'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
      'content-disposition': upstream.headers.get('content-disposition') ?? `attachment; filename="${fallbackName}"`,
    },
  });
}
