'use server';
// The notification centre's server actions, each one GraphQL mutation (the API checks access:admin
// and audits the change); the notifications and operations pages are rendered again.
import { field, mutate, type ActionState } from '../../lib/mutation';

const PAGES = ['/notifications', '/operations'];
const optional = (form: FormData, name: string) => field(form, name) || undefined;

export async function createChannel(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate(
    'mutation($i: NotificationChannelInput!) { createNotificationChannel(input: $i) { id } }',
    { i: { name: field(form, 'name'), kind: field(form, 'kind'), target: field(form, 'target') } },
    'Channel added.',
    PAGES,
  );
}

export async function createRule(_previous: ActionState, form: FormData): Promise<ActionState> {
  const minutes = field(form, 'escalateAfterMinutes');
  return mutate(
    'mutation($i: NotificationRuleInput!) { createNotificationRule(input: $i) { id } }',
    {
      i: {
        name: field(form, 'name'),
        eventKinds: form.getAll('eventKinds').map(String),
        minSeverity: field(form, 'minSeverity') || 'INFO',
        useCaseId: optional(form, 'useCaseId'),
        assetTypeId: optional(form, 'assetTypeId'),
        channelId: field(form, 'channelId'),
        escalateAfterMinutes: minutes ? Number(minutes) : undefined,
        escalationChannelId: optional(form, 'escalationChannelId'),
      },
    },
    'Rule added.',
    PAGES,
  );
}

export async function channelCommand(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = field(form, 'id');
  return field(form, 'decision') === 'test'
    ? mutate('mutation($id: ID!) { sendTestNotification(channelId: $id) { id } }', { id }, 'Test sent; see the delivery log on the operations page.', PAGES)
    : mutate('mutation($id: ID!) { deleteNotificationChannel(id: $id) { id } }', { id }, 'Channel deleted.', PAGES);
}

export async function ruleCommand(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = field(form, 'id');
  const decision = field(form, 'decision');
  if (decision === 'delete') return mutate('mutation($id: ID!) { deleteNotificationRule(id: $id) { id } }', { id }, 'Rule deleted.', PAGES);
  const enabled = decision === 'enable';
  return mutate(
    'mutation($id: ID!, $i: NotificationRuleUpdate!) { updateNotificationRule(id: $id, input: $i) { id } }',
    { id, i: { enabled } },
    enabled ? 'Rule enabled.' : 'Rule paused.',
    PAGES,
  );
}

export async function retryDelivery(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate('mutation($id: ID!) { retryNotificationDelivery(id: $id) { id } }', { id: field(form, 'id') }, 'Sent again.', PAGES);
}
