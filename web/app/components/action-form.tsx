'use client';
// A decision or command as a small form posting to a server action: hidden ids, an optional note,
// one button per choice; the API's answer (done or refused) is announced in place. Rendered only
// for people whose permissions allow the action.
import { useActionState } from 'react';
import type { ActionState } from '../../lib/mutation';

export interface ActionButton {
  value: string;
  label: string;
  ariaLabel: string;
  secondary?: boolean;
}

export function ActionForm({
  action,
  hidden,
  buttons,
  note,
}: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  hidden: Record<string, string>;
  buttons: ActionButton[];
  note?: { name: string; label: string; required?: boolean };
}) {
  const [state, submit, pending] = useActionState<ActionState, FormData>(action, { error: null, done: null });
  return (
    <form action={submit} className="decision">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {note ? (
        <label className="note">
          {note.label} <input name={note.name} required={note.required} maxLength={2000} />
        </label>
      ) : null}
      {buttons.map((b) => (
        <button
          key={b.value}
          type="submit"
          name="decision"
          value={b.value}
          disabled={pending}
          className={b.secondary ? 'secondary' : undefined}
          aria-label={b.ariaLabel}
        >
          {b.label}
        </button>
      ))}
      <ActionOutcome state={state} />
    </form>
  );
}

/** The API's answer to a form: its refusal as an alert, or what was done. */
export function ActionOutcome({ state }: { state: ActionState }) {
  if (state.error)
    return (
      <p className="error" role="alert">
        {state.error}
      </p>
    );
  return state.done ? (
    <p className="muted small" role="status">
      {state.done}
    </p>
  ) : null;
}
