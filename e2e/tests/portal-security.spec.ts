// The portal against a hostile site (issue 17, item 8): no other site may frame it (CSP
// frame-ancestors and X-Frame-Options), only its own scripts run (a nonce per request) and the
// pages still hydrate under that policy; signing out is a POST from the portal itself, so a link or
// image elsewhere cannot sign anyone out, and it ends the session in the API, not only the cookie.
import { expect, test } from '@playwright/test';
import { API_URL, signIn } from './helpers';

test('every page forbids framing and runs under a nonce policy without violations', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  const login = await page.goto('/login');
  const headers = login!.headers();
  expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(headers['content-security-policy']).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
  expect(headers['x-frame-options']).toBe('DENY');
  await signIn(page, 'viewer@northwind.example');
  for (const path of ['/', '/assets', '/governance']) {
    await page.goto(path);
    await page.locator('html[data-interactive-at]').waitFor({ state: 'attached' });
  }
  expect(violations).toEqual([]);
});

test('a GET of /logout from elsewhere signs nobody out; the sign-out button ends the session in the API', async ({ page, context }) => {
  await signIn(page, 'engineer@northwind.example');
  expect((await page.request.get('/logout')).status()).toBe(404);
  await page.goto('/models');
  await expect(page).toHaveURL(/\/models$/);

  const token = (await context.cookies()).find((c) => c.name === 'tl_session')!.value;
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  const res = await fetch(API_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { id } }' }),
  });
  expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
});
