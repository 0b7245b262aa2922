// Each demo role signs in and is named in the header; what a role may not do is not offered: only
// people with operations:write may acknowledge an insight, only usecase:write may ask for a gate
// review, and the request is decided by another approver, with the decision on the wave's timeline.
import { expect, test, type Page } from '@playwright/test';
import { api, database, signIn } from './helpers';

const ROLES = [
  { email: 'viewer@northwind.example', name: 'Vera Viewer', role: 'Viewer' },
  { email: 'engineer@northwind.example', name: 'Emil Engineer', role: 'Engineer' },
  { email: 'data@northwind.example', name: 'Dana Scientist', role: 'Data scientist' },
  { email: 'approver@northwind.example', name: 'Anja Approver', role: 'Approver' },
  { email: 'admin@northwind.example', name: 'Adam Admin', role: 'Admin' },
];
const INSIGHT_TITLE = 'E2E: spindle vibration rising on CNC03';

test.describe.configure({ mode: 'serial' });

let assetId: string;
let useCaseId: string;

test.beforeAll(async () => {
  const ids = await api<{ assets: { nodes: { id: string; code: string }[] }; useCases: { nodes: { id: string; name: string }[] } }>(
    'admin@northwind.example',
    '{ assets(first: 100) { nodes { id code } } useCases(first: 10) { nodes { id name } } }',
  );
  assetId = ids.assets.nodes.find((a) => a.code === 'LEJ-L1-CNC03')!.id;
  useCaseId = ids.useCases.nodes.find((u) => u.name.startsWith('Predictive maintenance'))!.id;
  // An open insight as the inference workers raise it (the journeys run without the simulator).
  const db = database();
  await db.connect();
  try {
    await db.query(
      `INSERT INTO insights (organization_id, asset_id, use_case_id, kind, severity, title, explanation, evidence_start_at, evidence_end_at, evidence_received_at, raised_at)
       SELECT a.organization_id, a.id, $2, 'ANOMALY', 'WARNING', $3, $4::jsonb, now() - interval '10 minutes', now(), now() - interval '10 minutes', now()
         FROM assets a WHERE a.id = $1`,
      [
        assetId,
        useCaseId,
        INSIGHT_TITLE,
        JSON.stringify([
          { feature: 'spindle_vibration.mean', signal: 'spindle_vibration', aggregate: 'mean', value: 7.42, reference: 3.11, unit: 'mm/s', contribution: 0.31 },
        ]),
      ],
    );
  } finally {
    await db.end();
  }
});

for (const r of ROLES) {
  test(`${r.role} signs in, is named with the role and signs out`, async ({ page }) => {
    await signIn(page, r.email);
    await expect(page.getByTestId('signed-in')).toHaveText(`${r.name} ${r.role}`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/models');
    await expect(page).toHaveURL(/\/login$/);
  });
}

const insightCard = (page: Page) => page.getByTestId('insight').filter({ hasText: INSIGHT_TITLE });

test('a viewer reads the explained insight but is offered no acknowledgement and no gate review', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await page.goto(`/assets?asset=${assetId}`);
  await expect(insightCard(page)).toContainText('7.42 mm/s');
  await expect(insightCard(page)).toContainText('3.11 mm/s');
  await expect(insightCard(page).getByRole('button')).toHaveCount(0);
  await page.goto(`/use-cases/${useCaseId}`);
  await expect(page.getByTestId('wave').filter({ hasText: 'ACTIVE' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Request a gate review/ })).toHaveCount(0);
});

test('an engineer acknowledges the insight, and it says who did', async ({ page }) => {
  await signIn(page, 'engineer@northwind.example');
  await page.goto(`/assets?asset=${assetId}`);
  await insightCard(page)
    .getByRole('button', { name: `Acknowledge: ${INSIGHT_TITLE}` })
    .click();
  await expect(insightCard(page)).toContainText('acknowledged by Emil Engineer');
  await expect(insightCard(page).getByRole('button')).toHaveCount(0);
  // Not a use-case decision: no gate review for an engineer either.
  await page.goto(`/use-cases/${useCaseId}`);
  await expect(page.getByRole('button', { name: /Request a gate review/ })).toHaveCount(0);
});

test('an approver asks for a gate review; a data scientist may not decide it; another approver holds the wave', async ({ page }) => {
  await signIn(page, 'approver@northwind.example');
  await page.goto(`/use-cases/${useCaseId}`);
  const active = page.getByTestId('wave').filter({ hasText: 'ACTIVE' });
  await active.getByLabel('Why advance').fill('Both lines at target OEE; downtime close to target.');
  await active.getByRole('button', { name: /Request a gate review/ }).click();
  const request = page.getByTestId('advance-request');
  await expect(request).toContainText('Advance requested by Anja Approver');
  await expect(request).toContainText('You asked for this; another approver decides.');
  await expect(request.getByRole('button')).toHaveCount(0);

  await signIn(page, 'data@northwind.example');
  await page.goto(`/use-cases/${useCaseId}`);
  await expect(page.getByTestId('advance-request')).toContainText('An approver decides.');
  await expect(page.getByTestId('advance-request').getByRole('button')).toHaveCount(0);

  await signIn(page, 'admin@northwind.example');
  await page.goto(`/use-cases/${useCaseId}`);
  const pending = page.getByTestId('advance-request');
  await pending.getByLabel('Comment').fill('Hold until downtime meets its gate.');
  await pending.getByRole('button', { name: /^Reject the advance of/ }).click();
  await expect(page.getByTestId('advance-request')).toHaveCount(0);
  await expect(page.getByTestId('wave').filter({ hasText: 'Anchor: both Leipzig machining lines' })).toContainText('Held by Adam Admin');
});
