// Signing in through the plant's OpenID Connect provider. The caller has verified the ID token
// (signature against the provider's keys, issuer, audience, expiry and nonce); this maps its groups
// to a Threadline role by the configured table, finds the person by the provider's issuer and
// subject, links an existing account of the same verified e-mail on first sign-in, or provisions a
// new one, keeps the role in step with the groups (a change ends the person's other sessions) and
// opens a server-side session; audited as user.signed_in_with_sso (and user.created or
// user.updated for what changed).
import type pg from 'pg';
import { inTransaction, row, type RawSql } from '../sql.ts';
import { appendAuditEvent, type AuditActor } from '../audit/audit-log.ts';
import { systemClock, type Clock } from '../clock.ts';
import { openSession, revokeUserSessions } from './sessions.ts';
import { UserRole } from '../generated/prisma/enums.ts';

const USER_ROLES = Object.values(UserRole);

/** A group and the role it gives, in the order the configuration lists them: the first match wins. */
export interface GroupRole {
  group: string;
  role: UserRole;
}

export interface VerifiedIdentity {
  issuer: string;
  subject: string;
  email: string;
  emailVerified: boolean;
  name: string;
  groups: string[];
}

export interface SsoSignInRequest {
  organizationId: string;
  identity: VerifiedIdentity;
  roleMap: readonly GroupRole[];
  /** The role of people none of whose groups is mapped; null refuses them. */
  defaultRole: UserRole | null;
  sessionExpiresAt: Date;
  sourceAddress: string | null;
}

export type SsoSignInOutcome =
  | { kind: 'signed_in'; userId: string; sessionId: string; role: UserRole; provisioned: boolean }
  | { kind: 'refused'; reason: 'no_role' | 'disabled' | 'email_taken' };

/** Parses `group=ROLE,group=ROLE`; a clear error naming the bad entry. */
export function parseRoleMap(text: string): GroupRole[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf('=');
      const group = entry.slice(0, at).trim();
      const role = entry
        .slice(at + 1)
        .trim()
        .toUpperCase();
      if (at <= 0 || !(USER_ROLES as readonly string[]).includes(role)) {
        throw new Error(`"${entry}" is not group=ROLE with ROLE one of ${USER_ROLES.join(', ')}`);
      }
      return { group, role: role as UserRole };
    });
}

/** The role the first mapped group gives, the default when none is mapped. */
export function roleForGroups(groups: readonly string[], roleMap: readonly GroupRole[], defaultRole: UserRole | null): UserRole | null {
  const held = new Set(groups);
  return roleMap.find((entry) => held.has(entry.group))?.role ?? defaultRole;
}

interface Account {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  linked: boolean;
}

export async function signInWithIdentity(pool: pg.Pool, request: SsoSignInRequest, clock: Clock = systemClock): Promise<SsoSignInOutcome> {
  const { identity, organizationId } = request;
  const role = roleForGroups(identity.groups, request.roleMap, request.defaultRole);
  if (!role) return { kind: 'refused', reason: 'no_role' };
  const now = clock.now();
  return inTransaction(pool, async (tx) => {
    const account = await accountOf(tx, organizationId, identity);
    if (account?.disabled) return { kind: 'refused', reason: 'disabled' };
    if (account && !account.linked && !identity.emailVerified) return { kind: 'refused', reason: 'email_taken' };
    const actor: AuditActor = { kind: 'USER', id: account?.id ?? null, label: identity.email };
    const userId = account ? await updateAccount(tx, account, request, role, now, clock) : await provision(tx, request, role, clock);
    const sessionId = await openSession(tx, { organizationId, userId, expiresAt: request.sessionExpiresAt, sourceAddress: request.sourceAddress }, now);
    await tx.$executeRawUnsafe('UPDATE users SET last_login_at = $2 WHERE id = $1::uuid', userId, now);
    await appendAuditEvent(
      tx,
      {
        organizationId,
        type: 'user.signed_in_with_sso',
        actor: { ...actor, id: userId },
        subjectType: 'user',
        subjectId: userId,
        payload: { issuer: identity.issuer, groups: identity.groups, role, provisioned: !account },
      },
      clock,
    );
    return { kind: 'signed_in', userId, sessionId, role, provisioned: !account };
  });
}

/** The person the provider names, or the unlinked account of the same e-mail. */
function accountOf(db: RawSql, organizationId: string, identity: VerifiedIdentity): Promise<Account | undefined> {
  return row<Account>(
    db,
    `SELECT id, email, role::text AS role, disabled_at IS NOT NULL AS disabled, oidc_subject IS NOT NULL AS linked
       FROM users
      WHERE organization_id = $1::uuid
        AND ((oidc_issuer = $2 AND oidc_subject = $3) OR (email = $4 AND oidc_subject IS NULL))
      ORDER BY (oidc_subject IS NOT NULL) DESC LIMIT 1 FOR UPDATE`,
    organizationId,
    identity.issuer,
    identity.subject,
    identity.email.toLowerCase(),
  );
}

async function provision(db: RawSql, request: SsoSignInRequest, role: UserRole, clock: Clock): Promise<string> {
  const { identity, organizationId } = request;
  const created = await row<{ id: string }>(
    db,
    // No password: `!` is no scrypt hash, so password sign-in never opens this account.
    `INSERT INTO users (organization_id, email, name, role, password_hash, oidc_issuer, oidc_subject)
     VALUES ($1::uuid, $2, $3, $4::user_role, '!sso', $5, $6) RETURNING id`,
    organizationId,
    identity.email.toLowerCase(),
    identity.name || identity.email,
    role,
    identity.issuer,
    identity.subject,
  );
  const userId = created!.id;
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'user.created',
      actor: { kind: 'SYSTEM', id: null, label: `single sign-on (${identity.issuer})` },
      subjectType: 'user',
      subjectId: userId,
      payload: { email: identity.email.toLowerCase(), name: identity.name, role, oidcIssuer: identity.issuer, oidcSubject: identity.subject },
    },
    clock,
  );
  return userId;
}

/** Links the account on first sign-in and keeps its role in step with the groups. */
async function updateAccount(db: RawSql, account: Account, request: SsoSignInRequest, role: UserRole, now: Date, clock: Clock): Promise<string> {
  const { identity, organizationId } = request;
  const changes: Record<string, [string | null, string]> = {};
  if (!account.linked) changes.oidcSubject = [null, identity.subject];
  if (account.role !== role) changes.role = [account.role, role];
  if (Object.keys(changes).length === 0) return account.id;
  await db.$executeRawUnsafe(
    'UPDATE users SET role = $2::user_role, oidc_issuer = $3, oidc_subject = $4, updated_at = $5 WHERE id = $1::uuid',
    account.id,
    role,
    identity.issuer,
    identity.subject,
    now,
  );
  if (changes.role) await revokeUserSessions(db, account.id, 'role_changed', now);
  await appendAuditEvent(
    db,
    {
      organizationId,
      type: 'user.updated',
      actor: { kind: 'SYSTEM', id: null, label: `single sign-on (${identity.issuer})` },
      subjectType: 'user',
      subjectId: account.id,
      payload: changes,
    },
    clock,
  );
  return account.id;
}
