// The notification centre in Chromium (issue 24): an administrator adds a signed webhook to the
// plant's receiver and an e-mail to the shift lead in the portal, then a rule that sends CNC
// insights to the webhook and escalates them to the shift lead after three seconds unacknowledged.
// An insight raised the way inference raises one reaches the receiver (signed) and, left alone, the
// shift lead's inbox on the SMTP server started here; the operations page's delivery log shows both
// delivered. A webhook to 169.254.169.254 is refused in the form.
import { expect, test } from '@playwright/test';
import pg from 'pg';
import { webhookSignatureValid } from '@threadline/db/notifications/signature';
import { raiseInsightAsInference } from '../../scripts/test/insight-fixture.ts';
import { recipients, startReceiver, startSmtp } from '../../scripts/test/notification-receivers.ts';
import { databaseUrl, signIn } from './helpers';

test.describe.configure({ mode: 'serial' });

let receiver: Awaited<ReturnType<typeof startReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtp>>;

test.beforeAll(async () => {
  receiver = await startReceiver();
  smtp = await startSmtp(Number(process.env.E2E_SMTP_PORT));
});
test.afterAll(async () => {
  receiver?.server.close();
  await new Promise<void>((resolve) => (smtp ? smtp.server.close(() => resolve()) : resolve()));
});

test('an administrator routes CNC insights to a webhook and escalates them by e-mail; the delivery log shows it', async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, 'admin@northwind.example');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Notifications' }).click();
  await expect(page.getByRole('heading', { name: 'Notifications' })).toBeVisible();

  const channelForm = page.getByRole('form', { name: 'Add a channel' });
  const addChannel = async (name: string, kind: string, target: string) => {
    await channelForm.getByLabel('Name').fill(name);
    await channelForm.getByLabel('Kind').selectOption(kind);
    await channelForm.getByLabel('URL or e-mail addresses').fill(target);
    await channelForm.getByRole('button', { name: 'Add channel' }).click();
  };
  await addChannel('Metadata service', 'WEBHOOK', 'http://169.254.169.254/latest/meta-data');
  await expect(channelForm.locator('p.error')).toContainText('link-local');
  await addChannel('CMMS webhook', 'WEBHOOK', `http://127.0.0.1:${receiver.port}/cmms`);
  await expect(page.getByTestId('channel').filter({ hasText: 'CMMS webhook' })).toBeVisible();
  const secret = (await page.getByTestId('channel').filter({ hasText: 'CMMS webhook' }).locator('code').textContent())!;
  expect(secret).toMatch(/^whsec_/);
  await addChannel('Shift lead', 'EMAIL', 'shift.lead@northwind.example');
  await expect(page.getByTestId('channel').filter({ hasText: 'Shift lead' })).toBeVisible();

  const ruleForm = page.getByRole('form', { name: 'Add a rule' });
  await ruleForm.getByLabel('Name').fill('CNC insights');
  await ruleForm.getByLabel('Insight raised').check();
  await ruleForm.getByLabel('Asset type').selectOption({ label: 'CNC machining centre' });
  await ruleForm.getByLabel('Send to').selectOption({ label: 'CMMS webhook' });
  await ruleForm.getByLabel('Escalate after (min)').fill('0.05');
  await ruleForm.getByLabel('Escalate to').selectOption({ label: 'Shift lead' });
  await ruleForm.getByRole('button', { name: 'Add rule' }).click();
  await expect(page.getByTestId('rule').filter({ hasText: 'CNC insights' })).toContainText('after 0.05 min to Shift lead');

  const pool = new pg.Pool({ connectionString: databaseUrl() });
  try {
    const { rows } = await pool.query(`SELECT id, organization_id AS "organizationId" FROM assets WHERE code = 'LEJ-L1-CNC04'`);
    const insightId = await raiseInsightAsInference(pool, rows[0], 'LEJ-L1-CNC04', 0.93);
    await expect.poll(() => receiver.received.filter((r) => r.body.includes(insightId)).length, { timeout: 60_000 }).toBe(1);
    const hook = receiver.received.find((r) => r.body.includes(insightId))!;
    expect(JSON.parse(hook.body)).toMatchObject({ type: 'insight.raised', subject: { id: insightId } });
    expect(webhookSignatureValid(secret, hook.body, String(hook.headers['threadline-signature']), Math.floor(Date.now() / 1000))).toBe(true);
    await expect
      .poll(() => smtp.inbox.filter((m) => recipients(m).includes('shift.lead@northwind.example') && m.subject?.includes('LEJ-L1-CNC04')).length, {
        timeout: 60_000,
      })
      .toBe(1);
  } finally {
    await pool.end();
  }

  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Operations' }).click();
  const log = page.getByRole('region', { name: 'Notifications sent' });
  await expect(log.getByTestId('delivery').filter({ hasText: 'CMMS webhook' }).first()).toContainText('DELIVERED');
  await expect(log.getByTestId('delivery').filter({ hasText: 'Shift lead' }).first()).toContainText('insight.escalated');
});

test('the Notifications page is for administrators only', async ({ page }) => {
  await signIn(page, 'viewer@northwind.example');
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Notifications' })).toHaveCount(0);
  await page.goto('/notifications');
  await expect(page.locator('p.error')).toContainText('Only administrators manage notifications.');
});
