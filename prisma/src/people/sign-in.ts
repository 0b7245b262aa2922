// Signing in with an e-mail address and a password. An address is unique within an organisation,
// so it may name accounts in several; the password is checked against each of them at once (and
// against a decoy when there is none, so an unknown address costs the same time). Attempts are
// throttled per account and per source address (sign-in-throttle.ts): a locked attempt is refused
// before any password is checked, whether or not the account exists. A correct password opens a
// server-side session (sessions.ts) and audits user.signed_in; a wrong one is counted, and is
// audited as user.sign_in_failed in the trail of each account it named, by `auditFailedSignIn`
// after the caller has answered, so that known and unknown addresses answer in the same time.
import type pg from 'pg';
import { verifyPassword } from '../passwords.ts';
import { inTransaction, rawSqlOf, rows, type RawSql } from '../sql.ts';
import { appendAuditEvent } from '../audit/audit-log.ts';
import { systemClock, type Clock } from '../clock.ts';
import { clearAccountFailures, lockedForSeconds, recordFailure, signInKeys } from './sign-in-throttle.ts';
import { openSession } from './sessions.ts';

/** A fixed hash so that an unknown e-mail costs as much time as a wrong password. */
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export interface SignInAttempt {
  email: string;
  password: string;
  /** The organisation's slug, needed only when the address and password open accounts in several. */
  organization: string | null;
  sourceAddress: string | null;
  /** When the session opened by a correct password ends. */
  sessionExpiresAt: Date;
}

interface Account {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  passwordHash: string;
  disabled: boolean;
}

export interface FailedAccount {
  userId: string;
  organizationId: string;
  email: string;
  reason: 'wrong_password' | 'disabled';
}

export type SignInOutcome =
  | { kind: 'signed_in'; user: { id: string; organizationId: string; email: string; role: string }; sessionId: string }
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'refused'; failures: number; accounts: FailedAccount[] }
  | { kind: 'ambiguous'; organizations: number };

export async function signIn(pool: pg.Pool, attempt: SignInAttempt, clock: Clock = systemClock): Promise<SignInOutcome> {
  const db = rawSqlOf(pool);
  const email = attempt.email.trim().toLowerCase();
  const keys = signInKeys(email, attempt.sourceAddress);
  const now = clock.now();
  const retryAfterSeconds = await lockedForSeconds(db, keys, now);
  if (retryAfterSeconds > 0) return { kind: 'throttled', retryAfterSeconds };

  const accounts = await accountsOf(db, email, attempt.organization);
  const checks = await Promise.all(
    accounts.length === 0 ? [verifyPassword(attempt.password, DECOY_HASH)] : accounts.map((a) => verifyPassword(attempt.password, a.passwordHash)),
  );
  const opened = accounts.filter((a, i) => checks[i] && !a.disabled);
  if (opened.length > 1) return { kind: 'ambiguous', organizations: opened.length };
  const [account] = opened;
  if (!account) {
    const failures = await recordFailure(db, keys, now);
    const failed = accounts.map((a, i): FailedAccount => ({
      userId: a.id,
      organizationId: a.organizationId,
      email: a.email,
      reason: checks[i] ? 'disabled' : 'wrong_password',
    }));
    return { kind: 'refused', failures, accounts: failed };
  }
  await clearAccountFailures(db, keys);
  const sessionId = await inTransaction(pool, async (tx) => {
    const id = await openSession(
      tx,
      { organizationId: account.organizationId, userId: account.id, expiresAt: attempt.sessionExpiresAt, sourceAddress: attempt.sourceAddress },
      now,
    );
    await tx.$executeRawUnsafe('UPDATE users SET last_login_at = $2 WHERE id = $1::uuid', account.id, now);
    await appendAuditEvent(
      tx,
      {
        organizationId: account.organizationId,
        type: 'user.signed_in',
        actor: { kind: 'USER', id: account.id, label: account.email },
        subjectType: 'user',
        subjectId: account.id,
        payload: {},
      },
      clock,
    );
    return id;
  });
  return { kind: 'signed_in', user: { id: account.id, organizationId: account.organizationId, email: account.email, role: account.role }, sessionId };
}

/** Audits a refused sign-in in the trail of each account it named. */
export async function auditFailedSignIn(
  pool: pg.Pool,
  outcome: Extract<SignInOutcome, { kind: 'refused' }>,
  sourceAddress: string | null,
  clock: Clock = systemClock,
): Promise<void> {
  for (const account of outcome.accounts) {
    await inTransaction(pool, (tx) =>
      appendAuditEvent(
        tx,
        {
          organizationId: account.organizationId,
          type: 'user.sign_in_failed',
          actor: { kind: 'SYSTEM', id: null, label: `sign-in from ${sourceAddress ?? 'an unknown address'}` },
          subjectType: 'user',
          subjectId: account.userId,
          payload: { reason: account.reason, sourceAddress, failures: outcome.failures },
        },
        clock,
      ),
    );
  }
}

function accountsOf(db: RawSql, email: string, organization: string | null): Promise<Account[]> {
  return rows<Account>(
    db,
    `SELECT u.id, u.organization_id AS "organizationId", u.email, u.role::text AS role,
            u.password_hash AS "passwordHash", u.disabled_at IS NOT NULL AS disabled
       FROM users u JOIN organizations o ON o.id = u.organization_id
      WHERE u.email = $1 AND ($2::text IS NULL OR o.slug = $2)
      ORDER BY u.created_at LIMIT 10`,
    email,
    organization,
  );
}
