// The ISO/IEC 27001:2022 Annex A control map of an organisation, for auditors (the compliance
// export): all 93 controls by theme, each MET or GAP with its evidence, as the model card maps
// NIST AI RMF. A control is MET only where the thread holds the evidence (roles, scoped and
// expiring keys, the signed audit chain, incidents, reviews, certifications, signed models,
// retention, federated training); the organisational, people and physical controls that an ISMS
// provides outside the product are GAP with what the product contributes, so the map never
// claims what it cannot see.
import type { RawSql } from '../sql.ts';
import { row } from '../sql.ts';

export type AnnexTheme = 'ORGANIZATIONAL' | 'PEOPLE' | 'PHYSICAL' | 'TECHNOLOGICAL';

export interface AnnexControl {
  id: string;
  theme: AnnexTheme;
  control: string;
  status: 'MET' | 'GAP';
  evidence: string;
}

export interface Iso27001Map {
  standard: 'ISO/IEC 27001:2022 Annex A';
  generatedAt: string;
  met: number;
  gap: number;
  controls: AnnexControl[];
}

/** What the thread holds that bears on the controls. */
export interface SecurityFacts {
  roles: number;
  users: number;
  admins: number;
  apiKeys: number;
  expiringKeys: number;
  revokedKeys: number;
  auditEvents: number;
  auditCheckpoints: number;
  approvals: number;
  selfDecided: number;
  incidents: number;
  resolvedIncidents: number;
  reviews: number;
  infraReviews: number;
  certifications: number;
  signedVersions: number;
  versions: number;
  signingKeys: number;
  deviceIdentities: number;
  edgeTargetsWithKeys: number;
  edgeTargets: number;
  federatedModels: number;
  privateVersions: number;
  deletedRecords: number;
  assets: number;
}

const THEMES: [prefix: string, theme: AnnexTheme][] = [
  ['5.', 'ORGANIZATIONAL'],
  ['6.', 'PEOPLE'],
  ['7.', 'PHYSICAL'],
  ['8.', 'TECHNOLOGICAL'],
];

/** Annex A's 93 controls, by number and title. */
export const ANNEX_A: readonly [id: string, title: string][] = [
  ['5.1', 'Policies for information security'],
  ['5.2', 'Information security roles and responsibilities'],
  ['5.3', 'Segregation of duties'],
  ['5.4', 'Management responsibilities'],
  ['5.5', 'Contact with authorities'],
  ['5.6', 'Contact with special interest groups'],
  ['5.7', 'Threat intelligence'],
  ['5.8', 'Information security in project management'],
  ['5.9', 'Inventory of information and other associated assets'],
  ['5.10', 'Acceptable use of information and other associated assets'],
  ['5.11', 'Return of assets'],
  ['5.12', 'Classification of information'],
  ['5.13', 'Labelling of information'],
  ['5.14', 'Information transfer'],
  ['5.15', 'Access control'],
  ['5.16', 'Identity management'],
  ['5.17', 'Authentication information'],
  ['5.18', 'Access rights'],
  ['5.19', 'Information security in supplier relationships'],
  ['5.20', 'Addressing information security within supplier agreements'],
  ['5.21', 'Managing information security in the ICT supply chain'],
  ['5.22', 'Monitoring, review and change management of supplier services'],
  ['5.23', 'Information security for use of cloud services'],
  ['5.24', 'Information security incident management planning and preparation'],
  ['5.25', 'Assessment and decision on information security events'],
  ['5.26', 'Response to information security incidents'],
  ['5.27', 'Learning from information security incidents'],
  ['5.28', 'Collection of evidence'],
  ['5.29', 'Information security during disruption'],
  ['5.30', 'ICT readiness for business continuity'],
  ['5.31', 'Legal, statutory, regulatory and contractual requirements'],
  ['5.32', 'Intellectual property rights'],
  ['5.33', 'Protection of records'],
  ['5.34', 'Privacy and protection of PII'],
  ['5.35', 'Independent review of information security'],
  ['5.36', 'Compliance with policies, rules and standards for information security'],
  ['5.37', 'Documented operating procedures'],
  ['6.1', 'Screening'],
  ['6.2', 'Terms and conditions of employment'],
  ['6.3', 'Information security awareness, education and training'],
  ['6.4', 'Disciplinary process'],
  ['6.5', 'Responsibilities after termination or change of employment'],
  ['6.6', 'Confidentiality or non-disclosure agreements'],
  ['6.7', 'Remote working'],
  ['6.8', 'Information security event reporting'],
  ['7.1', 'Physical security perimeters'],
  ['7.2', 'Physical entry'],
  ['7.3', 'Securing offices, rooms and facilities'],
  ['7.4', 'Physical security monitoring'],
  ['7.5', 'Protecting against physical and environmental threats'],
  ['7.6', 'Working in secure areas'],
  ['7.7', 'Clear desk and clear screen'],
  ['7.8', 'Equipment siting and protection'],
  ['7.9', 'Security of assets off-premises'],
  ['7.10', 'Storage media'],
  ['7.11', 'Supporting utilities'],
  ['7.12', 'Cabling security'],
  ['7.13', 'Equipment maintenance'],
  ['7.14', 'Secure disposal or re-use of equipment'],
  ['8.1', 'User end point devices'],
  ['8.2', 'Privileged access rights'],
  ['8.3', 'Information access restriction'],
  ['8.4', 'Access to source code'],
  ['8.5', 'Secure authentication'],
  ['8.6', 'Capacity management'],
  ['8.7', 'Protection against malware'],
  ['8.8', 'Management of technical vulnerabilities'],
  ['8.9', 'Configuration management'],
  ['8.10', 'Information deletion'],
  ['8.11', 'Data masking'],
  ['8.12', 'Data leakage prevention'],
  ['8.13', 'Information backup'],
  ['8.14', 'Redundancy of information processing facilities'],
  ['8.15', 'Logging'],
  ['8.16', 'Monitoring activities'],
  ['8.17', 'Clock synchronization'],
  ['8.18', 'Use of privileged utility programs'],
  ['8.19', 'Installation of software on operational systems'],
  ['8.20', 'Networks security'],
  ['8.21', 'Security of network services'],
  ['8.22', 'Segregation of networks'],
  ['8.23', 'Web filtering'],
  ['8.24', 'Use of cryptography'],
  ['8.25', 'Secure development life cycle'],
  ['8.26', 'Application security requirements'],
  ['8.27', 'Secure system architecture and engineering principles'],
  ['8.28', 'Secure coding'],
  ['8.29', 'Security testing in development and acceptance'],
  ['8.30', 'Outsourced development'],
  ['8.31', 'Separation of development, test and production environments'],
  ['8.32', 'Change management'],
  ['8.33', 'Test information'],
  ['8.34', 'Protection of information systems during audit testing'],
];

type Judge = (f: SecurityFacts) => [met: boolean, evidence: string];

/** The controls the thread holds evidence for; every other control is GAP with OUTSIDE. */
const JUDGED: Record<string, Judge> = {
  '5.2': (f) => [
    f.roles >= 3,
    `${f.users} people hold ${f.roles} distinct roles (viewer, engineer, data scientist, approver, admin), each mapped to permissions.`,
  ],
  '5.3': (f) => [
    f.selfDecided === 0,
    f.selfDecided === 0
      ? `Four eyes: ${f.approvals} approval(s), none decided by its requester (the API refuses it).`
      : `${f.selfDecided} approval(s) decided by their requester.`,
  ],
  '5.9': (f) => [
    f.assets > 0,
    `${f.assets} assets in the site > line > asset hierarchy, typed, with their signals; ${f.versions} model versions in the registry.`,
  ],
  '5.15': (f) => [
    f.users > 0,
    'Every GraphQL operation and REST route is authorised by permission (a schema walk in the tests proves none is open); tenants are isolated by organisation.',
  ],
  '5.16': (f) => [
    f.deviceIdentities > 0 || f.edgeTargetsWithKeys > 0,
    `${f.users} named users; ${f.deviceIdentities} device identit(ies) with certificates; ${f.edgeTargetsWithKeys} of ${f.edgeTargets} edge target(s) with a public key.`,
  ],
  '5.17': () => [true, 'Passwords stored as scrypt hashes, API key secrets as SHA-256 only, sessions expire; failed sign-ins are counted and slowed.'],
  '5.18': (f) => [
    f.expiringKeys > 0 || f.revokedKeys > 0,
    `${f.apiKeys} API key(s) with scopes; ${f.expiringKeys} expiring, ${f.revokedKeys} revoked; every grant and revocation is an audit event.`,
  ],
  '5.24': (f) => [f.incidents > 0, `${f.incidents} incident(s) recorded with cause and downtime; AI-related ones are flagged.`],
  '5.26': (f) => [f.resolvedIncidents > 0, `${f.resolvedIncidents} of ${f.incidents} incident(s) closed, with their timeline on the record.`],
  '5.27': (f) => [f.reviews > 0, `${f.reviews} review(s) held in the review rhythm (model performance, infrastructure health, maturity).`],
  '5.28': (f) => [
    f.auditEvents > 0,
    `${f.auditEvents} hash-chained audit events (${f.auditCheckpoints} signed checkpoints), exported as CSV or JSON with everything the hash covers; \`npm run audit:verify\` checks an export offline.`,
  ],
  '5.33': (f) => [f.auditEvents > 0, 'The audit table refuses UPDATE and DELETE; deletions of records keep the record (restorable) and are audited.'],
  '5.34': (f) => [
    f.federatedModels > 0,
    f.federatedModels > 0
      ? `${f.federatedModels} model(s) keep raw site data on site (federated training); ${f.privateVersions} version(s) carry a differential-privacy guarantee (ε, δ).`
      : 'No model keeps raw data on site yet; set policy.federated for models trained on sensitive data.',
  ],
  '5.35': (f) => [f.infraReviews > 0, `${f.infraReviews} infrastructure-health review(s) held.`],
  '6.3': (f) => [f.certifications > 0, `${f.certifications} operator certification(s) recorded, with expiry.`],
  '8.1': (f) => [
    f.deviceIdentities > 0,
    `${f.deviceIdentities} device identit(ies): each gateway proves a certificate from the organisation's device authority before it publishes.`,
  ],
  '8.2': (f) => [f.admins > 0 && f.admins < f.users, `${f.admins} of ${f.users} people are administrators; scopes limit API keys to what they need.`],
  '8.3': () => [true, 'Row-level scoping by organisation in every query; reads are budgeted per caller.'],
  '8.5': () => [
    true,
    'Sign-in with hashed passwords and expiring sessions, failed sign-ins locked out for a while; API keys and device certificates for machines.',
  ],
  '8.10': (f) => [
    true,
    `Retention rules drop telemetry partitions and frames past their age; ${f.deletedRecords} deleted record(s) kept restorable until purged.`,
  ],
  '8.11': (f) => [f.privateVersions > 0, `${f.privateVersions} version(s) trained only on clipped, noised site updates (differential privacy).`],
  '8.12': (f) => [f.federatedModels > 0, `${f.federatedModels} federated model(s): their sites' rows are refused central training and never leave the site.`],
  '8.15': (f) => [
    f.auditEvents > 0,
    `${f.auditEvents} audit events, SHA-256 chained from a zero genesis, checkpoints Ed25519-signed; logs are structured JSON.`,
  ],
  '8.16': () => [true, 'Drift per deployment, edge heartbeats, queue and outbox health, and pipeline metrics (Prometheus) are watched.'],
  '8.19': (f) => [
    f.signedVersions === f.versions,
    `${f.signedVersions} of ${f.versions} model versions signed (Ed25519 over model, version and sha256), checked before any load; edge updates roll out by canary.`,
  ],
  '8.24': (f) => [
    f.signingKeys > 0,
    `${f.signingKeys} model signing key(s) published; Ed25519 for models, bundles and audit checkpoints; SHA-256 for the chain.`,
  ],
  '8.25': () => [true, 'Strict TypeScript, lint, and the test suite (hostile input, tenant isolation, fuzzing of mutations) run on every change.'],
  '8.26': () => [true, 'Inputs are validated with typed errors; request bodies are capped before they are read; query cost and depth are limited.'],
  '8.29': () => [
    true,
    'Security tests (error leakage, rate limits, body limits, tenant isolation) run with the suite against real PostgreSQL, Redis and MQTT.',
  ],
  '8.32': (f) => [f.approvals > 0, `${f.approvals} approval(s) gate promotions and wave advances; every change is audited.`],
};

const OUTSIDE = 'Outside the product: the organisation’s ISMS provides it (policy, procedure, contract or physical measure).';

export function iso27001Map(facts: SecurityFacts, now: Date): Iso27001Map {
  const controls = ANNEX_A.map(([id, control]): AnnexControl => {
    const theme = THEMES.find(([prefix]) => id.startsWith(prefix))![1];
    const judge = JUDGED[id];
    if (!judge) return { id, theme, control, status: 'GAP', evidence: OUTSIDE };
    const [met, evidence] = judge(facts);
    return { id, theme, control, status: met ? 'MET' : 'GAP', evidence };
  });
  const met = controls.filter((c) => c.status === 'MET').length;
  return { standard: 'ISO/IEC 27001:2022 Annex A', generatedAt: now.toISOString(), met, gap: controls.length - met, controls };
}

export async function securityFacts(db: RawSql, organizationId: string): Promise<SecurityFacts> {
  const facts = await row<SecurityFacts>(
    db,
    `SELECT (SELECT count(DISTINCT role) FROM users WHERE organization_id = $1)::int AS roles,
            (SELECT count(*) FROM users WHERE organization_id = $1)::int AS users,
            (SELECT count(*) FROM users WHERE organization_id = $1 AND role = 'ADMIN')::int AS admins,
            (SELECT count(*) FROM api_keys WHERE organization_id = $1)::int AS "apiKeys",
            (SELECT count(*) FROM api_keys WHERE organization_id = $1 AND expires_at IS NOT NULL)::int AS "expiringKeys",
            (SELECT count(*) FROM api_keys WHERE organization_id = $1 AND revoked_at IS NOT NULL)::int AS "revokedKeys",
            (SELECT count(*) FROM audit_events WHERE organization_id = $1)::int AS "auditEvents",
            (SELECT count(*) FROM audit_checkpoints WHERE organization_id = $1)::int AS "auditCheckpoints",
            (SELECT count(*) FROM approvals WHERE organization_id = $1 AND status <> 'PENDING')::int AS approvals,
            (SELECT count(*) FROM approvals WHERE organization_id = $1 AND status <> 'PENDING' AND approver_id = requested_by_id)::int AS "selfDecided",
            (SELECT count(*) FROM incidents WHERE organization_id = $1)::int AS incidents,
            (SELECT count(*) FROM incidents WHERE organization_id = $1 AND ended_at IS NOT NULL)::int AS "resolvedIncidents",
            (SELECT count(*) FROM reviews WHERE organization_id = $1 AND status = 'DONE')::int AS reviews,
            (SELECT count(*) FROM reviews WHERE organization_id = $1 AND status = 'DONE' AND kind = 'INFRA_HEALTH')::int AS "infraReviews",
            (SELECT count(*) FROM certifications WHERE organization_id = $1)::int AS certifications,
            (SELECT count(*) FROM model_versions WHERE organization_id = $1 AND signature IS NOT NULL)::int AS "signedVersions",
            (SELECT count(*) FROM model_versions WHERE organization_id = $1)::int AS versions,
            (SELECT count(*) FROM model_signing_keys)::int AS "signingKeys",
            (SELECT count(*) FROM device_identities WHERE organization_id = $1 AND status = 'ACTIVE')::int AS "deviceIdentities",
            (SELECT count(*) FROM edge_targets WHERE organization_id = $1 AND public_key IS NOT NULL)::int AS "edgeTargetsWithKeys",
            (SELECT count(*) FROM edge_targets WHERE organization_id = $1)::int AS "edgeTargets",
            (SELECT count(*) FROM models WHERE organization_id = $1 AND policy ? 'federated')::int AS "federatedModels",
            (SELECT count(*) FROM model_versions WHERE organization_id = $1 AND metrics ? 'privacy')::int AS "privateVersions",
            (SELECT count(*) FROM deleted_records WHERE organization_id = $1)::int AS "deletedRecords",
            (SELECT count(*) FROM assets WHERE organization_id = $1)::int AS assets`,
    organizationId,
  );
  return facts!;
}

export function iso27001Markdown(map: Iso27001Map): string {
  const cell = (s: string) => s.replaceAll('|', '\\|');
  return [
    `# ${map.standard}: control map`,
    '',
    `Generated ${map.generatedAt}. ${map.met} controls MET with evidence from the thread, ${map.gap} GAP.`,
    '',
    '| control | theme | status | evidence |',
    '| --- | --- | --- | --- |',
    ...map.controls.map((c) => `| ${c.id} ${cell(c.control)} | ${c.theme} | ${c.status} | ${cell(c.evidence)} |`),
    '',
  ].join('\n');
}
