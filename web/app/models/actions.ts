'use server';
// An approver's decision on a promotion request, through the API (which checks model:promote and
// that the approver is not the requester); the models and governance pages are rendered again.
import { field, mutate, type ActionState } from '../../lib/mutation';

export async function decidePromotion(_previous: ActionState, form: FormData): Promise<ActionState> {
  const approve = field(form, 'decision') === 'approve';
  return mutate(
    'mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }',
    { i: { approvalId: field(form, 'approvalId'), approve } },
    approve ? 'Approved: the champion moved.' : 'Rejected.',
    ['/models', '/governance'],
  );
}
