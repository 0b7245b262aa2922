// The visual inspection pilot in the portal: the demo started it (use case active, a vision champion
// trained on the pilot's labelled frames), the workers scored the stations' frames, and an operator
// finds a flagged part on the station's page with the heat map over the frame, beside its recent
// frames and its flagged parts.
import { expect, test } from '@playwright/test';
import { api, database, signIn } from './helpers';

test('a flagged part shows on its station with the heat map over the frame', async ({ page }) => {
  test.setTimeout(180_000);
  const db = database();
  await db.connect();
  let assetId = '';
  try {
    await expect(async () => {
      const { rows } = await db.query<{ asset_id: string }>(
        `SELECT asset_id FROM insights WHERE explanation @> '[{"kind": "HEATMAP"}]'::jsonb ORDER BY raised_at DESC LIMIT 1`,
      );
      expect(rows).toHaveLength(1);
      assetId = rows[0]!.asset_id;
    }).toPass({ timeout: 150_000 });
  } finally {
    await db.end();
  }
  const { useCases } = await api<{ useCases: { nodes: { name: string; status: string }[] } }>(
    'viewer@northwind.example',
    '{ useCases { nodes { name status } } }',
  );
  expect(useCases.nodes.find((u) => u.name.startsWith('Visual inspection'))?.status).toBe('ACTIVE');

  await signIn(page, 'viewer@northwind.example');
  await page.goto(`/assets?asset=${assetId}`);
  const heatMap = page.getByTestId('heat-map').first();
  await expect(heatMap).toBeVisible();
  await expect(heatMap.getByTestId('heat-peak')).toBeVisible();
  const frame = heatMap.locator('img');
  await expect
    .poll(() =>
      frame.evaluate((element) => {
        const img = element as unknown as { complete: boolean; naturalWidth: number };
        return img.complete ? img.naturalWidth : 0;
      }),
    )
    .toBeGreaterThan(0);
  await expect(page.getByTestId('recent-frames').locator('figure').first()).toBeVisible();
  const flagged = page.getByTestId('flagged-frames').locator('figure[data-flagged="true"]');
  await expect(flagged.first()).toBeVisible();
  await expect(flagged.first().locator('img')).toHaveAttribute('src', /^\/frames\/[0-9a-f-]{36}$/);
});
