// An insight on a demo asset for the API tests that act on one (acknowledging, judging): raised a
// minute and a half ago from a ten-minute evidence window.
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
