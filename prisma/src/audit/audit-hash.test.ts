// The audit chain formula, checked against a hand-worked example.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalEventJson, chainHash, GENESIS_HASH, type AuditEventContent } from './audit-hash.ts';

const event: AuditEventContent = {
  organizationId: '00000000-0000-4000-8000-000000000001',
  seq: 1,
  type: 'site.created',
  actorKind: 'USER',
  actorId: 'u1',
  actorLabel: 'admin@example.test',
  subjectType: 'site',
  subjectId: 's1',
  payload: { v: 1, after: { name: 'Plant 1', code: 'P1', lat: 1.5e1 } },
  occurredAt: new Date('2026-11-23T08:00:00.000Z'),
  prevHash: GENESIS_HASH,
};

describe('audit chain hash', () => {
  it('serialises an event as RFC 8785 JSON: sorted keys, shortest numbers, no prevHash', () => {
    expect(canonicalEventJson(event)).toBe(
      '{"actorId":"u1","actorKind":"USER","actorLabel":"admin@example.test","occurredAt":"2026-11-23T08:00:00.000Z",' +
        '"organizationId":"00000000-0000-4000-8000-000000000001","payload":{"after":{"code":"P1","lat":15,"name":"Plant 1"},"v":1},' +
        '"seq":1,"subjectId":"s1","subjectType":"site","type":"site.created"}',
    );
  });

  it('is SHA-256 over the previous hash followed by the canonical event, from a genesis of 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalEventJson(event))
      .digest('hex');
    expect(chainHash(GENESIS_HASH, event)).toBe(expected);
    expect(chainHash(GENESIS_HASH, event)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any hashed field or the previous hash changes', () => {
    const base = chainHash(GENESIS_HASH, event);
    expect(chainHash('1'.repeat(64), event)).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, payload: { v: 1, after: { name: 'Plant 2' } } })).not.toBe(base);
    expect(chainHash(GENESIS_HASH, { ...event, occurredAt: new Date('2026-11-23T08:00:00.001Z') })).not.toBe(base);
  });
});
