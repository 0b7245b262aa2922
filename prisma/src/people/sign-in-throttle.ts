// Failed sign-ins, counted per account (the e-mail address, whether or not it exists) and per
// source address in the database, so every API replica sees the same counts. A key may fail a few
// times freely; each further failure locks it for twice as long as the last, up to a ceiling, and
// a key that has not failed for a while is forgotten. While any key of an attempt is locked the
// attempt is refused without checking the password, for known and unknown accounts alike.
import { row, type RawSql } from '../sql.ts';

export interface ThrottlePolicy {
  /** Failures allowed before the first lock. */
  freeFailures: number;
  /** The first lock; each later failure doubles it. */
  firstLockSeconds: number;
  maxLockSeconds: number;
  /** A key with no failure for this long starts again from zero. */
  forgetAfterSeconds: number;
}

/** An account: a person mistyping a password a few times is not slowed down. */
export const ACCOUNT_THROTTLE: ThrottlePolicy = { freeFailures: 5, firstLockSeconds: 2, maxLockSeconds: 15 * 60, forgetAfterSeconds: 60 * 60 };
/** A source address, which may be a whole plant behind one NAT: more room, the same ceiling. */
export const ADDRESS_THROTTLE: ThrottlePolicy = { freeFailures: 20, firstLockSeconds: 2, maxLockSeconds: 15 * 60, forgetAfterSeconds: 60 * 60 };

export interface ThrottleKey {
  key: string;
  policy: ThrottlePolicy;
}

/** The keys one attempt is counted under. */
export function signInKeys(email: string, sourceAddress: string | null): ThrottleKey[] {
  const keys = [{ key: `account:${email.trim().toLowerCase()}`, policy: ACCOUNT_THROTTLE }];
  return sourceAddress ? [...keys, { key: `address:${sourceAddress}`, policy: ADDRESS_THROTTLE }] : keys;
}

/** Whole seconds until every key may try again; 0 when none is locked. */
export async function lockedForSeconds(db: RawSql, keys: ThrottleKey[], now: Date): Promise<number> {
  const found = await row<{ seconds: number | null }>(
    db,
    `SELECT ceil(extract(epoch FROM max(locked_until) - $2::timestamptz))::int AS seconds
       FROM sign_in_failures WHERE key = ANY($1::text[]) AND locked_until > $2::timestamptz`,
    keys.map((k) => k.key),
    now,
  );
  return Math.max(0, found?.seconds ?? 0);
}

/** How long a key is locked after its `failures`-th failure in a row. */
export function lockSeconds(policy: ThrottlePolicy, failures: number): number {
  const beyond = failures - policy.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(policy.maxLockSeconds, policy.firstLockSeconds * 2 ** Math.min(beyond - 1, 30));
}

/** Keys forgotten at each recorded failure, at most: enough to keep up with any rate of new keys. */
const PRUNED_PER_FAILURE = 100;

/** Counts one failure against each key and locks those past their free failures; the account's count. */
export async function recordFailure(db: RawSql, keys: ThrottleKey[], now: Date): Promise<number> {
  await db.$executeRawUnsafe(
    `DELETE FROM sign_in_failures WHERE key IN (
       SELECT key FROM sign_in_failures WHERE last_failure_at < $1::timestamptz - make_interval(secs => $2) AND (locked_until IS NULL OR locked_until < $1)
        LIMIT ${PRUNED_PER_FAILURE})`,
    now,
    Math.max(...keys.map((k) => k.policy.forgetAfterSeconds)),
  );
  const counts: number[] = [];
  for (const { key, policy } of keys) {
    const counted = await row<{ failures: number }>(
      db,
      `INSERT INTO sign_in_failures (key, failures, last_failure_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN sign_in_failures.last_failure_at < $2::timestamptz - make_interval(secs => $3) THEN 1 ELSE sign_in_failures.failures + 1 END,
         last_failure_at = $2
       RETURNING failures`,
      key,
      now,
      policy.forgetAfterSeconds,
    );
    const failures = counted!.failures;
    const lock = lockSeconds(policy, failures);
    if (lock > 0)
      await db.$executeRawUnsafe('UPDATE sign_in_failures SET locked_until = $2::timestamptz + make_interval(secs => $3) WHERE key = $1', key, now, lock);
    counts.push(failures);
  }
  return counts[0]!;
}

/** Forgets the account's failures after a correct password; the address keeps its count. */
export async function clearAccountFailures(db: RawSql, keys: ThrottleKey[]): Promise<void> {
  await db.$executeRawUnsafe('DELETE FROM sign_in_failures WHERE key = $1', keys[0]!.key);
}
