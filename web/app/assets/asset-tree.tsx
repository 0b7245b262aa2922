// The plant as sites > lines > assets (typed like an OPC UA information model), each asset with
// its open insights counted; the selected asset is marked.
import type { AssetsPageView } from './view';

export function AssetTree({
  sites,
  openByAsset,
  selected,
  range,
}: {
  sites: AssetsPageView['sites']['nodes'];
  openByAsset: Map<string, number>;
  selected: string | null;
  range: string;
}) {
  if (sites.length === 0) return <p className="muted">No sites yet: an engineer models the plant through the API or the OPC UA adapter.</p>;
  return (
    <nav className="tree" aria-label="Plant hierarchy">
      <ul>
        {sites.map((site) => (
          <li key={site.id}>
            <span className="tree-site">
              {site.name} <span className="muted small">{site.code}</span>
            </span>
            <ul>
              {site.lines.map((line) => (
                <li key={line.id}>
                  <span className="tree-line">{line.name}</span>
                  <ul>
                    {line.assets.map((a) => {
                      const open = openByAsset.get(a.id) ?? 0;
                      return (
                        <li key={a.id}>
                          <a href={`/assets?asset=${a.id}&range=${range}`} aria-current={a.id === selected ? 'page' : undefined} title={a.assetType.name}>
                            {a.code}
                            {open > 0 ? (
                              <span className="badge" aria-label={`${open} open insights`}>
                                {open}
                              </span>
                            ) : null}
                          </a>
                        </li>
                      );
                    })}
                  </ul>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </nav>
  );
}
