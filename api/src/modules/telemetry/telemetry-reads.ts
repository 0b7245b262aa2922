// Telemetry reads of one request, through the API's read gate (security/read-gate.ts): on the read
// pool, in the caller's turn, within the request's time budget, for the caller's organisation.
import { TelemetryQueries } from '@threadline/db/telemetry/queries';
import { tenantOf, type Context } from '../../context.ts';

export function readTelemetry<T>(ctx: Context, work: (queries: TelemetryQueries, organizationId: string) => Promise<T>): Promise<T> {
  const { organizationId } = tenantOf(ctx).principal;
  return ctx.services.reads.run(ctx.readBudget, (client) => work(new TelemetryQueries(client), organizationId));
}
