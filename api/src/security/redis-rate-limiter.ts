// The API keys' token buckets in Redis, shared by every API replica (RATE_LIMIT_REDIS_URL): one
// atomic script refills and takes a token by Redis's clock, so replicas on skewed clocks agree and a
// key's budget is the same however many replicas serve it. When Redis does not answer within
// 250 ms the replica decides alone with its in-process buckets (and says so in its log once a
// minute): a Redis outage slows no request and refuses none that a single replica would allow.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { refused, TokenBucketLimiter, type RateLimiter, type RateVerdict } from './rate-limiter.ts';
import { systemClock, type Clock } from '@threadline/db/clock';

const TAKE = `
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = math.min(burst, (tonumber(b[1]) or burst) + (now - (tonumber(b[2]) or now)) / 1000 * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return { allowed, tostring(tokens) }`;

const WARN_EVERY_MS = 60_000;

export class RedisTokenBucketLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly local: TokenBucketLimiter;
  private warnedAt = 0;

  constructor(
    url: string,
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly log: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.redis = new Redis(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 250,
      connectTimeout: 1_000,
      retryStrategy: () => 1_000,
    });
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('takeToken', { numberOfKeys: 1, lua: TAKE });
    this.local = new TokenBucketLimiter(perSecond, burst);
  }

  async take(key: string): Promise<RateVerdict> {
    try {
      const [allowed, tokens] = await (this.redis as Redis & { takeToken(key: string, rate: number, burst: number): Promise<[number, string]> }).takeToken(
        `threadline:rate:${key}`,
        this.perSecond,
        this.burst,
      );
      return allowed === 1 ? { allowed: true, retryAfterSeconds: 0 } : refused(Number(tokens), this.perSecond);
    } catch (err) {
      if (this.clock.nowMs() - this.warnedAt > WARN_EVERY_MS) {
        this.warnedAt = this.clock.nowMs();
        this.log.warn({ err }, 'the rate-limit Redis does not answer; this replica limits API keys on its own until it does');
      }
      return this.local.take(key);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
