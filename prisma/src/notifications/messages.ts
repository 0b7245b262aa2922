// What each kind of channel receives for an event: a webhook the event itself as JSON (signed),
// Slack a Block Kit message, Teams an Adaptive Card message, e-mail a subject with a plain-text and
// an HTML body. Links point at the portal (PORTAL_URL).
import type { JsonValue } from '../audit/audit-hash.ts';
import type { NotificationEvent } from './catalogue.ts';

export interface WebhookBody {
  id: string;
  type: string;
  occurredAt: string;
  severity: string;
  title: string;
  summary: string;
  subject: { type: string; id: string | null };
  scope: NotificationEvent['scope'];
  link: string | null;
  facts: Record<string, JsonValue>;
}

const linkOf = (event: NotificationEvent, portalUrl: string) => (event.link ? new URL(event.link, portalUrl).href : null);
const ICON = { INFO: 'ℹ️', WARNING: '⚠️', CRITICAL: '🚨' } as const;

/** The event as a webhook receives it; `id` is the delivery's, the same on every retry. */
export function webhookBody(deliveryId: string, event: NotificationEvent, portalUrl: string): WebhookBody {
  return {
    id: deliveryId,
    type: event.kind,
    occurredAt: event.occurredAt,
    severity: event.severity,
    title: event.title,
    summary: event.summary,
    subject: { type: event.subjectType, id: event.subjectId },
    scope: event.scope,
    link: linkOf(event, portalUrl),
    facts: event.facts,
  };
}

export function slackMessage(event: NotificationEvent, portalUrl: string): Record<string, unknown> {
  const link = linkOf(event, portalUrl);
  return {
    text: `${ICON[event.severity]} [${event.severity}] ${event.title}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: `${ICON[event.severity]} ${event.title}`.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: event.summary } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `*${event.severity}* · ${event.kind} · ${event.occurredAt}` }] },
      ...(link ? [{ type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Threadline' }, url: link }] }] : []),
    ],
  };
}

export function teamsMessage(event: NotificationEvent, portalUrl: string): Record<string, unknown> {
  const link = linkOf(event, portalUrl);
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: event.title, weight: 'Bolder', size: 'Medium', wrap: true, color: event.severity === 'INFO' ? 'Default' : 'Attention' },
            { type: 'TextBlock', text: event.summary, wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Severity', value: event.severity },
                { title: 'Event', value: event.kind },
                { title: 'When', value: event.occurredAt },
              ],
            },
          ],
          actions: link ? [{ type: 'Action.OpenUrl', title: 'Open in Threadline', url: link }] : [],
        },
      },
    ],
  };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function emailMessage(event: NotificationEvent, portalUrl: string): { subject: string; text: string; html: string } {
  const link = linkOf(event, portalUrl);
  const subject = `[Threadline] [${event.severity}] ${event.title}`.replace(/[\r\n]+/g, ' ');
  const text = [event.summary, '', `Severity: ${event.severity}`, `Event: ${event.kind}`, `When: ${event.occurredAt}`, ...(link ? ['', link] : [])].join('\n');
  const html = [
    `<h2>${escapeHtml(event.title)}</h2>`,
    `<p>${escapeHtml(event.summary)}</p>`,
    `<p><strong>${escapeHtml(event.severity)}</strong> · ${escapeHtml(event.kind)} · ${escapeHtml(event.occurredAt)}</p>`,
    ...(link ? [`<p><a href="${escapeHtml(link)}">Open in Threadline</a></p>`] : []),
  ].join('\n');
  return { subject, text, html };
}
