// The audit trail as CSV, through the portal: the API's export with the signed-in user's session.
import type { NextRequest } from 'next/server';
import { apiDownload } from '../../../lib/download';

export function GET(request: NextRequest) {
  return apiDownload(request, '/export/audit.csv', request.nextUrl.searchParams, 'audit-trail.csv');
}
