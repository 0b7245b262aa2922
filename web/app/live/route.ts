// GET /live[?asset=id]: the fingerprint of what the open page shows (lib/live.ts), for LiveRefresh
// to poll; one small GraphQL request with the visitor's session (401 without one).
import { NextResponse, type NextRequest } from 'next/server';
import { ApiError, graphql } from '../../lib/graphql';
import { fingerprintOf, LIVE_FIELDS, type LiveData } from '../../lib/live';
import { isUuid } from '../../lib/ids';

export async function GET(request: NextRequest) {
  const asset = request.nextUrl.searchParams.get('asset');
  if (asset !== null && !isUuid(asset)) return NextResponse.json({ error: 'asset must be a UUID' }, { status: 400 });
  try {
    const data = asset
      ? await graphql<LiveData>(`query($asset: ID!) { ${LIVE_FIELDS} latestValues(assetId: $asset) { signalId time } }`, { asset })
      : await graphql<LiveData>(`{ ${LIVE_FIELDS} }`);
    return NextResponse.json({ fingerprint: fingerprintOf(data) }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const status = error instanceof ApiError && error.code === 'UNAUTHENTICATED' ? 401 : 502;
    return NextResponse.json({ error: error instanceof Error ? error.message : 'unavailable' }, { status });
  }
}
