// Plant events in GraphQL: a filtered, paginated list (by asset, severity, kind and time).
import type { ClassType } from 'type-graphql';
import { entityResolvers } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { belongsTo, relationResolver } from '../../common/relations.ts';
import { Asset } from '../plant/plant.types.ts';
import { PlantEvent, PlantEventFilter } from './events.types.ts';

export const eventResolvers: ClassType[] = [
  ...entityResolvers({
    name: 'PlantEvent',
    model: 'PlantEvent',
    subject: 'asset',
    node: () => PlantEvent,
    list: 'plantEvents',
    single: 'plantEvent',
    orderKey: 'time',
    filter: PlantEventFilter,
    toWhere: (f) => whereOf(f, { time: 'time' }),
  }),
  relationResolver('PlantEvent', () => PlantEvent, { asset: belongsTo('Asset', () => Asset, 'assetId') }),
];
