// Compliance exports: a model card built from the thread (owner, intended use, training window,
// champion metrics, limits) with its EU AI Act class and NIST AI RMF controls, MET or GAP as the
// evidence says, in GraphQL, JSON and Markdown; the audit trail as CSV and JSON, filtered, only the
// caller's organisation, refused without credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureSpec } from '@threadline/db/models/feature-spec';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { handMadeOnnx } from '../../../../scripts/test/hand-made-versions.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvField } from '@threadline/db/audit/audit-export';
import { parseAuditExport, verifyAuditExport } from '@threadline/db/audit/audit-export-verification';

const spec: FeatureSpec = {
  version: 1,
  windowSeconds: 300,
  stepSeconds: 10,
  aggregates: ['mean'],
  signals: [{ name: 'spindle_vibration', unit: 'mm/s', min: 0, max: 7.1 }],
  reference: [3],
};

describe('compliance exports', () => {
  let api: ApiHarness;
  let data: string;
  let approver: string;
  let modelId: string;

  const get = (url: string, token?: string) => api.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    api = await startApi();
    data = await api.login('data@northwind.example');
    approver = await api.login('approver@northwind.example');
    const owner = await api.services.db.prisma.user.findFirstOrThrow({ where: { email: 'data@northwind.example' } });
    const created = await api.gql(
      'mutation($i: ModelInput!) { createModel(input: $i) { id } }',
      {
        i: {
          name: 'Spindle risk | card',
          task: 'FAILURE_RISK',
          riskClass: 'HIGH',
          ownerId: owner.id,
          intendedUse: 'Warn maintenance planners 2 h before a spindle bearing fails.',
        },
      },
      data,
    );
    modelId = created.data!.createModel.id;
    const version = await api.gql(
      'mutation($i: RegisterModelVersionInput!) { registerModelVersion(input: $i) { id } }',
      {
        i: {
          modelId,
          onnx: Buffer.from(handMadeOnnx(spec, [1], [1], 0)).toString('base64'),
          featureSpec: spec,
          threshold: 0.7,
          metrics: {
            auc: 0.93,
            brier: 0.061,
            thresholdRule: { kind: 'COST', missedFailure: 10_500, falseAlarm: 250, source: 'KPI Spindle detector value' },
            calibration: { a: 0.8, b: -2.5 },
            validation: { windows: 400, positives: 40, auc: 0.95, averagePrecision: 0.7, precision: 0.6, recall: 0.8, f1: 0.686, brier: 0.05 },
          },
        },
      },
      data,
    );
    expect(version.errors).toBeUndefined();
    await api.gql(
      'mutation($i: SetModelAliasInput!) { setModelAlias(input: $i) { alias } }',
      { i: { modelId, alias: 'champion', versionId: version.data!.registerModelVersion.id } },
      approver,
    );
  });
  afterAll(async () => api?.close());

  it('builds the model card from the thread, with the EU AI Act class and NIST AI RMF controls', async () => {
    const res = await api.gql('query($id: ID!) { model(id: $id) { card cardMarkdown } }', { id: modelId }, data);
    expect(res.errors).toBeUndefined();
    const { card, cardMarkdown } = res.data!.model;
    expect(card).toMatchObject({
      model: { name: 'Spindle risk | card', task: 'FAILURE_RISK' },
      owner: { email: 'data@northwind.example' },
      intendedUse: 'Warn maintenance planners 2 h before a spindle bearing fails.',
      trainingData: { features: [{ name: 'spindle_vibration', unit: 'mm/s' }] },
      metrics: {
        version: 1,
        threshold: 0.7,
        values: { auc: 0.93, brier: 0.061 },
        decision: { rule: 'COST', missedFailure: 10_500, falseAlarm: 250, source: 'KPI Spindle detector value', calibration: { a: 0.8, b: -2.5 } },
      },
      limitations: null,
      riskClass: { class: 'HIGH', obligations: expect.arrayContaining(['Human oversight (Art. 14).']) },
    });
    const status = Object.fromEntries(card.nistAiRmf.map((c: { id: string; status: string }) => [c.id, c.status]));
    expect(status).toEqual({
      'GOVERN 2.1': 'MET',
      'GOVERN 4.1': 'GAP',
      'GOVERN 1.4': 'MET',
      'MAP 1.1': 'MET',
      'MAP 4.1': 'MET',
      'MAP 2.2': 'GAP',
      'MEASURE 2.3': 'MET',
      'MEASURE 2.4': 'GAP',
      'MANAGE 2.2': 'MET',
      'MANAGE 2.4': 'MET',
      'MANAGE 4.1': 'GAP',
    });
    expect(new Set(card.nistAiRmf.map((c: { function: string }) => c.function))).toEqual(new Set(['GOVERN', 'MAP', 'MEASURE', 'MANAGE']));
    expect(cardMarkdown).toContain('# Model card: Spindle risk | card');
    expect(cardMarkdown).toContain('| auc | 0.9300 |');
    expect(cardMarkdown).toContain(
      'Threshold set by cost: a missed failure 10,500, a false alarm 250 (KPI Spindle detector value), calibrated (Platt) (a 0.8000, b -2.5000).',
    );
    expect(cardMarkdown).toContain('On the validation slice (400 windows, 40 before a failure): AUC 0.9500, average precision 0.7000');
    expect(cardMarkdown).toContain('| MAP | MAP 2.2 Limits of the model are documented | GAP | No limitations written. |');

    // Writing the limits closes the gap.
    await api.gql('mutation($id: ID!) { updateModel(id: $id, input: { limitations: "Not for spindles under 6,000 rpm." }) { id } }', { id: modelId }, data);
    const after = await api.gql('query($id: ID!) { model(id: $id) { card } }', { id: modelId }, data);
    expect(after.data!.model.card.nistAiRmf.find((c: { id: string }) => c.id === 'MAP 2.2')).toMatchObject({
      status: 'MET',
      evidence: 'Not for spindles under 6,000 rpm.',
    });
  });

  it("downloads the card as Markdown and JSON, for the caller's organisation only", async () => {
    const md = await get(`/export/models/${modelId}/card.md`, data);
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.headers['content-disposition']).toBe('attachment; filename="model-card-Spindle-risk-card.md"');
    expect(md.body).toContain('## EU AI Act');
    const json = await get(`/export/models/${modelId}/card.json`, data);
    expect(json.json().riskClass.class).toBe('HIGH');
    expect((await get(`/export/models/${modelId}/card.json`)).statusCode).toBe(401);
    const other = await createOtherOrganization(api, 'cards');
    expect((await get(`/export/models/${modelId}/card.json`, other.token)).statusCode).toBe(404);
    expect((await get('/export/models/nope/card.json', data)).statusCode).toBe(400);
  });

  it('exports the audit trail as CSV and JSON, filtered, in chain order', async () => {
    const json = await get('/export/audit.json?type=model_version.created', data);
    expect(json.statusCode).toBe(200);
    const events = json.json() as { seq: string; type: string; subject_type: string; hash: string; prev_hash: string }[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'model_version.created')).toBe(true);
    const all = (await get('/export/audit.json', data)).json() as { seq: string; hash: string; prev_hash: string }[];
    all.slice(1).forEach((e, i) => {
      expect(Number(e.seq)).toBe(Number(all[i]!.seq) + 1);
      expect(e.prev_hash).toBe(all[i]!.hash);
    });
    const csv = await get('/export/audit.csv', data);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,occurred_at,organization_id,type,actor_kind,actor_id,actor_label,subject_type,subject_id,payload,prev_hash,hash');
    // Payloads hold commas and quotes: one record per event all the same.
    expect(lines.filter((l) => /^\d+,/.test(l))).toHaveLength(all.length);
    expect((await get('/export/audit.csv?from=yesterday', data)).json()).toMatchObject({ error: { code: 'BAD_USER_INPUT', details: { field: 'from' } } });
    for (const from of ['2026-02-30T00:00:00Z', '12', '2026-11-01T00:00:00']) {
      expect((await get(`/export/audit.csv?from=${encodeURIComponent(from)}`, data)).json()).toMatchObject({
        error: { code: 'BAD_USER_INPUT', details: { field: 'from' } },
      });
    }
    const other = await createOtherOrganization(api, 'audits');
    // The other organisation sees its own chain only: its admin's sign-in.
    expect((await get('/export/audit.json', other.token)).json()).toEqual([
      expect.objectContaining({ seq: '1', type: 'user.signed_in', actor_label: 'admin@audits.example' }),
    ]);
    expect((await get('/export/audit.csv')).statusCode).toBe(401);
  });

  it('writes CSV fields by RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField({ a: 1, b: 'x' })).toBe('"{""a"":1,""b"":""x""}"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField(null)).toBe('');
    expect(csvField("'quoted")).toBe("''quoted");
  });

  it('exports in numeric chain order with every hashed field, so an auditor recomputes the chain without the database', async () => {
    for (let i = 0; i < 12; i += 1) await api.login('viewer@northwind.example');
    const json = (await get('/export/audit.json', data)).body;
    const csv = (await get('/export/audit.csv', data)).body;
    const seqs = (JSON.parse(json) as { seq: string }[]).map((e) => Number(e.seq));
    expect(seqs.length).toBeGreaterThan(12);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    for (const text of [json, csv]) {
      expect(verifyAuditExport(parseAuditExport(text))).toMatchObject({ firstBroken: null, ok: true, events: seqs.length, firstSeq: 1, lastSeq: seqs.at(-1) });
    }
    // One changed byte in one event's payload: that event's hash no longer matches.
    const records = JSON.parse(json) as { seq: string; payload: Record<string, unknown> }[];
    const victim = records.find((r) => Number(r.seq) === 11)!;
    victim.payload = { ...victim.payload, tampered: true };
    expect(verifyAuditExport(parseAuditExport(JSON.stringify(records)))).toMatchObject({ ok: false, firstBroken: { seq: 11, reason: 'HASH_MISMATCH' } });
    const changedCsv = csv.replace('viewer@northwind.example', 'viewer@northwind.exampla');
    expect(verifyAuditExport(parseAuditExport(changedCsv)).firstBroken).toMatchObject({ reason: 'HASH_MISMATCH' });
    // Without an event, the next one no longer follows.
    const gap = JSON.parse(json) as unknown[];
    gap.splice(5, 1);
    expect(verifyAuditExport(parseAuditExport(JSON.stringify(gap))).firstBroken).toMatchObject({ seq: 7, reason: 'SEQUENCE_GAP' });

    // The command an auditor runs.
    const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
    writeFileSync(join(dir, 'trail.csv'), csv);
    writeFileSync(join(dir, 'changed.csv'), changedCsv);
    const run = (file: string) =>
      spawnSync('npx', ['tsx', 'scripts/audit-verify.ts', join(dir, file)], { cwd: new URL('../../../..', import.meta.url).pathname, encoding: 'utf8' });
    const intact = run('trail.csv');
    expect(intact.status).toBe(0);
    expect(intact.stdout).toContain(`${seqs.length} events, seq 1 to ${seqs.at(-1)}; every hash recomputed, every link intact`);
    const broken = run('changed.csv');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at seq \d+ \(HASH_MISMATCH\)/);
  });

  it('exports the ISO/IEC 27001:2022 Annex A map: all 93 controls, MET only with evidence from the thread', async () => {
    const json = await get('/export/compliance/iso27001.json', approver);
    expect(json.statusCode).toBe(200);
    const map = json.json() as { met: number; gap: number; controls: { id: string; theme: string; status: string; evidence: string }[] };
    expect(map.controls).toHaveLength(93);
    expect(new Set(map.controls.map((c) => c.id)).size).toBe(93);
    expect(map.controls.filter((c) => c.theme === 'TECHNOLOGICAL')).toHaveLength(34);
    expect(map.met + map.gap).toBe(93);
    const byId = new Map(map.controls.map((c) => [c.id, c]));
    // Evidence from the seeded thread: roles, the audit chain; nothing federated yet; physical controls outside the product.
    expect(byId.get('5.2')).toMatchObject({ status: 'MET', evidence: expect.stringMatching(/5 distinct roles/) });
    expect(byId.get('5.28')).toMatchObject({ status: 'MET', evidence: expect.stringMatching(/hash-chained audit events/) });
    expect(byId.get('5.34')).toMatchObject({ status: 'GAP', evidence: expect.stringMatching(/No model keeps raw data on site/) });
    expect(byId.get('7.1')).toMatchObject({ status: 'GAP', evidence: expect.stringMatching(/Outside the product/) });
    // A model whose policy keeps site data on site turns privacy MET.
    await api.gql(
      'mutation($i: ModelInput!) { createModel(input: $i) { id } }',
      { i: { name: 'federated-risk', task: 'FAILURE_RISK', policy: { federated: { sites: ['LEJ', 'BRQ'] } } } },
      data,
    );
    const after = (await get('/export/compliance/iso27001.json', approver)).json() as typeof map;
    expect(after.controls.find((c) => c.id === '5.34')).toMatchObject({
      status: 'MET',
      evidence: expect.stringMatching(/1 model\(s\) keep raw site data on site/),
    });
    const md = await get('/export/compliance/iso27001.md', approver);
    expect(md.headers['content-type']).toMatch(/text\/markdown/);
    expect(md.body).toContain('| 8.24 Use of cryptography | TECHNOLOGICAL | MET |');
    expect((await get('/export/compliance/iso27001.json')).statusCode).toBe(401);
  });
});
