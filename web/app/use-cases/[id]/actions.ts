'use server';
// Advancing a wave from the use-case page: asking for a gate review (usecase:write) and deciding it
// (approval:decide, never the requester); the API refuses an approval while a gate fails.
import { field, mutate, type ActionState } from '../../../lib/mutation';

const PAGES = ['/use-cases', '/', '/governance'];

export async function requestAdvance(_previous: ActionState, form: FormData): Promise<ActionState> {
  return mutate(
    'mutation($i: WaveAdvanceRequestInput!) { requestWaveAdvance(input: $i) { id } }',
    { i: { waveId: field(form, 'waveId'), rationale: field(form, 'rationale') } },
    'Requested: an approver decides.',
    [`/use-cases/${field(form, 'useCaseId')}`, ...PAGES],
  );
}

export async function decideAdvance(_previous: ActionState, form: FormData): Promise<ActionState> {
  const approve = field(form, 'decision') === 'approve';
  return mutate(
    'mutation($i: WaveAdvanceDecisionInput!) { decideWaveAdvance(input: $i) { outcome } }',
    { i: { approvalId: field(form, 'approvalId'), approve, comment: field(form, 'comment') || null } },
    approve ? 'Approved: the next wave started.' : 'Held: the wave stays where it is.',
    [`/use-cases/${field(form, 'useCaseId')}`, ...PAGES],
  );
}
