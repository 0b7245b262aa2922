// Series the portal charts in more than one place, named and coloured once.
import type { ChartLine } from '../app/components/series-chart';

export const BENEFIT_AND_COST: ChartLine[] = [
  { key: 'cumulativeBenefit', name: 'Cumulative benefit', color: '#16794c' },
  { key: 'cumulativeCost', name: 'Cumulative cost', color: '#b42318' },
];
