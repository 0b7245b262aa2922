'use client';
// A small form of labelled fields posting to a server action (a shift, a holiday, a planned stop,
// a calculated signal); the API's answer (done or refused) is announced in place.
import { useActionState } from 'react';
import type { ActionState } from '../../lib/mutation';
import { ActionOutcome } from './action-form';

export interface FormField {
  name: string;
  label: string;
  type?: 'text' | 'time' | 'date' | 'datetime-local' | 'number' | 'textarea';
  required?: boolean;
  defaultValue?: string;
  placeholder?: string;
  maxLength?: number;
}

export function FieldsForm({
  action,
  label,
  hidden = {},
  fields,
  submit,
}: {
  action: (previous: ActionState, form: FormData) => Promise<ActionState>;
  label: string;
  hidden?: Record<string, string>;
  fields: FormField[];
  submit: string;
}) {
  const [state, dispatch, pending] = useActionState<ActionState, FormData>(action, { error: null, done: null });
  return (
    <form action={dispatch} className="filters" aria-label={label}>
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((f) => (
        <label key={f.name}>
          {f.label}{' '}
          {f.type === 'textarea' ? (
            <textarea name={f.name} required={f.required} defaultValue={f.defaultValue} placeholder={f.placeholder} rows={4} cols={60} />
          ) : (
            <input
              name={f.name}
              type={f.type ?? 'text'}
              required={f.required}
              defaultValue={f.defaultValue}
              placeholder={f.placeholder}
              maxLength={f.maxLength ?? 2000}
            />
          )}
        </label>
      ))}
      <button type="submit" disabled={pending}>
        {submit}
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}
