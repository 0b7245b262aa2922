// Live data without a reload: an incident recorded through the API while a viewer has the
// operations page open appears on it by itself, and the page was not reloaded to show it.
import { expect, test } from '@playwright/test';
import { api, signIn } from './helpers';

test('a new incident appears on the open operations page without a reload', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await page.goto('/operations');
  await expect(page.getByRole('heading', { name: 'Operations' })).toBeVisible();
  await page.evaluate('window.stillHere = true');
  const title = `E2E: coolant pump tripped ${Date.now()}`;
  const { assets } = await api<{ assets: { nodes: { id: string; code: string }[] } }>(
    'engineer@northwind.example',
    '{ assets(first: 100) { nodes { id code } } }',
  );
  await api('engineer@northwind.example', 'mutation($i: IncidentInput!) { createIncident(input: $i) { id } }', {
    i: { assetId: assets.nodes.find((a) => a.code === 'LEJ-L2-CNC01')!.id, title, severity: 'WARNING', startedAt: new Date().toISOString() },
  });
  // The portal polls every 4 s in the journeys (PORTAL_POLL_SECONDS).
  await expect(page.getByTestId('incidents')).toContainText(title, { timeout: 15_000 });
  await expect(page.getByRole('status').filter({ hasText: /Live: updated/ })).toBeVisible();
  expect(await page.evaluate('window.stillHere')).toBe(true);
});

test('the live probe refuses a malformed asset id and answers 401 without a session', async ({ page, playwright }) => {
  await signIn(page, 'viewer@northwind.example');
  expect((await page.request.get('/live?asset=not-a-uuid')).status()).toBe(400);
  expect((await page.request.get('/live')).status()).toBe(200);
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  expect((await anonymous.get('/live')).status()).toBe(401);
  await anonymous.dispose();
});
