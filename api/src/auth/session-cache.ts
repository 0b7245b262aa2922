// A short memory of live sessions, so that a burst of requests with one token reads its session
// once. An entry lives `ttlMs` at most; ending a session on this replica forgets it at once, and
// other replicas see the end within `ttlMs`. Zero turns the memory off.
import type { SessionUser } from '@threadline/db/people/sessions';
import type { Clock } from '@threadline/db/clock';

const MAX_ENTRIES = 10_000;

export class SessionCache {
  private readonly entries = new Map<string, { user: SessionUser; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
  ) {}

  get(sessionId: string): SessionUser | undefined {
    const entry = this.entries.get(sessionId);
    if (!entry) return undefined;
    if (entry.until > this.clock.nowMs()) return entry.user;
    this.entries.delete(sessionId);
    return undefined;
  }

  set(user: SessionUser): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(user.sessionId, { user, until: this.clock.nowMs() + this.ttlMs });
  }

  forgetSession(sessionId: string): void {
    this.entries.delete(sessionId);
  }

  forgetUser(userId: string): void {
    for (const [sessionId, entry] of this.entries) if (entry.user.userId === userId) this.entries.delete(sessionId);
  }
}
