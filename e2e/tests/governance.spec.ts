// The governance page: the audit chain's status, the trail with filters and its CSV export; a row
// changed behind the API's back (by SQL, triggers bypassed) shows the chain as broken at that row.
import { expect, test } from '@playwright/test';
import { database, seriousViolations, signIn } from './helpers';

test('a viewer sees the intact chain, filters the trail and exports it as CSV', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await page.getByRole('link', { name: 'Governance' }).click();
  await expect(page.getByTestId('chain-status')).toContainText('Intact.');
  await page.getByLabel('Event type').fill('user.signed_in');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/type=user.signed_in/);
  const types = await page.getByTestId('audit-trail').locator('tbody tr td:nth-child(3)').allTextContents();
  expect(types.length).toBeGreaterThan(0);
  expect(new Set(types)).toEqual(new Set(['user.signed_in']));
  const csv = await page.request.get('/governance/audit.csv?type=user.signed_in');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  const lines = (await csv.text()).trimEnd().split('\r\n');
  expect(lines[0]).toBe('seq,occurred_at,organization_id,type,actor_kind,actor_id,actor_label,subject_type,subject_id,payload,prev_hash,hash');
  expect(lines.slice(1).every((l) => l.split(',')[3] === 'user.signed_in')).toBe(true);
  await page.screenshot({ path: 'screenshots/governance.png', fullPage: true });
  expect(await seriousViolations(page)).toEqual([]);
});

test('a tampered audit row shows the chain as broken, naming the row', async ({ page }) => {
  await signIn(page, 'approver@northwind.example');
  const db = database();
  await db.connect();
  try {
    // The organisation's first event (signing in appended at least one).
    const {
      rows: [row],
    } = await db.query<{ seq: string; actor_label: string }>(
      "SELECT e.seq::text, e.actor_label FROM audit_events e JOIN organizations o ON o.id = e.organization_id WHERE o.slug = 'northwind' ORDER BY e.seq LIMIT 1",
    );
    await db.query('SET session_replication_role = replica');
    await db.query(
      "UPDATE audit_events e SET actor_label = 'mallory' FROM organizations o WHERE o.id = e.organization_id AND o.slug = 'northwind' AND e.seq = $1",
      [row!.seq],
    );
    try {
      await page.goto('/governance');
      const status = page.getByTestId('chain-status');
      await expect(status).toContainText(`Broken at event #${row!.seq}`);
      await expect(status).toContainText('HASH_MISMATCH');
      await page.screenshot({ path: 'screenshots/governance-broken.png', fullPage: true });
    } finally {
      await db.query("UPDATE audit_events e SET actor_label = $2 FROM organizations o WHERE o.id = e.organization_id AND o.slug = 'northwind' AND e.seq = $1", [
        row!.seq,
        row!.actor_label,
      ]);
    }
    await page.reload();
    await expect(page.getByTestId('chain-status')).toContainText('Intact.');
  } finally {
    await db.end();
  }
});
