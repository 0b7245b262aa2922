// The plant as CSV, NodeSet2 or DTDL, through the portal: the API's export with the user's session.
import type { NextRequest } from 'next/server';
import { apiDownload } from '../../../../lib/download';

const FILES: Record<string, string> = { csv: 'plant.csv', nodeset2: 'plant.nodeset2.xml', dtdl: 'plant.dtdl.json' };

export function GET(request: NextRequest) {
  const file = FILES[request.nextUrl.searchParams.get('format') ?? ''] ?? FILES.csv!;
  const scope = new URLSearchParams();
  for (const key of ['site', 'line']) {
    const value = request.nextUrl.searchParams.get(key);
    if (value) scope.set(key, value);
  }
  return apiDownload(request, `/export/${file}`, scope, file);
}
