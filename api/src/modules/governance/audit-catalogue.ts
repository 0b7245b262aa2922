// The closed catalogue of audit event types. A type is never renamed or reused for another
// meaning; new ones are added and CATALOGUE_VERSION raised. Each payload carries `v`.
export const AUDIT_CATALOGUE_VERSION = 1;

export const AUDIT_SUBJECTS = [
  'organization', 'user', 'api_key', 'site', 'line', 'asset_type', 'asset_type_property', 'asset', 'signal',
  'use_case', 'kpi', 'kpi_measurement', 'cost_item', 'roi_snapshot', 'scaling_wave', 'wave_scope_item',
  'wave_gate', 'gate_decision', 'approval', 'squad', 'squad_member', 'okr', 'key_result', 'model',
  'model_version', 'edge_target', 'deployment', 'insight', 'incident', 'training_run', 'experiment',
  'review', 'certification',
] as const;

export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

export type AuditEventType =
  | `${AuditSubject}.created`
  | `${AuditSubject}.updated`
  | 'api_key.revoked'
  | 'user.signed_in';

export function isAuditEventType(value: string): value is AuditEventType {
  const [subject, verb] = value.split('.');
  if (value === 'api_key.revoked' || value === 'user.signed_in') return true;
  return (AUDIT_SUBJECTS as readonly string[]).includes(subject ?? '') && (verb === 'created' || verb === 'updated');
}
