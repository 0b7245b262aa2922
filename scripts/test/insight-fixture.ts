// An insight on a demo asset for the tests that act on one: written directly for the API tests
// (acknowledging, judging), raised a minute and a half ago from a ten-minute evidence window; or
// raised the way the inference jobs raise one (raiseInsights, audited, so notifications follow).
import type pg from 'pg';
import { inTransaction, row, rawSqlOf } from '@threadline/db/sql';
import { raiseInsights } from '@threadline/db/insights/raise-insights';
import type { ApiHarness } from './api-harness.ts';

export async function createInsight(api: ApiHarness, assetCode: string, extra: { useCaseId?: string } = {}): Promise<string> {
  const { prisma } = api.services.db;
  const asset = await prisma.asset.findFirstOrThrow({ where: { code: assetCode } });
  const raisedAt = new Date(Date.now() - 90_000);
  const insight = await prisma.insight.create({
    data: {
      organizationId: asset.organizationId,
      assetId: asset.id,
      ...extra,
      kind: 'FAILURE_RISK',
      severity: 'WARNING',
      title: 'Spindle failure risk 0.81',
      evidenceStartAt: new Date(raisedAt.getTime() - 600_000),
      evidenceEndAt: raisedAt,
      evidenceReceivedAt: raisedAt,
      raisedAt,
    },
  });
  return insight.id;
}

/** Raises a FAILURE_RISK insight of `score` (threshold 0.5) on the asset as inference does; its id. */
export async function raiseInsightAsInference(pool: pg.Pool, asset: { id: string; organizationId: string }, code: string, score: number): Promise<string> {
  const now = Date.now();
  const key = `test:${code}:${now}`;
  await inTransaction(pool, (tx) =>
    raiseInsights(tx, asset.organizationId, { key, kind: 'FAILURE_RISK', fromFallback: false, modelVersionId: null, useCaseId: null }, 0.5, [
      {
        assetId: asset.id,
        windowEnd: now,
        score,
        predictionId: null,
        windowMs: 600_000,
        earliestReceived: now - 600_000,
        describe: () => ({ explanation: [], title: `Spindle failure risk ${score} on ${code}` }),
      },
    ]),
  );
  const raised = await row<{ id: string }>(rawSqlOf(pool), 'SELECT id FROM insights WHERE asset_id = $1::uuid AND source_key = $2', asset.id, key);
  return raised!.id;
}
