'use client';
// Approve or reject a promotion request; shown only to people who may decide it.
import { useActionState } from 'react';
import { decidePromotion, type DecisionState } from './actions';

export function DecisionForm({ approvalId, label }: { approvalId: string; label: string }) {
  const [state, action, pending] = useActionState<DecisionState, FormData>(decidePromotion, { error: null, done: null });
  return (
    <form action={action} className="decision">
      <input type="hidden" name="approvalId" value={approvalId} />
      <button type="submit" name="decision" value="approve" disabled={pending} aria-label={`Approve ${label}`}>Approve</button>
      <button type="submit" name="decision" value="reject" disabled={pending} className="secondary" aria-label={`Reject ${label}`}>Reject</button>
      {state.error ? <p className="error" role="alert">{state.error}</p> : null}
      {state.done ? <p className="muted small" role="status">{state.done}</p> : null}
    </form>
  );
}
