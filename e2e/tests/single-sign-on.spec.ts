// Single sign-on in Chromium (issue 24): the portal sends the person to the plant's identity
// provider (authorisation code with PKCE), they sign in there, and land on the overview with the role
// their groups map to, provisioned on first sign-in; someone whose groups map to no role is sent
// back with the reason; and a callback without the sign-in the portal started is refused.
import { expect, test, type Page } from '@playwright/test';
import { database } from './helpers';

async function signInAtProvider(page: Page, login: string): Promise<void> {
  await page.goto('/login');
  await page.getByRole('link', { name: 'Sign in with Northwind SSO' }).click();
  // The provider's own sign-in page.
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/interaction\//);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

test('a person signs in through the identity provider and lands with the role their groups map to', async ({ page, context }) => {
  await signInAtProvider(page, 'maria.planner@northwind.example');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  // plant-engineers is mapped before northwind-staff: Maria is an engineer.
  await expect(page.locator('header')).toContainText('Maria Planner');
  await expect(page.locator('header')).toContainText('Engineer');
  // The provider's tokens never reached the browser: only the portal's httpOnly session cookie.
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'tl_session')).toMatchObject({ httpOnly: true });
  expect(cookies.some((c) => c.name === 'tl_oidc')).toBe(false);

  const db = database();
  await db.connect();
  try {
    const { rows } = await db.query(`SELECT role::text AS role, oidc_subject IS NOT NULL AS linked FROM users WHERE email = 'maria.planner@northwind.example'`);
    expect(rows).toEqual([{ role: 'ENGINEER', linked: true }]);
  } finally {
    await db.end();
  }
});

test('someone whose groups map to no role is sent back to the sign-in page with the reason', async ({ page }) => {
  await signInAtProvider(page, 'contractor@northwind.example');
  await expect(page).toHaveURL(/\/login\?error=refused/);
  await expect(page.locator('p.error')).toContainText('no Threadline role');
});

test('a callback the portal did not start is refused', async ({ page }) => {
  await page.goto('/auth/oidc/callback?code=stolen-code&state=forged');
  await expect(page).toHaveURL(/\/login\?error=expired/);
  await expect(page.locator('p.error')).toContainText('start it again');
});
