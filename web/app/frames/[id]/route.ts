// GET /frames/<id>: a camera frame's bytes from the API, with the visitor's session (401 without
// one), so that the portal's <img> tags show frames without the API being reachable from browsers.
import { cookies } from 'next/headers';
import { NextResponse } from 'next/server';
import { API_URL, SESSION_COOKIE } from '../../../lib/config';
import { isUuid } from '../../../lib/ids';

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!isUuid(id)) return NextResponse.json({ error: 'the frame id must be a UUID' }, { status: 400 });
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!session) return NextResponse.json({ error: 'sign in first' }, { status: 401 });
  let response: Response;
  try {
    response = await fetch(new URL(`/frames/${id}`, API_URL), { headers: { authorization: `Bearer ${session}` }, cache: 'no-store' });
  } catch {
    return NextResponse.json({ error: 'the Threadline API is not reachable' }, { status: 502 });
  }
  if (!response.ok) return NextResponse.json({ error: `the API answered ${response.status}` }, { status: response.status });
  return new NextResponse(response.body, {
    headers: { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream', 'cache-control': 'private, max-age=86400, immutable' },
  });
}
