// The pipeline page: the live processes' metrics (the queues the workers report, the API's ingest
// per path), the outbox, drift per deployment and the edge agents, as a viewer sees them.
import { expect, test } from '@playwright/test';
import { seriousViolations, signIn } from './helpers';

test('a viewer sees the pipeline’s queues, drift per deployment and edge agents', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await page.getByRole('link', { name: 'Pipeline' }).click();
  await expect(page.getByRole('heading', { name: 'Pipeline health' })).toBeVisible();
  // The workers sample their queues every second here; the page shows them once one sample is in.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('queue-table').getByRole('cell', { name: 'inference', exact: true })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByTestId('queues')).toContainText('Outbox:');
  await expect(page.getByTestId('drift').locator('tbody tr').filter({ hasText: 'Spindle failure risk' }).first()).toBeVisible();
  await expect(page.getByTestId('edge-agents').locator('tbody tr').filter({ hasText: 'lej-edge-01' })).toHaveCount(1);
  await page.screenshot({ path: 'screenshots/pipeline.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});
