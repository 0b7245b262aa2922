// Shared steps of the portal journeys: signing in as a demo user, asking the API directly what a
// page should show, and scanning a page with axe.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const API_URL = `http://127.0.0.1:${process.env.E2E_API_PORT ?? 4610}/graphql`;
export const PASSWORD = 'threadline-demo';

export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** A GraphQL answer from the API as the given demo user. */
export async function api<T>(email: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const call = async (q: string, v: Record<string, unknown>, token?: string) => {
    const response = await fetch(API_URL, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query: q, variables: v }) });
    const body = (await response.json()) as { data: Record<string, unknown>; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const { login } = await call('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email, password: PASSWORD } }) as { login: { token: string } };
  return (await call(query, variables, login.token)) as T;
}

/** Serious and critical accessibility violations on the page (axe, WCAG 2 A/AA). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
