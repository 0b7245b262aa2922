'use server';
// An approver's decision on a promotion request, through the API (which checks model:promote and
// that the approver is not the requester); the models page is rendered again after it.
import { revalidatePath } from 'next/cache';
import { ApiError, graphql } from '../../lib/graphql';

export interface DecisionState {
  error: string | null;
  done: string | null;
}

export async function decidePromotion(_previous: DecisionState, form: FormData): Promise<DecisionState> {
  const approvalId = String(form.get('approvalId') ?? '');
  const approve = form.get('decision') === 'approve';
  try {
    await graphql('mutation($i: PromotionDecisionInput!) { decideModelPromotion(input: $i) { status } }', { i: { approvalId, approve } });
  } catch (error) {
    return { error: error instanceof ApiError ? error.message : 'The decision could not be recorded; try again.', done: null };
  }
  revalidatePath('/models');
  return { error: null, done: approve ? 'Approved: the champion moved.' : 'Rejected.' };
}
