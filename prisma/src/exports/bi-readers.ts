// Readers of the bi views: an administrator makes one (a login role of its own, read-only, 60 s per
// statement, for one organisation, its password shown once) and drops it; both audited. The roles
// are made by bi.create_reader and dropped by bi.drop_reader, the only way the application may.
import { randomBytes } from 'node:crypto';
import { rows, type RawSql } from '../sql.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import type { Clock } from '../clock.ts';
import { Refusal } from '../refusal.ts';

export interface BiReaderRow {
  roleName: string;
  name: string;
  createdAt: Date;
}

/** `tl_bi_<slug>_<name>_<random>`: cluster-wide role names, so several databases never collide. */
export function readerRoleName(organizationSlug: string, name: string): string {
  const clean = (text: string, max: number) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, max) || 'x';
  return `tl_bi_${clean(organizationSlug, 20)}_${clean(name, 24)}_${randomBytes(3).toString('hex')}`;
}

export async function createBiReader(
  db: RawSql,
  organization: { id: string; slug: string },
  name: string,
  actor: AuditActor,
  clock: Clock,
): Promise<{ roleName: string; password: string }> {
  const taken = await rows(db, 'SELECT 1 FROM bi_readers WHERE organization_id = $1::uuid AND name = $2', organization.id, name);
  if (taken.length > 0) throw new Refusal(`A reader named "${name}" exists; drop it first or choose another name.`, 'name', 'CONFLICT');
  const roleName = readerRoleName(organization.slug, name);
  const password = randomBytes(24).toString('base64url');
  await db.$executeRawUnsafe('SELECT bi.create_reader($1::uuid, $2, $3, $4)', organization.id, roleName, name, password);
  await appendAuditEvent(
    db,
    { organizationId: organization.id, type: 'bi_reader.created', actor, subjectType: 'bi_reader', subjectId: roleName, payload: { roleName, name } },
    clock,
  );
  return { roleName, password };
}

export async function dropBiReader(db: RawSql, organizationId: string, roleName: string, actor: AuditActor, clock: Clock): Promise<void> {
  const [dropped] = await rows<{ dropped: boolean }>(db, 'SELECT bi.drop_reader($1::uuid, $2) AS dropped', organizationId, roleName);
  if (!dropped?.dropped) throw new Refusal(`No reader ${roleName} in your organisation.`, 'roleName', 'NOT_FOUND');
  await appendAuditEvent(db, { organizationId, type: 'bi_reader.deleted', actor, subjectType: 'bi_reader', subjectId: roleName, payload: { roleName } }, clock);
}
