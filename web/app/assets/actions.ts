'use server';
// Acknowledging an insight (operations:write): the API records who and when, and MTTA counts it.
import { field, mutate, type ActionState } from '../../lib/mutation';

export async function acknowledge(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate('mutation($id: ID!) { acknowledgeInsight(id: $id) { id } }', { id: field(form, 'insightId') }, 'Acknowledged.', [
    '/assets',
    '/',
    '/operations',
  ]);
}

/** Acknowledges an OPC UA condition on its server with the operator's comment (operations:write). */
export async function acknowledgeAlarm(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate(
    'mutation($i: AcknowledgeAlarmInput!) { acknowledgeAlarm(input: $i) { id } }',
    { i: { id: field(form, 'alarmId'), comment: field(form, 'comment') } },
    'Acknowledgement sent to the server.',
    ['/assets'],
  );
}

/** Creates a calculated signal on the asset, or changes one's expression (plant:write); the API checks it. */
export async function saveCalculatedSignal(_previous: ActionState, form: FormData): Promise<ActionState> {
  const id = field(form, 'signalId');
  const hold = field(form, 'holdSeconds');
  const common = {
    expression: field(form, 'expression'),
    ...(field(form, 'unit') ? { unit: field(form, 'unit') } : {}),
    ...(hold ? { holdSeconds: Number(hold) } : {}),
  };
  return id
    ? mutate('mutation($id: ID!, $i: SignalUpdate!) { updateSignal(id: $id, input: $i) { id } }', { id, i: common }, 'Expression saved.', ['/assets'])
    : mutate(
        'mutation($i: SignalInput!) { createSignal(input: $i) { id } }',
        { i: { ...common, assetId: field(form, 'assetId'), name: field(form, 'name'), dataType: 'NUMBER', sourceProtocol: 'CALCULATED', tags: [] } },
        'Calculated signal created: it computes from the next readings.',
        ['/assets'],
      );
}
