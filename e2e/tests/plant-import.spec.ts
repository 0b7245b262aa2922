// The plant in bulk in Chromium (issue 24): an engineer checks a PLC vendor's NodeSet2 of a new line
// (the dry run lists what it would create, nothing written), imports it, and finds the line in the
// plant tree; a malformed NodeSet2 is refused with its problem; the plant exports as NodeSet2.
import { expect, test } from '@playwright/test';
import { PACKAGING_LINE_NODESET } from '../../scripts/test/plant-fixtures.ts';
import { signIn } from './helpers';

test('an engineer checks a NodeSet2 of a new line, imports it, and finds it in the plant', async ({ page }) => {
  await signIn(page, 'engineer@northwind.example');
  await page.goto('/assets');
  await page.getByRole('link', { name: 'Import or export the plant' }).click();
  await expect(page.getByRole('heading', { name: 'Import the plant' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Import the plant' });
  await form.getByLabel('Format').selectOption('NODESET2');
  await form.getByLabel('Site (NodeSet2 without a site folder)').fill('LEJ');
  await form
    .getByLabel('File')
    .setInputFiles({ name: 'packaging-line.nodeset2.xml', mimeType: 'application/xml', buffer: Buffer.from(PACKAGING_LINE_NODESET) });
  await expect(form.getByRole('button', { name: 'Import' })).toBeDisabled();
  await form.getByRole('button', { name: 'Check (dry run)' }).click();

  const dryRun = page.getByRole('region', { name: 'Dry run' });
  await expect(dryRun.getByRole('status')).toHaveText('9 to create, 0 to update, 0 unchanged.');
  await expect(dryRun.getByTestId('change').filter({ hasText: 'LEJ-L9-SEAL01' }).first()).toContainText('UAObject ns=1;i=5001');
  await page.goto('/assets');
  await expect(page.getByText('LEJ-L9-SEAL01')).toHaveCount(0);

  await page.goBack();
  await form.getByLabel('Format').selectOption('NODESET2');
  await form.getByLabel('Site (NodeSet2 without a site folder)').fill('LEJ');
  await form
    .getByLabel('File')
    .setInputFiles({ name: 'packaging-line.nodeset2.xml', mimeType: 'application/xml', buffer: Buffer.from(PACKAGING_LINE_NODESET) });
  await form.getByRole('button', { name: 'Check (dry run)' }).click();
  await expect(page.getByRole('region', { name: 'Dry run' })).toBeVisible();
  await form.getByRole('button', { name: 'Import' }).click();
  await expect(page.getByRole('region', { name: 'Imported' }).getByRole('status')).toHaveText('9 to create, 0 to update, 0 unchanged: written and audited.');

  await page.goto('/assets');
  await expect(page.getByRole('link', { name: /LEJ-L9-SEAL01/ })).toBeVisible();
});

test('a malformed NodeSet2 is refused with the element at fault, and the plant exports as NodeSet2', async ({ page }) => {
  await signIn(page, 'engineer@northwind.example');
  await page.goto('/assets/import');
  const form = page.getByRole('form', { name: 'Import the plant' });
  await form.getByLabel('Format').selectOption('NODESET2');
  await form
    .getByLabel('File')
    .setInputFiles({ name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from('<UANodeSet><UAObject NodeId="ns=1;i=1"></UANodeSet>') });
  await form.getByRole('button', { name: 'Check (dry run)' }).click();
  const refused = page.getByRole('region', { name: 'Dry run' });
  await expect(refused.getByRole('heading', { name: 'Not importable' })).toBeVisible();
  await expect(refused.getByTestId('problem').first()).toContainText('not well-formed XML');
  await expect(form.getByRole('button', { name: 'Import' })).toBeDisabled();

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'OPC UA NodeSet2' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('plant.nodeset2.xml');
});
