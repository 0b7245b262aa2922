// Assets: the plant tree beside the selected asset's telemetry, insights and incidents, in one
// GraphQL request; without a selection, the plant's open insights.
import { LiveRefresh } from '../components/live-refresh';
import { loadPage } from '../../lib/page-data';
import { POLL_SECONDS } from '../../lib/config';
import { fingerprintOf } from '../../lib/live';
import { AssetDetail } from './asset-detail';
import { AssetTree } from './asset-tree';
import { InsightCard } from './insight-card';
import { assetsQuery, RANGES, type AssetsPageView, type RangeKey } from './view';
import { isUuid } from '../../lib/ids';

export const dynamic = 'force-dynamic';

const NO_ASSET = '00000000-0000-0000-0000-000000000000';
const OPEN_INSIGHT_DAYS = 30;

export default async function AssetsPage({ searchParams }: { searchParams: Promise<{ asset?: string; range?: string }> }) {
  const params = await searchParams;
  const selected = isUuid(params.asset) ? params.asset : null;
  const range: RangeKey = params.range && params.range in RANGES ? (params.range as RangeKey) : '2h';
  const to = Date.now();
  const { data, error } = await loadPage<AssetsPageView>(assetsQuery(RANGES[range].width), {
    asset: selected ?? NO_ASSET,
    selected: selected !== null,
    withShifts: selected !== null && RANGES[range].ms <= 7 * 86_400_000,
    from: new Date(to - RANGES[range].ms).toISOString(),
    to: new Date(to).toISOString(),
    since: new Date(to - OPEN_INSIGHT_DAYS * 86_400_000).toISOString(),
  });
  if (!data)
    return (
      <>
        <h1>Assets</h1>
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  const open = data.open.nodes.filter((i) => i.resolvedAt === null);
  const openByAsset = new Map<string, number>();
  for (const i of open) openByAsset.set(i.assetId, (openByAsset.get(i.assetId) ?? 0) + 1);
  const codeOf = new Map(data.sites.nodes.flatMap((s) => s.lines.flatMap((l) => l.assets.map((a) => [a.id, a.code] as const))));
  const mayAcknowledge = data.viewer.permissions.includes('operations:write');
  return (
    <>
      <h1>Assets</h1>
      <LiveRefresh everySeconds={POLL_SECONDS} fingerprint={fingerprintOf(data)} assetId={selected ?? undefined} />
      <p className="lede">
        The plant as sites, lines and assets, with each asset&apos;s live telemetry, the insights raised on it and why.{' '}
        {data.viewer.permissions.includes('plant:write') ? (
          <a href="/assets/import" className="button-link">
            Import or export the plant
          </a>
        ) : null}{' '}
        <a href="/assets/calendar" className="button-link">
          Shift calendars
        </a>
      </p>
      <div className="split">
        <AssetTree sites={data.sites.nodes} openByAsset={openByAsset} selected={selected} range={range} />
        <section className="panel">
          {data.asset ? (
            <AssetDetail
              asset={data.asset}
              data={data}
              range={range}
              mayAcknowledge={mayAcknowledge}
              mayEditPlant={data.viewer.permissions.includes('plant:write')}
            />
          ) : (
            <>
              <h2>Open insights</h2>
              <p className="muted small">Pick an asset in the tree for its telemetry. Open insights of the last {OPEN_INSIGHT_DAYS} days, newest first:</p>
              {open.length === 0 ? (
                <p className="muted">No open insights: every asset is within its normal range.</p>
              ) : (
                open.map((i) => <InsightCard key={i.id} insight={i} assetCode={codeOf.get(i.assetId)} mayAcknowledge={mayAcknowledge} />)
              )}
            </>
          )}
        </section>
      </div>
    </>
  );
}
