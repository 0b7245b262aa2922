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
