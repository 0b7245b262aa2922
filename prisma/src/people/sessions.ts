// Signed-in sessions kept on the server: a session token names its row, and a request is served
// only while the row is neither revoked nor expired and its user is enabled. Signing out revokes
// one session; a new password, a change of role and disabling the account revoke all of the
// user's sessions.
import { row, type RawSql } from '../sql.ts';

export type SessionEndReason = 'signed_out' | 'password_changed' | 'role_changed' | 'disabled';

export interface SessionUser {
  sessionId: string;
  userId: string;
  organizationId: string;
  email: string;
  role: string;
}

/** Why a change to a user ends their sessions: a new password, another role, or disabling; null when it does not. */
export function sessionEndReason(
  before: { role: string },
  change: { password?: string | undefined; role?: string | undefined; disabled?: boolean | undefined },
): SessionEndReason | null {
  if (change.disabled === true) return 'disabled';
  if (change.password) return 'password_changed';
  if (change.role !== undefined && change.role !== before.role) return 'role_changed';
  return null;
}

/** Opens a session for the user and drops the user's sessions that have expired; its id. */
export async function openSession(
  db: RawSql,
  session: { organizationId: string; userId: string; expiresAt: Date; sourceAddress: string | null },
  now: Date,
): Promise<string> {
  await db.$executeRawUnsafe('DELETE FROM sessions WHERE user_id = $1::uuid AND expires_at < $2::timestamptz', session.userId, now);
  const opened = await row<{ id: string }>(
    db,
    'INSERT INTO sessions (organization_id, user_id, expires_at, source_address) VALUES ($1::uuid, $2::uuid, $3, $4) RETURNING id',
    session.organizationId,
    session.userId,
    session.expiresAt,
    session.sourceAddress,
  );
  return opened!.id;
}

/** The session's user while the session is live and the account enabled; undefined otherwise. */
export function liveSessionUser(db: RawSql, sessionId: string, userId: string, now: Date): Promise<SessionUser | undefined> {
  return row<SessionUser>(
    db,
    `SELECT s.id AS "sessionId", u.id AS "userId", u.organization_id AS "organizationId", u.email, u.role::text AS role
       FROM sessions s JOIN users u ON u.id = s.user_id AND u.organization_id = s.organization_id
      WHERE s.id = $1::uuid AND s.user_id = $2::uuid AND s.revoked_at IS NULL AND s.expires_at > $3::timestamptz AND u.disabled_at IS NULL`,
    sessionId,
    userId,
    now,
  );
}

/** Ends one session (signing out); false when it had already ended. */
export async function revokeSession(db: RawSql, sessionId: string, reason: SessionEndReason, now: Date): Promise<boolean> {
  const ended = await db.$executeRawUnsafe(
    'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1::uuid AND revoked_at IS NULL',
    sessionId,
    now,
    reason,
  );
  return ended > 0;
}

/** Ends every live session of the user; how many. */
export function revokeUserSessions(db: RawSql, userId: string, reason: SessionEndReason, now: Date): Promise<number> {
  return db.$executeRawUnsafe(
    'UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1::uuid AND revoked_at IS NULL AND expires_at > $2::timestamptz',
    userId,
    now,
    reason,
  );
}
