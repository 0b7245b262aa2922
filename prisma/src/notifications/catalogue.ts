// What the notification centre tells people about: the kinds a rule may choose, the escalation of
// an insight left unacknowledged, and the shape every event has on its way to a channel.
import type { JsonValue } from '../audit/audit-hash.ts';
import type { Severity } from '../generated/prisma/enums.ts';

/** The kinds a rule may send (the notification_rules_event_kinds_check constraint lists the same). */
export const RULE_EVENT_KINDS = [
  'insight.raised',
  'drift.detected',
  'retraining.done',
  'promotion.requested',
  'promotion.decided',
  'gate_review.requested',
  'audit.chain_broken',
] as const;

export type RuleEventKind = (typeof RULE_EVENT_KINDS)[number];
/** Besides the rules' kinds: an insight no one acknowledged within a rule's escalation time, sent on to its next contact, and an administrator's test of a channel. */
export type NotificationKind = RuleEventKind | 'insight.escalated' | 'channel.test';

export const SEVERITY_RANK: Record<Severity, number> = { INFO: 0, WARNING: 1, CRITICAL: 2 };

export interface NotificationScope {
  useCaseId: string | null;
  assetId: string | null;
  assetTypeId: string | null;
}

export interface NotificationEvent {
  organizationId: string;
  kind: NotificationKind;
  /** The same event always has the same key: a channel gets it once. */
  key: string;
  subjectType: string;
  subjectId: string | null;
  severity: Severity;
  title: string;
  /** What happened, in a sentence or two. */
  summary: string;
  occurredAt: string;
  scope: NotificationScope;
  /** The portal page about it, as a path. */
  link: string | null;
  /** Facts a receiving system may act on (ids, codes, figures). */
  facts: Record<string, JsonValue>;
}
