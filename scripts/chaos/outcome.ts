// What every chaos scenario reports: what was sent, what was done, what was stored, and what was
// lost or duplicated (both must be 0), with notes; a note that names a failure fails the run.
import type pg from 'pg';
import { signingKeyFromPem, trustedKeySet } from '@threadline/db/audit/audit-keys';
import { verifyAuditChain } from '@threadline/db/audit/audit-log';

export interface Outcome {
  scenario: string;
  sent: string;
  done: string;
  stored: string;
  lost: number;
  duplicated: number;
  notes: string[];
  /** Why the scenario failed besides losing or duplicating something (did not finish, did not resume, chain broken). */
  failures: string[];
}

export const out = (line: string) => process.stdout.write(`${line}\n`);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const failed = (o: Outcome) => o.lost !== 0 || o.duplicated !== 0 || o.failures.length > 0;

export function describeOutcome(o: Outcome): string {
  return (
    `${o.scenario}\n  sent ${o.sent}; ${o.done}; stored ${o.stored}; lost ${o.lost}, duplicated ${o.duplicated}` +
    `${o.notes.length > 0 ? `; ${o.notes.join('; ')}` : ''}${o.failures.length > 0 ? `; FAILED: ${o.failures.join('; ')}` : ''}`
  );
}

/** Verifies every organisation's audit chain (hashes and signed checkpoints); adds a failure when one is broken. */
export async function checkAuditChains(pool: pg.Pool, auditKeyPem: string, outcome: Outcome): Promise<void> {
  const trusted = trustedKeySet(signingKeyFromPem(auditKeyPem), undefined);
  const { rows } = await pool.query<{ id: string; slug: string }>('SELECT id, slug FROM organizations ORDER BY slug');
  let events = 0;
  let checkpoints = 0;
  for (const org of rows) {
    const chain = await verifyAuditChain(pool, org.id, trusted);
    events += chain.eventsChecked;
    checkpoints += chain.checkpointsChecked;
    if (!chain.ok)
      outcome.failures.push(`audit chain of ${org.slug} broken at ${chain.firstBroken?.seq ?? '?'} (${chain.firstBroken?.reason ?? 'checkpoint'})`);
  }
  outcome.notes.push(
    `audit chain ${outcome.failures.some((f) => f.startsWith('audit chain')) ? 'BROKEN' : 'intact'} (${events} events, ${checkpoints} signed checkpoints)`,
  );
}
