// Watching the audit trail: every organisation's chain is recomputed on a schedule, and a break
// (an edited, deleted or cut-off event, a checkpoint that does not match) is told to the rules of
// audit.chain_broken, once per break.
import type { KeyObject } from 'node:crypto';
import type pg from 'pg';
import { verifyAuditChain } from './audit-log.ts';
import { organizationIds } from '../plant/organizations.ts';
import type { Clock } from '../clock.ts';
import { fanOut } from '../notifications/fan-out.ts';

export interface ChainWatch {
  organizationId: string;
  ok: boolean;
  eventsChecked: number;
}

export async function watchAuditChains(pool: pg.Pool, trustedKeys: ReadonlyMap<string, KeyObject>, clock: Clock): Promise<ChainWatch[]> {
  const watched: ChainWatch[] = [];
  for (const organizationId of await organizationIds(pool)) {
    const verification = await verifyAuditChain(pool, organizationId, trustedKeys);
    watched.push({ organizationId, ok: verification.ok, eventsChecked: verification.eventsChecked });
    const broken = verification.firstBroken;
    if (!broken) continue;
    await fanOut(pool, {
      organizationId,
      kind: 'audit.chain_broken',
      key: `chain:${broken.seq}:${broken.reason}`,
      subjectType: 'audit_event',
      subjectId: broken.eventId,
      severity: 'CRITICAL',
      title: `Audit trail broken at event ${broken.seq}`,
      summary: `The audit chain no longer verifies at sequence ${broken.seq} (${broken.reason}): ${broken.detail}. Someone changed, removed or cut off recorded events.`,
      occurredAt: clock.now().toISOString(),
      scope: { useCaseId: null, assetId: null, assetTypeId: null },
      link: '/governance',
      facts: { seq: broken.seq.toString(), reason: broken.reason, detail: broken.detail, eventsChecked: verification.eventsChecked },
    });
  }
  return watched;
}
