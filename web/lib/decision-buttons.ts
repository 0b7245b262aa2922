// Approve and Reject for a request named `label`, as ActionForm buttons.
import type { ActionButton } from '../app/components/action-form';

export const decisionButtons = (label: string): ActionButton[] => [
  { value: 'approve', label: 'Approve', ariaLabel: `Approve ${label}` },
  { value: 'reject', label: 'Reject', ariaLabel: `Reject ${label}`, secondary: true },
];
