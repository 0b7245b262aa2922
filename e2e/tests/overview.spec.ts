// The overview as a business stakeholder sees it: the portfolio's realised and projected ROI equal
// what the API computes, every use case has its ROI, MTTI and TTV with definitions one click away,
// the page has no serious accessibility violation (timing and requests: pages.spec.ts).
import { expect, test } from '@playwright/test';
import { api, seriousViolations, signIn } from './helpers';

const ratio = (value: number | null) => (value === null ? '—' : `${(value * 100).toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`);

test('the overview shows the portfolio ROI the API computes, with definitions', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  // The workers recompute value in the background: compare a fresh view with a fresh answer.
  await expect(async () => {
    await page.reload();
    const expected = await api<{ realised: { roi: number | null }; projected: { roi: number | null } }>(
      'viewer@northwind.example',
      '{ realised: portfolioRoi(basis: REALISED) { roi } projected: portfolioRoi(basis: PROJECTED) { roi } }',
    );
    await expect(page.getByTestId('realised-roi')).toContainText(ratio(expected.realised.roi), { timeout: 1_000 });
    await expect(page.getByTestId('projected-roi')).toContainText(ratio(expected.projected.roi), { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('overview-use-case')).toHaveCount(3);

  const help = page.getByTestId('realised-roi').getByLabel('Definition of Realised ROI');
  await help.click();
  await expect(page.getByTestId('realised-roi')).toContainText('ROI(t) = (cumulative benefit − cumulative cost) / cumulative cost');
  await expect(page.getByRole('figure', { name: /Cumulative realised benefit and cost/ })).toBeVisible();
  await page.screenshot({ path: 'screenshots/overview.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});
