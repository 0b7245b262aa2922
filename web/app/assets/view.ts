// What the assets page reads, in one GraphQL request: the plant tree with each asset's open
// insights and, for the selected asset, its signals' rollups over the chosen range, latest readings,
// insights with their explanations (and heat maps over camera frames), incidents, recent frames,
// its OPC UA alarm conditions and its shifts over the range.
import { LIVE_FIELDS, type LiveData } from '../../lib/live';
import type { IncidentRow } from '../components/incident-table';

export interface ExplanationEntry {
  feature: string;
  signal: string;
  aggregate: string;
  value: number;
  reference: number;
  unit: string | null;
  contribution: number;
}
export interface HeatMapView {
  frameId: string;
  camera: string;
  rows: number;
  cols: number;
  cells: number[];
  peak: { x: number; y: number; width: number; height: number };
}
export interface FrameThumb {
  id: string;
  camera: string;
  ts: string;
  label: string | null;
  score: number | null;
  insightId: string | null;
}
export interface InsightView {
  id: string;
  assetId: string;
  kind: string;
  severity: string;
  title: string;
  raisedAt: string;
  resolvedAt: string | null;
  acknowledgedAt: string | null;
  fromFallback: boolean;
  acknowledgedBy: { name: string } | null;
  explanation: ExplanationEntry[];
  /** Only on the selected asset's insights. */
  heatMap?: HeatMapView | null;
  modelVersion: { version: number; model: { name: string } } | null;
}
export interface AssetDetail {
  id: string;
  code: string;
  name: string;
  criticality: number;
  manufacturer: string | null;
  modelNumber: string | null;
  tags: string[];
  assetType: { name: string };
  line: { name: string; site: { name: string } };
  signals: {
    id: string;
    name: string;
    unit: string | null;
    sourceProtocol: string;
    expression: string | null;
    holdSeconds: number;
    series: { bucket: string; average: number | null; min: number | null; max: number | null; points: number }[];
  }[];
}
export interface AlarmView {
  id: string;
  name: string;
  level: string;
  severity: number;
  message: string;
  active: boolean;
  acked: boolean;
  confirmed: boolean | null;
  comment: string;
  lastEventAt: string;
  acknowledgementRequestedAt: string | null;
}
export interface ShiftView {
  day: string;
  shift: string | null;
  startsAt: string;
  endsAt: string;
  plannedHours: number;
  downtimeHours: number;
  availabilityPct: number | null;
}
export interface AssetsPageView extends LiveData {
  viewer: { permissions: string[] };
  sites: {
    nodes: {
      id: string;
      code: string;
      name: string;
      lines: { id: string; code: string; name: string; assets: { id: string; code: string; name: string; assetType: { name: string } }[] }[];
    }[];
  };
  open: { nodes: InsightView[] };
  asset?: AssetDetail;
  latestValues?: { signalId: string; time: string; value: number | null; quality: string }[];
  insights?: { nodes: InsightView[] };
  incidents?: { nodes: IncidentRow[] };
  frames?: FrameThumb[];
  /** The asset's frames that raised an insight, newest first. */
  flagged?: FrameThumb[];
  /** The asset's OPC UA conditions, newest change first. */
  alarms?: AlarmView[];
  /** Its shifts over the range (ranges of a week or less). */
  shifts?: ShiftView[];
}

/** The ranges a visitor can pick, each with the rollup width that gives a readable chart. */
export const RANGES = {
  '2h': { label: '2 hours', ms: 2 * 3_600_000, width: 'ONE_MINUTE' },
  '24h': { label: '24 hours', ms: 24 * 3_600_000, width: 'ONE_HOUR' },
  '7d': { label: '7 days', ms: 7 * 86_400_000, width: 'ONE_HOUR' },
  '90d': { label: '90 days', ms: 90 * 86_400_000, width: 'ONE_DAY' },
} as const;
export type RangeKey = keyof typeof RANGES;

const INSIGHT =
  'id assetId kind severity title raisedAt resolvedAt acknowledgedAt fromFallback acknowledgedBy { name } explanation { feature signal aggregate value reference unit contribution } modelVersion { version model { name } }';
/** The selected asset's insights also bring a vision insight's heat map (the plant's 500 open ones do not: it would pass the query cost limit). */
const ASSET_INSIGHT = `${INSIGHT} heatMap { frameId camera rows cols cells peak { x y width height } }`;

export const assetsQuery = (
  width: string,
) => `query($asset: ID!, $selected: Boolean!, $withShifts: Boolean!, $from: DateTimeISO!, $to: DateTimeISO!, $since: DateTimeISO!) {
  viewer { permissions }
  sites(first: 100) { nodes { id code name lines { id code name assets { id code name assetType { name } } } } }
  open: insights(first: 500, order: DESC, filter: { from: $since }) { nodes { ${INSIGHT} } }
  asset(id: $asset) @include(if: $selected) { id code name criticality manufacturer modelNumber tags assetType { name } line { name site { name } }
    signals { id name unit sourceProtocol expression holdSeconds series(width: ${width}, from: $from, to: $to) { bucket average min max points } } }
  latestValues(assetId: $asset) @include(if: $selected) { signalId time value quality }
  insights(first: 20, order: DESC, filter: { assetId: $asset }) @include(if: $selected) { nodes { ${ASSET_INSIGHT} } }
  incidents(first: 20, order: DESC, filter: { assetId: $asset }) @include(if: $selected) { nodes { id title severity startedAt endedAt downtimeMinutes cause aiRelated } }
  frames(assetId: $asset, limit: 12) @include(if: $selected) { id camera ts label score insightId }
  flagged: frames(assetId: $asset, limit: 12, flaggedOnly: true) @include(if: $selected) { id camera ts label score insightId }
  alarms: alarmConditions(filter: { assetId: $asset, open: false }) @include(if: $selected) { id name level severity message active acked confirmed comment lastEventAt acknowledgementRequestedAt }
  shifts: shiftReport(input: { assetIds: [$asset], from: $from, to: $to }) @include(if: $withShifts) { day shift startsAt endsAt plannedHours downtimeHours availabilityPct }
  ${LIVE_FIELDS}
}`;
