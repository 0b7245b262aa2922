// A model's card, built from the thread: what it is for, the data it learnt from, its champion's
// metrics, its limits and owner (the Model Cards structure), its risk class in the EU AI Act's terms
// with the obligations that class carries, and its controls mapped to the NIST AI RMF functions
// (GOVERN, MAP, MEASURE, MANAGE), each MET or a GAP with the evidence found. Exported as JSON
// (the object itself) and Markdown (modelCardMarkdown).
import { versionDecision, type VersionDecision } from './version-decision.ts';
import type { RawSql } from '../sql.ts';
import { systemClock } from '../clock.ts';

export type RmfFunction = 'GOVERN' | 'MAP' | 'MEASURE' | 'MANAGE';

export interface RmfControl {
  function: RmfFunction;
  id: string;
  control: string;
  status: 'MET' | 'GAP';
  evidence: string;
}

export interface ModelCard {
  generatedAt: string;
  model: { id: string; name: string; task: string; description: string | null; useCase: string | null; assetType: string | null };
  owner: { name: string; email: string } | null;
  intendedUse: string | null;
  trainingData: { description: string | null; window: { from: string; to: string } | null; trigger: string | null; features: { name: string; unit: string }[] };
  metrics: { version: number; family: string; threshold: number; values: Record<string, unknown>; decision: VersionDecision | null } | null;
  limitations: string | null;
  riskClass: { class: string; meaning: string; obligations: string[] };
  nistAiRmf: RmfControl[];
  /** The differential privacy of the champion, else of the newest version, trained federated. */
  privacy: CardPrivacy | null;
}

export interface CardPrivacy {
  versionId: string;
  version: number;
  epsilon: number;
  delta: number;
  sites: string[];
  rounds: number;
  noiseMultiplier: number;
  clipNorm: number;
}

/** The EU AI Act's risk tiers, what each means and what it asks of a provider (abridged). */
export const EU_AI_ACT: Record<string, { meaning: string; obligations: string[] }> = {
  MINIMAL: { meaning: 'Minimal risk: no specific obligations under the AI Act.', obligations: ['Voluntary codes of conduct.'] },
  LIMITED: {
    meaning: 'Limited risk: transparency obligations.',
    obligations: ['Tell people they are interacting with or informed by an AI system.', 'Label AI-generated content.'],
  },
  HIGH: {
    meaning: 'High risk (e.g. safety components of machinery, Annex I/III): allowed with strict requirements.',
    obligations: [
      'Risk management system (Art. 9).',
      'Data governance (Art. 10).',
      'Technical documentation and record-keeping (Art. 11-12).',
      'Transparency to deployers (Art. 13).',
      'Human oversight (Art. 14).',
      'Accuracy, robustness and cybersecurity (Art. 15).',
      'Conformity assessment and registration.',
    ],
  },
  UNACCEPTABLE: { meaning: 'Unacceptable risk: prohibited practices (Art. 5); may not be placed on the market.', obligations: ['Do not deploy.'] },
};

interface CardRow {
  id: string;
  name: string;
  task: string;
  description: string | null;
  risk_class: string;
  policy: Record<string, unknown>;
  intended_use: string | null;
  training_data: string | null;
  limitations: string | null;
  use_case: string | null;
  asset_type: string | null;
  owner_name: string | null;
  owner_email: string | null;
  champion_id: string | null;
  version: number | null;
  family: string | null;
  threshold: number | null;
  metrics: Record<string, unknown> | null;
  feature_spec: { signals?: { name: string; unit: string }[] } | null;
  signature: string | null;
  previous_version_id: string | null;
  window_start: Date | null;
  window_end: Date | null;
  trigger: string | null;
  approvals: number;
  self_moves: number;
  drift_reports: number;
  live_deployments: number;
  fallback_deployments: number;
}

const text = (value: string | null) => (value && value.trim() !== '' ? value.trim() : null);

export async function buildModelCard(db: RawSql, organizationId: string, modelId: string, now: Date = systemClock.now()): Promise<ModelCard | null> {
  const [row] = await db.$queryRawUnsafe<CardRow[]>(
    `SELECT m.id, m.name, m.task::text, m.description, m.risk_class::text, m.policy, m.intended_use, m.training_data, m.limitations,
            u.name AS use_case, t.name AS asset_type, o.name AS owner_name, o.email AS owner_email,
            v.id AS champion_id, v.version, v.family, v.threshold, v.metrics, v.feature_spec, v.signature, al.previous_version_id,
            r.data_window_start_at AS window_start, r.data_window_end_at AS window_end, r.trigger::text AS trigger,
            (SELECT count(*)::int FROM approvals a JOIN model_versions mv ON mv.id = a.subject_id
              WHERE a.organization_id = m.organization_id AND a.subject_type = 'MODEL_PROMOTION' AND a.status = 'APPROVED' AND mv.model_id = m.id) AS approvals,
            (SELECT count(*)::int FROM approvals a JOIN model_versions mv ON mv.id = a.subject_id
              WHERE a.organization_id = m.organization_id AND a.subject_type = 'MODEL_PROMOTION' AND a.approver_id = a.requested_by_id AND mv.model_id = m.id) AS self_moves,
            (SELECT count(*)::int FROM drift_reports dr JOIN model_versions mv ON mv.id = dr.model_version_id
              WHERE dr.organization_id = m.organization_id AND mv.model_id = m.id AND dr.created_at > $3::timestamptz - interval '30 days') AS drift_reports,
            (SELECT count(*)::int FROM deployments d JOIN model_versions mv ON mv.id = d.model_version_id
              WHERE d.organization_id = m.organization_id AND mv.model_id = m.id AND d.status IN ('ACTIVE', 'FALLBACK')) AS live_deployments,
            (SELECT count(*)::int FROM deployments d JOIN model_versions mv ON mv.id = d.model_version_id JOIN edge_targets e ON e.id = d.edge_target_id
              WHERE d.organization_id = m.organization_id AND mv.model_id = m.id AND d.status IN ('ACTIVE', 'FALLBACK') AND e.fallback_rules <> '{}'::jsonb AND e.fallback_rules <> '[]'::jsonb) AS fallback_deployments
       FROM models m
       LEFT JOIN use_cases u ON u.organization_id = m.organization_id AND u.id = m.use_case_id
       LEFT JOIN asset_types t ON t.organization_id = m.organization_id AND t.id = m.asset_type_id
       LEFT JOIN users o ON o.organization_id = m.organization_id AND o.id = m.owner_id
       LEFT JOIN model_aliases al ON al.organization_id = m.organization_id AND al.model_id = m.id AND al.alias = 'champion'
       LEFT JOIN model_versions v ON v.organization_id = m.organization_id AND v.id = al.model_version_id
       LEFT JOIN training_runs r ON r.organization_id = v.organization_id AND r.id = v.training_run_id
      WHERE m.organization_id = $1::uuid AND m.id = $2::uuid`,
    organizationId,
    modelId,
    now,
  );
  if (!row) return null;
  const metrics = row.metrics ?? {};
  const policy = row.policy ?? {};
  const control = (fn: RmfFunction, id: string, name: string, met: boolean, evidence: string): RmfControl => ({
    function: fn,
    id,
    control: name,
    status: met ? 'MET' : 'GAP',
    evidence,
  });
  const nistAiRmf: RmfControl[] = [
    control(
      'GOVERN',
      'GOVERN 2.1',
      'An accountable owner is named',
      row.owner_email !== null,
      row.owner_email ? `Owner: ${row.owner_name} <${row.owner_email}>.` : 'No owner set on the model.',
    ),
    control(
      'GOVERN',
      'GOVERN 4.1',
      'Promotions are decided by someone other than who asked',
      row.self_moves === 0 && (row.approvals > 0 || policy.autoPromote === true),
      row.self_moves > 0
        ? `${row.self_moves} promotion(s) decided by their requester.`
        : row.approvals > 0
          ? `${row.approvals} promotion(s) approved by a second person.`
          : policy.autoPromote === true
            ? 'Automatic promotion by policy, above a stated margin.'
            : 'No approved promotion yet.',
    ),
    control('GOVERN', 'GOVERN 1.4', 'Decisions are kept in a tamper-evident record', true, 'Every change is an event in the hash-chained, signed audit trail.'),
    control('MAP', 'MAP 1.1', 'Intended use and context are documented', text(row.intended_use) !== null, text(row.intended_use) ?? 'No intended use written.'),
    control('MAP', 'MAP 4.1', 'Risks are classified', true, `EU AI Act class: ${row.risk_class}.`),
    control('MAP', 'MAP 2.2', 'Limits of the model are documented', text(row.limitations) !== null, text(row.limitations) ?? 'No limitations written.'),
    control(
      'MEASURE',
      'MEASURE 2.3',
      'Performance is measured on held-out data',
      row.champion_id !== null && Object.keys(metrics).length > 0,
      row.champion_id ? `Champion v${row.version}: ${Object.keys(metrics).slice(0, 6).join(', ') || 'no metrics'}.` : 'No champion version.',
    ),
    control('MEASURE', 'MEASURE 2.4', 'Drift is monitored in production', row.drift_reports > 0, `${row.drift_reports} drift report(s) in the last 30 days.`),
    control(
      'MANAGE',
      'MANAGE 2.2',
      'Only signed, verified artifacts are loaded',
      row.signature !== null,
      row.signature ? 'The champion carries an Ed25519 signature checked before every load.' : 'The champion is unsigned.',
    ),
    control(
      'MANAGE',
      'MANAGE 2.4',
      'Fail-safe behaviour and rollback exist',
      row.live_deployments === 0 || row.fallback_deployments > 0 || row.previous_version_id !== null,
      `${row.fallback_deployments} of ${row.live_deployments} live deployment(s) have fallback rules; ${row.previous_version_id ? 'the champion can be rolled back' : 'no earlier champion to roll back to'}.`,
    ),
    control(
      'MANAGE',
      'MANAGE 4.1',
      'Retraining is planned',
      policy.autoRetrain === true || typeof policy.retrainEveryHours === 'number',
      policy.autoRetrain === true
        ? 'Drift triggers retraining.'
        : typeof policy.retrainEveryHours === 'number'
          ? `Retrained every ${String(policy.retrainEveryHours)} h.`
          : 'No retraining rule in the policy.',
    ),
  ];
  return {
    privacy: await privacyOf(db, organizationId, modelId),
    generatedAt: now.toISOString(),
    model: { id: row.id, name: row.name, task: row.task, description: row.description, useCase: row.use_case, assetType: row.asset_type },
    owner: row.owner_email ? { name: row.owner_name!, email: row.owner_email } : null,
    intendedUse: text(row.intended_use),
    trainingData: {
      description: text(row.training_data),
      window: row.window_start && row.window_end ? { from: row.window_start.toISOString(), to: row.window_end.toISOString() } : null,
      trigger: row.trigger,
      features: (row.feature_spec?.signals ?? []).map((s) => ({ name: s.name, unit: s.unit })),
    },
    metrics: row.champion_id
      ? { version: row.version!, family: row.family!, threshold: row.threshold!, values: metrics, decision: versionDecision(metrics) }
      : null,
    limitations: text(row.limitations),
    riskClass: { class: row.risk_class, ...EU_AI_ACT[row.risk_class]! },
    nistAiRmf,
  };
}

/** The privacy a federated version spent: the champion's when it was trained so, else the newest such version's. */
async function privacyOf(db: RawSql, organizationId: string, modelId: string): Promise<CardPrivacy | null> {
  const [found] = await db.$queryRawUnsafe<
    { id: string; version: number; metrics: { privacy: { epsilon: number; delta: number }; federated?: Partial<Omit<CardPrivacy, 'epsilon' | 'delta'>> } }[]
  >(
    `SELECT v.id, v.version, v.metrics FROM model_versions v
       LEFT JOIN model_aliases al ON al.organization_id = v.organization_id AND al.model_id = v.model_id AND al.alias = 'champion' AND al.model_version_id = v.id
      WHERE v.organization_id = $1 AND v.model_id = $2::uuid AND v.metrics ? 'privacy'
      ORDER BY al.model_version_id IS NULL, v.version DESC LIMIT 1`,
    organizationId,
    modelId,
  );
  if (!found) return null;
  const { privacy, federated } = found.metrics;
  return {
    versionId: found.id,
    version: found.version,
    epsilon: privacy.epsilon,
    delta: privacy.delta,
    sites: federated?.sites ?? [],
    rounds: federated?.rounds ?? 0,
    noiseMultiplier: federated?.noiseMultiplier ?? 0,
    clipNorm: federated?.clipNorm ?? 0,
  };
}

const cell = (value: unknown) =>
  String(value ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ');

export function modelCardMarkdown(card: ModelCard): string {
  const lines = [
    `# Model card: ${card.model.name}`,
    '',
    `Task ${card.model.task}${card.model.useCase ? `, use case "${card.model.useCase}"` : ''}${card.model.assetType ? `, scores ${card.model.assetType} assets` : ''}. Generated ${card.generatedAt}.`,
    '',
    '## Owner',
    '',
    card.owner ? `${card.owner.name} <${card.owner.email}>` : '_Not set._',
    '',
    '## Intended use',
    '',
    card.intendedUse ?? '_Not documented._',
    '',
    '## Training data',
    '',
    card.trainingData.description ?? '_Not described._',
    '',
    ...(card.trainingData.window
      ? [`Champion trained on ${card.trainingData.window.from} – ${card.trainingData.window.to} (trigger ${card.trainingData.trigger}).`, '']
      : []),
    ...(card.trainingData.features.length > 0
      ? [`Signals: ${card.trainingData.features.map((f) => `${f.name} (${f.unit || 'no unit'})`).join(', ')}.`, '']
      : []),
    '## Metrics',
    '',
    ...(card.metrics
      ? [
          `Champion v${card.metrics.version} (${card.metrics.family}), threshold ${card.metrics.threshold}.`,
          '',
          ...decisionLines(card.metrics.decision),
          '| metric | value |',
          '| --- | --- |',
          ...Object.entries(card.metrics.values)
            .filter(([, v]) => typeof v === 'number')
            .map(([k, v]) => `| ${cell(k)} | ${Number(v).toFixed(4)} |`),
        ]
      : ['_No champion version._']),
    '',
    '## Privacy',
    '',
    card.privacy
      ? `v${card.privacy.version} was trained federated over ${card.privacy.sites.join(', ')} in ${card.privacy.rounds} rounds; no raw row left its site. Differential privacy (ε = ${card.privacy.epsilon.toFixed(2)}, δ = ${card.privacy.delta.toExponential()}), per row, by the Rényi DP accountant: gradients clipped to L2 norm ${card.privacy.clipNorm}, Gaussian noise multiplier ${card.privacy.noiseMultiplier}.`
      : '_Trained centrally; no differential privacy guarantee._',
    '',
    '## Limitations',
    '',
    card.limitations ?? '_Not documented._',
    '',
    '## EU AI Act',
    '',
    `Risk class **${card.riskClass.class}**: ${card.riskClass.meaning}`,
    '',
    ...card.riskClass.obligations.map((o) => `- ${o}`),
    '',
    '## NIST AI RMF',
    '',
    '| function | control | status | evidence |',
    '| --- | --- | --- | --- |',
    ...card.nistAiRmf.map((c) => `| ${c.function} | ${cell(`${c.id} ${c.control}`)} | ${c.status} | ${cell(c.evidence)} |`),
    '',
  ];
  return lines.join('\n');
}

/** The threshold rule, its source, the calibration and the validation figures, as the card states them. */
function decisionLines(decision: VersionDecision | null): string[] {
  if (!decision) return [];
  const v = decision.validation;
  const shown = (n: number | null) => (n === null ? '—' : n.toFixed(4));
  return [
    `Threshold set by ${decision.summary}${decision.calibration ? ` (a ${decision.calibration.a.toFixed(4)}, b ${decision.calibration.b.toFixed(4)})` : ''}.`,
    `On the validation slice (${v.windows ?? '—'} windows, ${v.positives ?? '—'} before a failure): AUC ${shown(v.auc)}, average precision ${shown(v.averagePrecision)}, precision ${shown(v.precision)}, recall ${shown(v.recall)}, F1 ${shown(v.f1)}, Brier ${shown(v.brier)}.`,
    '',
  ];
}
