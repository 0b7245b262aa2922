// Acknowledging an insight through GraphQL: a person with operations:write does it once, it shows
// who and when, counts towards MTTA and is audited; a viewer, a second acknowledgement and another
// organisation's insight are refused with their codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtherOrganization, startApi, type ApiHarness } from '../../../../scripts/test/api-harness.ts';
import { createInsight } from '../../../../scripts/test/insight-fixture.ts';

const ACK = 'mutation($id: ID!) { acknowledgeInsight(id: $id) { id acknowledgedAt acknowledgedBy { email } } }';

describe('acknowledging insights', () => {
  let api: ApiHarness;
  let engineer: string;
  let viewer: string;
  let insightId: string;
  let useCaseId: string;

  beforeAll(async () => {
    api = await startApi();
    [engineer, viewer] = await Promise.all([api.login('engineer@northwind.example'), api.login('viewer@northwind.example')]);
    const { prisma } = api.services.db;
    const asset = await prisma.asset.findFirstOrThrow({ where: { code: 'LEJ-L1-CNC01' } });
    const useCase = await prisma.useCase.findFirstOrThrow({ where: { organizationId: asset.organizationId, name: { startsWith: 'Predictive maintenance' } } });
    useCaseId = useCase.id;
    insightId = await createInsight(api, 'LEJ-L1-CNC01', { useCaseId });
  });
  afterAll(async () => api?.close());

  it('is not offered to a viewer', async () => {
    const res = await api.gql(ACK, { id: insightId }, viewer);
    expect(res.errors![0]!.extensions!.code).toBe('FORBIDDEN');
  });

  it('records who acknowledged and when, counts towards MTTA and is audited', async () => {
    const res = await api.gql(ACK, { id: insightId }, engineer);
    expect(res.errors).toBeUndefined();
    expect(res.data!.acknowledgeInsight.acknowledgedBy).toEqual({ email: 'engineer@northwind.example' });
    const acknowledgedAt = Date.parse(res.data!.acknowledgeInsight.acknowledgedAt);
    expect(Math.abs(acknowledgedAt - Date.now())).toBeLessThan(60_000);
    const timings = await api.gql('query($id: ID!) { useCase(id: $id) { insightTimings { mtta { count meanSeconds } } } }', { id: useCaseId }, viewer);
    expect(timings.data!.useCase.insightTimings.mtta.count).toBeGreaterThanOrEqual(1);
    const audit = await api.gql(
      'query($id: ID!) { auditEvents(first: 5, order: DESC, filter: { subjectId: $id }) { nodes { type actorLabel payload } } }',
      { id: insightId },
      viewer,
    );
    expect(audit.errors).toBeUndefined();
    expect(audit.data!.auditEvents.nodes[0]).toMatchObject({ type: 'insight.updated', payload: { acknowledgedAt: new Date(acknowledgedAt).toISOString() } });
  });

  it("refuses a second acknowledgement, another organisation's insight and a malformed id", async () => {
    const again = await api.gql(ACK, { id: insightId }, engineer);
    expect(again.errors![0]!.extensions!.code).toBe('CONFLICT');
    const { token: stranger } = await createOtherOrganization(api, 'ack-other');
    const foreign = await api.gql(ACK, { id: insightId }, stranger);
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'id' } });
    const malformed = await api.gql(ACK, { id: 'not-a-uuid' }, engineer);
    expect(malformed.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
  });
});
