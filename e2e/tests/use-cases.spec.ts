// A stakeholder signs in to the portal and sees every use case of the demo plant with its KPIs
// and waves, read from the API; a wrong password is told so and stays out.
import { expect, test } from '@playwright/test';

test('a viewer signs in and sees the use cases with KPIs and waves', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('E-mail').fill('viewer@northwind.example');
  await page.getByLabel('Password').fill('threadline-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();

  await page.getByRole('link', { name: 'Use cases', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Use cases' })).toBeVisible();
  const cards = page.getByTestId('use-case');
  await expect(cards).toHaveCount(3);
  const pdm = cards.filter({ hasText: 'Predictive maintenance of CNC spindles' });
  await expect(pdm.getByRole('row', { name: /Unplanned downtime/ })).toContainText('42');
  await expect(pdm.getByRole('row', { name: /Unplanned downtime/ })).toContainText('29');
  await expect(pdm.getByRole('row', { name: /Anchor: both Leipzig machining lines/ })).toContainText('ACTIVE');
  await page.screenshot({ path: 'screenshots/use-cases.png', fullPage: true });
});

test('a wrong password is refused with the reason and no session', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill('viewer@northwind.example');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('p.error[role=alert]')).toHaveText('E-mail or password is wrong, or the account is disabled.');
  await page.goto('/');
  await expect(page).toHaveURL(/\/login$/);
});
