// Plant semantics in Chromium (issue 25): an engineer keeps a site's shift calendar and reads the
// shift report; adds a calculated signal on an asset (a wrong unit refused with its reason); and an
// operator acknowledges an OPC UA alarm condition with a comment, which the API audits and queues
// for the condition's server.
import { expect, test } from '@playwright/test';
import { database, signIn } from './helpers';

test('an engineer keeps the Leipzig shift calendar', async ({ page }) => {
  await signIn(page, 'engineer@northwind.example');
  await page.goto('/assets');
  await page.getByRole('link', { name: 'Shift calendars' }).click();
  await expect(page.getByRole('heading', { name: 'Shift calendars' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Sites' }).getByRole('link', { name: /^LEJ/ }).click();
  const shifts = page.getByTestId('shifts');
  await expect(shifts.getByRole('row')).toHaveCount(4);
  await expect(shifts.locator('[data-shift="Night"]')).toContainText('06:00 (next day)');

  const add = page.getByRole('form', { name: 'Add a shift' });
  await add.getByLabel('Name').fill('Weekend');
  await add.getByLabel('From').fill('08:00');
  await add.getByLabel('To').fill('16:00');
  await add.getByLabel('Starts on (1 Mon … 7 Sun)').fill('6,7');
  await add.getByRole('button', { name: 'Add shift' }).click();
  await expect(add.getByRole('status')).toHaveText('Shift saved.');
  await page.reload();
  await expect(page.getByTestId('shifts').locator('[data-shift="Weekend"]')).toContainText('Sat Sun');

  const holiday = page.getByRole('form', { name: 'Add a holiday' });
  await holiday.getByLabel('Day').fill('2027-05-01');
  await holiday.getByLabel('Name').fill('Labour Day');
  await holiday.getByRole('button', { name: 'Add holiday' }).click();
  await expect(holiday.getByRole('status')).toHaveText('Holiday saved.');
  await page.reload();
  await expect(page.getByTestId('holidays')).toContainText('2027-05-01: Labour Day');
  await expect(page.getByRole('heading', { name: 'Last 7 days by shift' })).toBeVisible();
});

test('an engineer adds a calculated signal; a unit mismatch is refused with its reason', async ({ page }) => {
  await signIn(page, 'engineer@northwind.example');
  await page.goto('/assets');
  await page
    .getByRole('link', { name: /LEJ-L1-CNC01/ })
    .first()
    .click();
  await expect(page.getByTestId('asset-detail')).toBeVisible();
  const add = page.getByRole('form', { name: 'Add a calculated signal' });
  await add.getByLabel('Name').fill('load_per_kw');
  await add.getByLabel('Expression', { exact: true }).fill('spindle_load + power');
  await add.getByRole('button', { name: 'Add calculated signal' }).click();
  await expect(add.getByRole('alert')).toHaveText("expression: unit mismatch: '+' needs one unit, but has % and kW");
  // The form starts afresh after each answer.
  await add.getByLabel('Name').fill('load_per_kw');
  await add.getByLabel('Expression', { exact: true }).fill('rolling_max(spindle_load, 15m) / power');
  await add.getByRole('button', { name: 'Add calculated signal' }).click();
  await expect(add.getByRole('status')).toHaveText('Calculated signal created: it computes from the next readings.');
  await page.reload();
  const row = page.getByTestId('calculated-signals').locator('[data-signal="load_per_kw"]');
  await expect(row).toContainText('rolling_max(spindle_load, 15m) / power');
  await expect(row).toContainText('%/kW');
});

test('an operator acknowledges an OPC UA alarm with a comment', async ({ page }) => {
  const db = database();
  await db.connect();
  try {
    // A condition as the OPC UA adapter records it (the journeys run without the simulator's server).
    await db.query(
      `INSERT INTO alarm_conditions (organization_id, asset_id, signal_id, endpoint_url, condition_id, name, source_node, severity, message, active, acked,
                                     confirmed, retain, last_event_id, last_event_at)
       SELECT s.organization_id, s.asset_id, s.id, 'opc.tcp://127.0.0.1:1/UA/Threadline', s.source_address || '.SPINDLE_TEMPERATURE_HIGH', 'SPINDLE_TEMPERATURE_HIGH',
              s.source_address, 800, 'spindle_temperature 71 above its limit 65', true, false, false, true, 'ab01', now()
         FROM signals s JOIN assets a ON a.id = s.asset_id WHERE a.code = 'LEJ-L1-CNC03' AND s.name = 'spindle_temperature'`,
    );
    await signIn(page, 'engineer@northwind.example');
    await page.goto('/assets');
    await page
      .getByRole('link', { name: /LEJ-L1-CNC03/ })
      .first()
      .click();
    const alarm = page.getByTestId('alarm-conditions').locator('[data-alarm="SPINDLE_TEMPERATURE_HIGH"]');
    await expect(alarm.getByTestId('alarm-state')).toHaveText('active, unacknowledged');
    await alarm.getByLabel('Comment').fill('Coolant flow restored');
    await alarm.getByRole('button', { name: 'Acknowledge alarm SPINDLE_TEMPERATURE_HIGH' }).click();
    // The page shows the request until the server reports the condition acknowledged.
    await expect(alarm.getByTestId('alarm-state')).toHaveText('active, acknowledgement sent');
    await expect(alarm.getByRole('button', { name: 'Acknowledge alarm SPINDLE_TEMPERATURE_HIGH' })).toHaveCount(0);
    const { rows } = await db.query("SELECT payload FROM audit_events WHERE type = 'alarm_condition.acknowledgement_requested'");
    expect(rows.map((r) => r.payload.comment)).toEqual(['Coolant flow restored']);
  } finally {
    await db.end();
  }
});
