'use client';
// The forms that add a notification channel and a rule; the API's answer is announced in place.
import { useActionState } from 'react';
import type { ActionState } from '../../lib/mutation';
import { createChannel, createRule } from './actions';
import { ActionOutcome } from '../components/action-form';

export interface Choice {
  id: string;
  name: string;
}

export const EVENT_KINDS: Record<string, string> = {
  'insight.raised': 'Insight raised',
  'drift.detected': 'Drift detected',
  'retraining.done': 'Retraining done',
  'promotion.requested': 'Promotion requested',
  'promotion.decided': 'Promotion decided',
  'gate_review.requested': 'Gate review requested',
  'audit.chain_broken': 'Audit chain broken',
};

export function ChannelForm() {
  const [state, submit, pending] = useActionState<ActionState, FormData>(createChannel, { error: null, done: null });
  return (
    <form action={submit} className="filters" aria-label="Add a channel">
      <label>
        Name <input name="name" required maxLength={80} />
      </label>
      <label>
        Kind
        <select name="kind" defaultValue="WEBHOOK">
          <option value="WEBHOOK">Signed webhook</option>
          <option value="EMAIL">E-mail</option>
          <option value="SLACK">Slack</option>
          <option value="TEAMS">Teams</option>
        </select>
      </label>
      <label>
        URL or e-mail addresses <input name="target" required maxLength={2000} size={40} />
      </label>
      <button type="submit" disabled={pending}>
        Add channel
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}

export function RuleForm({ channels, useCases, assetTypes }: { channels: Choice[]; useCases: Choice[]; assetTypes: Choice[] }) {
  const [state, submit, pending] = useActionState<ActionState, FormData>(createRule, { error: null, done: null });
  return (
    <form action={submit} className="filters" aria-label="Add a rule">
      <label>
        Name <input name="name" required maxLength={80} />
      </label>
      <fieldset>
        <legend>Events</legend>
        {Object.entries(EVENT_KINDS).map(([kind, label]) => (
          <label key={kind} className="inline">
            <input type="checkbox" name="eventKinds" value={kind} /> {label}
          </label>
        ))}
      </fieldset>
      <label>
        At least
        <select name="minSeverity" defaultValue="INFO">
          <option value="INFO">Info</option>
          <option value="WARNING">Warning</option>
          <option value="CRITICAL">Critical</option>
        </select>
      </label>
      <Pick label="Use case" name="useCaseId" choices={useCases} none="Any" />
      <Pick label="Asset type" name="assetTypeId" choices={assetTypes} none="Any" />
      <Pick label="Send to" name="channelId" choices={channels} none="Choose a channel" required />
      <label>
        Escalate after (min) <input name="escalateAfterMinutes" type="number" min="0.05" step="any" />
      </label>
      <Pick label="Escalate to" name="escalationChannelId" choices={channels} none="No one" />
      <button type="submit" disabled={pending}>
        Add rule
      </button>
      <ActionOutcome state={state} />
    </form>
  );
}

/** A labelled choice among records by id; `none` is the empty choice (a prompt when required). */
function Pick({ label, name, choices, none, required = false }: { label: string; name: string; choices: Choice[]; none: string; required?: boolean }) {
  return (
    <label>
      {label}
      <select name={name} required={required} defaultValue="">
        <option value="" disabled={required}>
          {none}
        </option>
        {choices.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
