// Shared steps of the portal journeys: signing in as a demo user, asking the API directly what a
// page should show, the journeys' database, the GraphQL requests the portal sent, and scanning a
// page with axe.
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import pg from 'pg';

export const API_URL = `http://127.0.0.1:${process.env.E2E_API_PORT ?? 4610}/graphql`;
export const PASSWORD = 'threadline-demo';
const COUNTER_URL = `http://127.0.0.1:${process.env.E2E_COUNTER_PORT ?? 4611}`;

/** A client of the journeys' own database (for what only SQL can do, like tampering). */
export function database(): pg.Client {
  return new pg.Client({ connectionString: databaseUrl() });
}

/** The journeys' own database. */
export function databaseUrl(): string {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = `/${process.env.E2E_DATABASE}`;
  return url.toString();
}

export interface SentRequest {
  startedAt: number;
  endedAt: number;
  query: string;
}

/** Forgets the GraphQL requests the portal sent so far. */
export async function resetRequests(): Promise<void> {
  await fetch(`${COUNTER_URL}/__reset`, { method: 'POST' });
}

/** The GraphQL requests the portal's server sent to the API since the last reset. */
export async function sentRequests(): Promise<SentRequest[]> {
  return (await (await fetch(`${COUNTER_URL}/__requests`)).json()) as SentRequest[];
}

/** Rounds of requests: a request that starts after every earlier one ended begins a new round. */
export function roundsOf(requests: SentRequest[]): number {
  let rounds = 0;
  let lastEnd = -Infinity;
  for (const r of [...requests].sort((a, b) => a.startedAt - b.startedAt)) {
    if (r.startedAt >= lastEnd) rounds += 1;
    lastEnd = Math.max(lastEnd, r.endedAt);
  }
  return rounds;
}

export async function signIn(page: Page, email: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** When the page's last navigation became interactive, in ms from its start: the DOM parsed and the
 *  page hydrated (marked by the header's NavLinks), whichever came later. */
export async function interactiveMs(page: Page): Promise<{ dom: number; hydrated: number; interactive: number }> {
  await page.locator('html[data-interactive-at]').waitFor({ state: 'attached' });
  const hydrated = Number(await page.locator('html').getAttribute('data-interactive-at'));
  const dom = Number(await page.evaluate('performance.getEntriesByType("navigation")[0].domInteractive'));
  return { dom: Math.round(dom), hydrated, interactive: Math.max(dom, hydrated) };
}

/** A GraphQL answer from the API as the given demo user. */
export async function api<T>(email: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const call = async (q: string, v: Record<string, unknown>, token?: string) => {
    const response = await fetch(API_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: q, variables: v }),
    });
    const body = (await response.json()) as { data: Record<string, unknown>; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const { login } = (await call('mutation($i: LoginInput!) { login(input: $i) { token } }', { i: { email, password: PASSWORD } })) as {
    login: { token: string };
  };
  return (await call(query, variables, login.token)) as T;
}

/** Serious and critical accessibility violations on the page (axe, WCAG 2 A/AA). */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
