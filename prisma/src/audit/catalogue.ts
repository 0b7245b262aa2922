// The closed catalogue of audit event types: every event's name, payload schema and version. A
// type is never renamed or reused for another meaning; a changed payload raises its version.
// appendAuditEvent (audit-log.ts) takes only a type from here (a misspelt one does not compile),
// checks the payload against the type's schema before anything is written and stamps its version
// as `v`. Created and updated events carry the row (created) or its changes as { field: [before,
// after] } (updated); the special events below carry what their schema names.
import { z } from 'zod';
import type { JsonValue } from './audit-hash.ts';

/** Raised with the catalogue: every payload written from version 5 on has its type's version. */
export const AUDIT_CATALOGUE_VERSION = 5;

export const AUDIT_SUBJECTS = [
  'organization',
  'user',
  'api_key',
  'site',
  'line',
  'asset_type',
  'asset_type_property',
  'asset',
  'signal',
  'use_case',
  'kpi',
  'kpi_measurement',
  'cost_item',
  'roi_snapshot',
  'scaling_wave',
  'wave_scope_item',
  'wave_gate',
  'gate_decision',
  'approval',
  'squad',
  'squad_member',
  'okr',
  'key_result',
  'model',
  'model_version',
  'edge_target',
  'deployment',
  'edge_rollout',
  'device_identity',
  'frame',
  'insight',
  'incident',
  'training_run',
  'dataset',
  'backtest',
  'experiment',
  'drift_report',
  'review',
  'certification',
  'notification_channel',
  'notification_rule',
  'notification_delivery',
  'bi_reader',
  'shift',
  'site_holiday',
  'planned_stop',
  'alarm_condition',
] as const;

export type AuditSubject = (typeof AUDIT_SUBJECTS)[number];

/** Subjects whose rows an integrator may delete and restore (prisma/src/deleted-records.ts). */
export const DELETABLE_SUBJECTS = [
  'site',
  'line',
  'asset_type',
  'asset_type_property',
  'asset',
  'signal',
  'use_case',
  'kpi',
  'cost_item',
  'squad',
  'okr',
  'key_result',
  'model',
  'edge_target',
  'notification_channel',
  'notification_rule',
] as const satisfies readonly AuditSubject[];

export type DeletableSubject = (typeof DELETABLE_SUBJECTS)[number];

const json: z.ZodType<JsonValue> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(json), z.record(z.string(), json)]));
const id = z.string().min(1);
const nullableId = id.nullable();
/** A row or a set of changes: any JSON object. */
const fields = z.record(z.string(), json);
/** Named keys, plus the evidence a decision carries along. */
const withEvidence = <T extends z.ZodRawShape>(shape: T) => z.object(shape).catchall(json);

/** Events that are neither a creation nor an update, with their payloads. */
const SPECIAL_PAYLOADS = {
  'api_key.revoked': z.object({ name: z.string() }),
  'user.signed_in': z.object({}),
  'user.sign_in_failed': z.object({ reason: z.enum(['wrong_password', 'disabled']), sourceAddress: z.string().nullable(), failures: z.number().int() }),
  'user.signed_out': z.object({ sessionId: id }),
  'bi_reader.deleted': z.object({ roleName: z.string() }),
  'asset_type.draft_saved': z.object({ version: z.number().int(), revision: z.number().int(), properties: z.array(z.string()) }),
  'asset_type.draft_discarded': z.object({}),
  'asset_type.version_activated': z.object({
    version: z.number().int(),
    replaces: z.number().int(),
    added: z.array(z.string()),
    changed: z.array(z.string()),
    removed: z.array(z.string()),
  }),
  'user.signed_in_with_sso': z.object({ issuer: z.string(), groups: z.array(z.string()), role: z.string(), provisioned: z.boolean() }),
  'model_version.refused': z.object({ deploymentId: id, reason: z.string(), fallback: z.string() }),
  'model_version.retired': z.object({ version: z.number().int() }),
  'model_alias.moved': withEvidence({ alias: z.string(), from: nullableId, to: id, deploymentsMoved: z.array(id) }),
  'deployment.retired': z.object({}),
  'deployment.bundle_issued': z.object({ versionId: id, sha256: z.string(), edgeTarget: z.string() }),
  'edge_rollout.rolled_back': withEvidence({ deploymentId: id, reason: z.string(), rolledBack: z.array(id) }),
  'experiment.started': withEvidence({ modelId: id, kind: z.string(), trafficShare: z.number(), metric: z.string() }),
  'experiment.ended': withEvidence({ status: z.string(), decision: z.string().nullable(), reason: z.string().nullable(), result: json }),
  'wave_scope_item.removed': z.object({ waveId: id, assetId: nullableId, lineId: nullableId, siteId: nullableId }),
  'training_run.aggregated': withEvidence({
    sites: z.array(z.string()),
    rounds: z.number().int(),
    stopReason: z.enum(['BUDGET', 'MAX_ROUNDS']),
    epsilon: z.number(),
    delta: z.number(),
  }),
  'shift.removed': z.object({ before: fields }),
  'site_holiday.removed': z.object({ before: fields }),
  'planned_stop.removed': z.object({ before: fields }),
  'alarm_condition.acknowledgement_requested': z.object({ conditionId: z.string(), eventId: z.string(), comment: z.string() }),
  'alarm_condition.acknowledgement_sent': z.object({ status: z.string() }),
  'signal.telemetry_corrected': z.object({ points: z.number().int(), from: z.string(), to: z.string(), reason: z.string() }),
  'signal.recalculated': z.object({ from: z.string(), to: z.string(), changed: z.number().int() }),
  'kpi_measurement.computed': z.object({ kind: z.string(), days: z.number().int(), from: z.string(), to: z.string() }),
} as const;

export const SPECIAL_EVENTS = Object.keys(SPECIAL_PAYLOADS) as (keyof typeof SPECIAL_PAYLOADS)[];

export type AuditEventType =
  `${AuditSubject}.created` | `${AuditSubject}.updated` | `${DeletableSubject}.deleted` | `${DeletableSubject}.restored` | keyof typeof SPECIAL_PAYLOADS;

export interface AuditEventDefinition {
  version: number;
  payload: z.ZodType<Record<string, JsonValue>>;
}

/** Creations and updates whose payloads have a shape of their own. */
const SHAPED_PAYLOADS: Partial<Record<AuditEventType, z.ZodType<Record<string, JsonValue>>>> = {
  'approval.created': withEvidence({ subject: z.enum(['GATE_DECISION', 'MODEL_PROMOTION']) }),
  'approval.updated': withEvidence({ status: z.enum(['APPROVED', 'REJECTED']), comment: z.string().nullable() }),
  'gate_decision.created': withEvidence({ waveId: id, outcome: z.enum(['ADVANCE', 'HOLD']), approvalId: id, rationale: z.string() }),
  'edge_rollout.created': withEvidence({ modelId: id, versionId: id, canaryShare: z.number(), targets: z.number().int(), canaries: z.array(id) }),
  'edge_rollout.updated': withEvidence({ deploymentId: id, step: z.string(), status: z.string() }),
  'insight.created': withEvidence({ assetId: id, source: z.string(), severity: z.string(), title: z.string(), modelVersionId: nullableId }),
  'drift_report.created': withEvidence({
    driftReportId: id,
    deploymentId: id,
    drifting: z.boolean(),
    driftingShare: z.number(),
    driftingFeatures: z.array(z.string()),
  }),
  'training_run.updated': withEvidence({ status: z.enum(['SUCCEEDED', 'FAILED']) }),
  'dataset.created': withEvidence({ name: z.string(), rows: z.number().int(), positives: z.number().int(), sha256: z.string() }),
  'backtest.created': withEvidence({ modelVersionId: nullableId, datasetId: nullableId, from: z.string().nullable(), to: z.string().nullable() }),
  'backtest.updated': withEvidence({ status: z.enum(['SUCCEEDED', 'FAILED']) }),
};

export const AUDIT_CATALOGUE: ReadonlyMap<AuditEventType, AuditEventDefinition> = new Map<AuditEventType, AuditEventDefinition>([
  ...AUDIT_SUBJECTS.flatMap((subject) =>
    (['created', 'updated'] as const).map((verb): [AuditEventType, AuditEventDefinition] => {
      const type: AuditEventType = `${subject}.${verb}`;
      return [type, { version: AUDIT_CATALOGUE_VERSION, payload: SHAPED_PAYLOADS[type] ?? fields }];
    }),
  ),
  ...DELETABLE_SUBJECTS.flatMap((subject): [AuditEventType, AuditEventDefinition][] => [
    [`${subject}.deleted`, { version: AUDIT_CATALOGUE_VERSION, payload: z.object({ before: fields, deletedRecordId: id }) }],
    [`${subject}.restored`, { version: AUDIT_CATALOGUE_VERSION, payload: z.object({ deletedRecordId: id }) }],
  ]),
  ...Object.entries(SPECIAL_PAYLOADS).map(([type, payload]): [AuditEventType, AuditEventDefinition] => [
    type as AuditEventType,
    { version: AUDIT_CATALOGUE_VERSION, payload: payload as z.ZodType<Record<string, JsonValue>> },
  ]),
]);

/** The payload as stored: checked against the type's schema and stamped with its version; throws on a type or payload the catalogue does not allow. */
export function catalogued(type: string, payload: Record<string, JsonValue>): Record<string, JsonValue> {
  const definition = AUDIT_CATALOGUE.get(type as AuditEventType);
  if (!definition) throw new Error(`Audit event type ${type} is not in the catalogue (prisma/src/audit/catalogue.ts).`);
  const checked = definition.payload.safeParse(payload);
  if (!checked.success)
    throw new Error(
      `The payload of audit event ${type} does not fit its catalogue entry: ${checked.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`,
    );
  return { ...payload, v: definition.version };
}
