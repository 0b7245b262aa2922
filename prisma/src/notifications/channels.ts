// What a channel may point at: webhooks, Slack and Teams take an http(s) URL that is neither private
// nor loopback (notifications/network-guard.ts); e-mail takes up to 20 addresses. And the test
// message an administrator sends to see a channel work.
import type { BlockList } from 'node:net';
import type { NotificationChannelKind } from '../generated/prisma/enums.ts';
import { checkedAddress, DestinationRefused, urlProblem } from './network-guard.ts';
import type { NotificationEvent } from './catalogue.ts';

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+\.[^\s@,<>]+$/;
export const MAX_EMAIL_RECIPIENTS = 20;

/** Why the target does not suit the channel kind; null when it does. */
export async function channelTargetProblem(kind: NotificationChannelKind, target: string, allowed: BlockList): Promise<string | null> {
  if (kind === 'EMAIL') {
    const addresses = emailRecipients(target);
    if (addresses.length === 0 || addresses.length > MAX_EMAIL_RECIPIENTS)
      return `an e-mail channel names 1 to ${MAX_EMAIL_RECIPIENTS} addresses, comma-separated`;
    const bad = addresses.find((a) => !EMAIL.test(a));
    return bad ? `"${bad}" is not an e-mail address` : null;
  }
  const problem = urlProblem(target);
  if (problem) return `the URL ${problem}`;
  try {
    await checkedAddress(new URL(target), allowed);
    return null;
  } catch (error) {
    if (error instanceof DestinationRefused) return `the URL is refused: ${error.message}`;
    throw error;
  }
}

export function emailRecipients(target: string): string[] {
  return target
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
}

/** The message `sendTestNotification` sends through a channel. */
export function testEvent(organizationId: string, channel: { id: string; name: string }, requestedBy: string, at: Date): NotificationEvent {
  return {
    organizationId,
    kind: 'channel.test',
    key: `test:${channel.id}:${at.getTime()}`,
    subjectType: 'notification_channel',
    subjectId: channel.id,
    severity: 'INFO',
    title: `Test of the channel "${channel.name}"`,
    summary: `${requestedBy} sent this test to see that Threadline's notifications reach this channel.`,
    occurredAt: at.toISOString(),
    scope: { useCaseId: null, assetId: null, assetTypeId: null },
    link: '/notifications',
    facts: { channelId: channel.id },
  };
}
