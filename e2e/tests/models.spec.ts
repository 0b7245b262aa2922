// Promotion as people do it in the portal: a data scientist asks for the demo's challenger to be
// champion; a viewer sees the request but no button to decide it; an approver approves it on the
// models page, the champion moves, and the decision is in the audit trail on the governance page.
import { expect, test } from '@playwright/test';
import { api, seriousViolations, signIn } from './helpers';

test.describe.configure({ mode: 'serial' });

const MODEL = 'Spindle failure risk';

test('a viewer sees the promotion request but is offered no decision', async ({ page }) => {
  const { models } = await api<{ models: { nodes: { versions: { id: string; version: number }[] }[] } }>(
    'data@northwind.example',
    'query($s: String) { models(filter: { search: $s }) { nodes { versions { id version } } } }',
    { s: MODEL },
  );
  const challenger = models.nodes[0]!.versions.find((v) => v.version === 2)!;
  await api('data@northwind.example', 'mutation($i: PromotionRequestInput!) { requestModelPromotion(input: $i) { id } }', {
    i: { versionId: challenger.id, comment: 'Lower Brier on the A/B test' },
  });

  await signIn(page, 'viewer@northwind.example');
  await page.getByRole('link', { name: 'Models' }).click();
  const model = page.getByTestId('model').filter({ hasText: MODEL });
  await expect(model.getByTestId('champion')).toHaveText('Champion: v1');
  // Each version's threshold was set by the prices of the use case's detector-value KPI, on calibrated scores.
  await expect(model.getByTestId('decision').first()).toContainText('cost: a missed failure 10,500, a false alarm 250 (KPI Spindle detector value)');
  await expect(model.getByTestId('decision').first()).toContainText('calibrated (Platt)');
  // The champion was backtested over the span it held out: the failure in it, and its value at the KPI's prices.
  await expect(model.getByTestId('backtest').filter({ hasText: /AUC [\d.]+ · PR-AUC [\d.]+ · F1 [\d.]+ · \d of 1 failures foreseen/ })).toHaveCount(1);
  await expect(model.getByTestId('backtest').filter({ hasText: /net / })).toHaveCount(1);
  const request = page.getByTestId('approval').filter({ hasText: `${MODEL} v2` });
  await expect(request).toContainText('Lower Brier on the A/B test');
  await expect(request).toContainText('An approver decides.');
  await expect(page.getByRole('button', { name: /Approve/ })).toHaveCount(0);
  await page.screenshot({ path: 'screenshots/models.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});

test('an approver approves it: the champion moves and the audit trail shows who did it', async ({ page }) => {
  await signIn(page, 'approver@northwind.example');
  await page.goto('/models');
  await page.getByRole('button', { name: `Approve ${MODEL} v2` }).click();
  const model = page.getByTestId('model').filter({ hasText: MODEL });
  await expect(model.getByTestId('champion')).toHaveText('Champion: v2');
  await expect(page.getByText('No promotion requests are waiting.')).toBeVisible();

  await page.goto('/governance?type=model_alias.moved');
  const rows = page.getByTestId('audit-trail').locator('tbody tr');
  await expect(rows.first()).toContainText('approver@northwind.example');
  await expect(page.getByTestId('chain-status')).toContainText('Intact.');
});

test('an over-the-air rollout to the edge shows on the models page, target by target', async ({ page }) => {
  const { models } = await api<{ models: { nodes: { versions: { id: string; version: number }[] }[] } }>(
    'data@northwind.example',
    'query($s: String) { models(filter: { search: $s }) { nodes { versions { id version } } } }',
    { s: MODEL },
  );
  // The gateway follows the champion (now v2); a data scientist rolls v1 out to it.
  const v1 = models.nodes[0]!.versions.find((v) => v.version === 1)!;
  await api('data@northwind.example', 'mutation($i: StartEdgeRolloutInput!) { startEdgeRollout(input: $i) { id } }', {
    i: { versionId: v1.id, canaryShare: 1 },
  });

  await signIn(page, 'viewer@northwind.example');
  await page.goto('/models');
  const rollouts = page.getByTestId('model').filter({ hasText: MODEL }).getByTestId('edge-rollouts');
  await expect(rollouts).toContainText('v1, canary 100 %');
  await expect(rollouts).toContainText('RUNNING');
  await expect(rollouts).toContainText(/lej-edge-01 \(canary\): OFFERED/);
  expect(await seriousViolations(page)).toEqual([]);
});
