// Operators' verdicts through GraphQL: a person with operations:write marks an insight a true
// problem, a false alarm or unsure, with a comment; a later verdict replaces it and both are
// audited; a viewer, an unknown insight, a bad verdict and an overlong comment are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { createInsight } from '../../../../scripts/test/insight-fixture.ts';

const VERDICT = `mutation($input: InsightVerdictInput!) { setInsightVerdict(input: $input) { id verdict verdictComment verdictAt verdictBy { email } } }`;

describe('verdicts on insights', () => {
  let api: ApiHarness;
  let engineer: string;
  let viewer: string;
  let insightId: string;

  beforeAll(async () => {
    api = await startApi();
    [engineer, viewer] = await Promise.all([api.login('engineer@northwind.example'), api.login('viewer@northwind.example')]);
    insightId = await createInsight(api, 'LEJ-L1-CNC01');
  });
  afterAll(async () => api?.close());

  it('records the verdict with its comment, who and when, lets it be changed, and audits both', async () => {
    const first = await api.gql(
      VERDICT,
      { input: { insightId, verdict: 'FALSE_ALARM', comment: 'coolant pump swapped; vibration from the new pump' } },
      engineer,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.setInsightVerdict).toMatchObject({ verdict: 'FALSE_ALARM', verdictBy: { email: 'engineer@northwind.example' } });
    expect(Math.abs(Date.parse(first.data!.setInsightVerdict.verdictAt) - Date.now())).toBeLessThan(60_000);
    const second = await api.gql(VERDICT, { input: { insightId, verdict: 'TRUE_PROBLEM', comment: null } }, engineer);
    expect(second.data!.setInsightVerdict).toMatchObject({ verdict: 'TRUE_PROBLEM', verdictComment: null });
    const audit = await api.gql(
      'query($id: ID!) { auditEvents(first: 5, order: DESC, filter: { subjectId: $id }) { nodes { type payload } } }',
      { id: insightId },
      viewer,
    );
    expect(audit.data!.auditEvents.nodes.map((n: { payload: unknown }) => n.payload)).toEqual([
      expect.objectContaining({ verdict: 'TRUE_PROBLEM', previousVerdict: 'FALSE_ALARM', verdictComment: null }),
      expect.objectContaining({ verdict: 'FALSE_ALARM', previousVerdict: null, verdictComment: 'coolant pump swapped; vibration from the new pump' }),
    ]);
  });

  it('refuses a viewer, an unknown insight, an unknown verdict and an overlong comment with their codes', async () => {
    const asViewer = await api.gql(VERDICT, { input: { insightId, verdict: 'UNSURE' } }, viewer);
    expect(asViewer.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const unknown = await api.gql(VERDICT, { input: { insightId: '00000000-0000-4000-8000-000000000000', verdict: 'UNSURE' } }, engineer);
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const badVerdict = await api.gql(VERDICT, { input: { insightId, verdict: 'MAYBE' } }, engineer);
    expect(badVerdict.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const long = await api.gql(VERDICT, { input: { insightId, verdict: 'UNSURE', comment: 'x'.repeat(2001) } }, engineer);
    expect(long.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
    const stored = await api.services.db.prisma.insight.findUniqueOrThrow({ where: { id: insightId } });
    expect(stored.verdict).toBe('TRUE_PROBLEM');
  });
});
