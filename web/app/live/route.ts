// GET /live[?asset=id]: a fingerprint of what the open pages show, for LiveRefresh to poll; one
// small GraphQL request with the visitor's session (401 without one).
import { createHash } from 'node:crypto';
import { NextResponse, type NextRequest } from 'next/server';
import { ApiError, graphql } from '../../lib/graphql';

const LATEST = `
  auditEvents(first: 1, order: DESC) { nodes { seq } }
  insights(first: 1, order: DESC) { nodes { id acknowledgedAt resolvedAt } }
  incidents(first: 1, order: DESC) { nodes { id endedAt } }
  driftReports(first: 1, order: DESC) { nodes { id } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function GET(request: NextRequest) {
  const asset = request.nextUrl.searchParams.get('asset');
  if (asset !== null && !UUID.test(asset)) return NextResponse.json({ error: 'asset must be a UUID' }, { status: 400 });
  try {
    const data = asset
      ? await graphql(`query($asset: ID!) { ${LATEST} latestValues(assetId: $asset) { signalId time } }`, { asset })
      : await graphql(`{ ${LATEST} }`);
    const fingerprint = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
    return NextResponse.json({ fingerprint }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    const status = error instanceof ApiError && error.code === 'UNAUTHENTICATED' ? 401 : 502;
    return NextResponse.json({ error: error instanceof Error ? error.message : 'unavailable' }, { status });
  }
}
