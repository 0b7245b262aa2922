import { systemClock, type Clock } from '@threadline/db/clock';
// A token bucket per key: `burst` requests at once, refilled at `perSecond`. This one is kept in
// the API process; with several replicas, RATE_LIMIT_REDIS_URL shares the buckets through Redis
// (redis-rate-limiter.ts). Idle full buckets are dropped so the table stays as large as the set of
// recently active keys.
export interface RateVerdict {
  allowed: boolean;
  /** Whole seconds until one request is allowed again (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  take(key: string): RateVerdict | Promise<RateVerdict>;
  close?(): Promise<void>;
}

/** A refusal with the whole seconds until the bucket holds one token again. */
export const refused = (tokens: number, perSecond: number): RateVerdict => ({
  allowed: false,
  retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perSecond)),
});

const PRUNE_ABOVE = 10_000;

export class TokenBucketLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock = systemClock,
  ) {}

  take(key: string, now = this.clock.nowMs()): RateVerdict {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > PRUNE_ABOVE) this.prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, retryAfterSeconds: 0 };
    }
    return refused(bucket.tokens, this.perSecond);
  }

  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond >= this.burst) this.buckets.delete(key);
    }
  }
}
