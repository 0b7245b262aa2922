// Zero-trust identities for gateways and devices. An administrator creates one (its name, the
// topics it may publish under, optionally its edge target) and hands its one-time claim token to
// whoever installs the device; only the token's hash is kept and it expires after a day. The
// device claims it once with a certificate signing request made from its own key: it gets a
// client certificate from the organisation's authority and broker credentials, and the broker is
// told to let it publish under its topics only. Revoking disables it on the broker at once (its
// connection is closed, new ones are refused) and lists its certificate as revoked. Audited.
import { createHash, randomBytes } from 'node:crypto';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { Refusal } from '../refusal.ts';
import { row, written, type RawSql } from '../sql.ts';
import { deviceAuthority, issueClientCertificate } from './device-authority.ts';

/** What the broker must know of device identities (the broker's own access control). */
export interface BrokerControl {
  /** Lets `name` (with `password`) connect and publish under `topics` only. */
  allow(name: string, password: string, topics: readonly string[]): Promise<void>;
  /** Closes `name`'s connections and refuses new ones, at once. */
  disable(name: string): Promise<void>;
}

export interface DeviceIdentityRow {
  id: string;
  organizationId: string;
  name: string;
  edgeTargetId: string | null;
  topics: string[];
  status: 'PENDING' | 'ACTIVE' | 'REVOKED';
  claimExpiresAt: Date | null;
  certificateSerial: string | null;
  claimedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}

const COLUMNS = `id, organization_id AS "organizationId", name, edge_target_id AS "edgeTargetId", topics, status::text AS status,
  claim_expires_at AS "claimExpiresAt", certificate_serial AS "certificateSerial", claimed_at AS "claimedAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;
const CLAIM_HOURS = 24;
const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** A topic filter a device may publish under: no wildcard but a final `#`, nothing under `$`. */
function checkTopics(topics: readonly string[]): void {
  for (const topic of topics) {
    if (topic === '' || topic.startsWith('$') || topic.length > 200 || /\+|#./.test(topic) || (topic.includes('#') && !topic.endsWith('/#')))
      throw new Refusal(`"${topic}" is not a topic filter a device may be given (a topic, or a prefix ending in /#).`, 'topics');
  }
}

export async function createDeviceIdentity(
  db: RawSql,
  organizationId: string,
  input: { name: string; topics: readonly string[]; edgeTargetId: string | null },
  actor: AuditActor,
  now: Date,
): Promise<{ identity: DeviceIdentityRow; claimToken: string }> {
  checkTopics(input.topics);
  const claimToken = `tlc_${randomBytes(32).toString('base64url')}`;
  const identity = await written<DeviceIdentityRow>(
    db,
    `INSERT INTO device_identities (organization_id, name, edge_target_id, topics, claim_token_hash, claim_expires_at)
     VALUES ($1, $2, $3::uuid, $4::text[], $5, $6) RETURNING ${COLUMNS}`,
    organizationId,
    input.name,
    input.edgeTargetId,
    input.topics,
    tokenHash(claimToken),
    new Date(now.getTime() + CLAIM_HOURS * 3_600_000),
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'device_identity.created',
    actor,
    subjectType: 'device_identity',
    subjectId: identity!.id,
    payload: { name: input.name, topics: [...input.topics], edgeTargetId: input.edgeTargetId },
  });
  return { identity: identity!, claimToken };
}

export interface ClaimedIdentity {
  name: string;
  certificate: string;
  caCertificate: string;
  password: string;
  topics: string[];
}

/** The device's one claim: a certificate for its request, broker credentials, and its topics opened on the broker. */
export async function claimDeviceIdentity(
  db: RawSql,
  authoritySecret: string,
  broker: BrokerControl | null,
  input: { token: string; csr: string },
  now: Date,
): Promise<ClaimedIdentity> {
  const identity = await row<DeviceIdentityRow>(db, `SELECT ${COLUMNS} FROM device_identities WHERE claim_token_hash = $1 FOR UPDATE`, tokenHash(input.token));
  if (!identity || identity.status !== 'PENDING') throw new Refusal('The claim token is unknown or used.', 'token', 'NOT_FOUND');
  if (identity.claimExpiresAt && identity.claimExpiresAt < now) throw new Refusal('The claim token has expired; ask for a new identity.', 'token', 'CONFLICT');
  const authority = await deviceAuthority(db, identity.organizationId, authoritySecret, now);
  const certificate = await issueClientCertificate(authority, input.csr, identity.name, now);
  const password = randomBytes(24).toString('base64url');
  // Told first: if the broker refuses, nothing is recorded and the token stays good.
  if (broker) await broker.allow(identity.name, password, identity.topics);
  await db.$executeRawUnsafe(
    `UPDATE device_identities SET status = 'ACTIVE', claim_token_hash = NULL, claim_expires_at = NULL, certificate = $2, certificate_serial = $3, claimed_at = $4
      WHERE id = $1::uuid`,
    identity.id,
    certificate.pem,
    certificate.serial,
    now,
  );
  await appendAuditEvent(db, {
    organizationId: identity.organizationId,
    type: 'device_identity.updated',
    actor: { kind: 'SYSTEM', id: null, label: `device:${identity.name}` },
    subjectType: 'device_identity',
    subjectId: identity.id,
    payload: { status: 'ACTIVE', certificateSerial: certificate.serial, brokerTold: broker !== null },
  });
  return { name: identity.name, certificate: certificate.pem, caCertificate: authority.certificate.toString('pem'), password, topics: identity.topics };
}

export async function revokeDeviceIdentity(
  db: RawSql,
  broker: BrokerControl | null,
  organizationId: string,
  id: string,
  actor: AuditActor,
  now: Date,
): Promise<DeviceIdentityRow> {
  const identity = await row<DeviceIdentityRow>(
    db,
    `SELECT ${COLUMNS} FROM device_identities WHERE organization_id = $1 AND id = $2::uuid FOR UPDATE`,
    organizationId,
    id,
  );
  if (!identity) throw new Refusal(`DeviceIdentity ${id} does not exist in your organisation.`, 'id', 'NOT_FOUND');
  if (identity.status === 'REVOKED') throw new Refusal('The identity is revoked already.', 'id', 'CONFLICT');
  if (broker && identity.status === 'ACTIVE') await broker.disable(identity.name);
  const revoked = await written<DeviceIdentityRow>(
    db,
    `UPDATE device_identities SET status = 'REVOKED', revoked_at = $3, claim_token_hash = NULL WHERE organization_id = $1 AND id = $2::uuid RETURNING ${COLUMNS}`,
    organizationId,
    id,
    now,
  );
  await appendAuditEvent(db, {
    organizationId,
    type: 'device_identity.updated',
    actor,
    subjectType: 'device_identity',
    subjectId: id,
    payload: { status: 'REVOKED', certificateSerial: identity.certificateSerial, brokerTold: broker !== null },
  });
  return revoked!;
}
