// The closed catalogue of audit event types. A type is never renamed or reused for another
// meaning; new ones are added and CATALOGUE_VERSION raised. Each payload carries `v`.
export const AUDIT_CATALOGUE_VERSION = 4;

export const AUDIT_SUBJECTS = [
  'organization', 'user', 'api_key', 'site', 'line', 'asset_type', 'asset_type_property', 'asset', 'signal',
  'use_case', 'kpi', 'kpi_measurement', 'cost_item', 'roi_snapshot', 'scaling_wave', 'wave_scope_item',
  'wave_gate', 'gate_decision', 'approval', 'squad', 'squad_member', 'okr', 'key_result', 'model',
  'model_version', 'edge_target', 'deployment', 'insight', 'incident', 'training_run', 'experiment', 'drift_report',
  'review', 'certification',
] as const;

/** Events that are neither a creation nor an update. */
export const SPECIAL_EVENTS = [
  'api_key.revoked', 'user.signed_in', 'model_version.refused', 'model_version.retired', 'model_alias.moved',
  'deployment.retired', 'deployment.bundle_issued', 'experiment.started', 'experiment.ended',
  'wave_scope_item.removed', 'kpi_measurement.computed',
] as const;

export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

export type AuditEventType =
  | `${AuditSubject}.created`
  | `${AuditSubject}.updated`
  | (typeof SPECIAL_EVENTS)[number];
