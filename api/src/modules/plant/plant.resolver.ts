// The plant's GraphQL operations: lists, lookups and audited create/update for sites, lines,
// asset types and their properties, assets and signals, and the relations between them.
import type { ClassType } from 'type-graphql';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { belongsTo, hasMany, relationResolver } from '../../common/relations.ts';
import { Asset, AssetType, AssetTypeProperty, Line, Signal, Site } from './plant.types.ts';
import * as I from './plant.inputs.ts';
import { prepareAsset, prepareSignal } from './plant.service.ts';
import { tenantOf } from '../../context.ts';

const write = 'plant:write' as const;

export const plantSpecs: EntitySpec[] = [
  {
    name: 'Site',
    model: 'Site',
    subject: 'site',
    node: () => Site,
    list: 'sites',
    single: 'site',
    filter: I.SiteFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'code'] }),
    create: { input: I.SiteInput, permission: write },
    update: { input: I.SiteUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'Line',
    model: 'Line',
    subject: 'line',
    node: () => Line,
    list: 'lines',
    single: 'line',
    filter: I.LineFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'code'] }),
    create: { input: I.LineInput, permission: write },
    update: { input: I.LineUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'AssetType',
    model: 'AssetType',
    subject: 'asset_type',
    node: () => AssetType,
    list: 'assetTypes',
    single: 'assetType',
    filter: I.AssetTypeFilter,
    toWhere: (f) => whereOf(f, { search: ['name'] }),
    create: { input: I.AssetTypeInput, permission: write },
    update: { input: I.AssetTypeUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'AssetTypeProperty',
    model: 'AssetTypeProperty',
    subject: 'asset_type_property',
    node: () => AssetTypeProperty,
    list: 'assetTypeProperties',
    single: 'assetTypeProperty',
    filter: I.AssetTypePropertyFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.AssetTypePropertyInput, permission: write },
    update: { input: I.AssetTypePropertyUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'Asset',
    model: 'Asset',
    subject: 'asset',
    node: () => Asset,
    list: 'assets',
    single: 'asset',
    filter: I.AssetFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'code', 'serialNumber'] }),
    create: { input: I.AssetInput, permission: write, prepare: (input, tx) => prepareAsset(input, tx) },
    update: { input: I.AssetUpdate, permission: write, prepare: (input, tx, _ctx, existing) => prepareAsset(input, tx, existing?.id) },
    delete: { permission: write },
  },
  {
    name: 'Signal',
    model: 'Signal',
    subject: 'signal',
    node: () => Signal,
    list: 'signals',
    single: 'signal',
    filter: I.SignalFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'sourceAddress'] }),
    create: { input: I.SignalInput, permission: write, prepare: (input, tx, ctx) => prepareSignal(input, tx, tenantOf(ctx).principal.organizationId) },
    update: {
      input: I.SignalUpdate,
      permission: write,
      prepare: (input, tx, ctx, existing) =>
        prepareSignal(input, tx, tenantOf(ctx).principal.organizationId, existing as unknown as Parameters<typeof prepareSignal>[3]),
    },
    delete: { permission: write },
  },
];

export const plantResolvers: ClassType[] = [
  ...plantSpecs.flatMap(entityResolvers),
  relationResolver('Site', () => Site, {
    lines: hasMany('Line', () => Line, 'siteId'),
  }),
  relationResolver('Line', () => Line, {
    site: belongsTo('Site', () => Site, 'siteId'),
    assets: hasMany('Asset', () => Asset, 'lineId'),
  }),
  relationResolver('AssetType', () => AssetType, {
    properties: hasMany('AssetTypeProperty', () => AssetTypeProperty, 'assetTypeId'),
  }),
  relationResolver('AssetTypeProperty', () => AssetTypeProperty, {
    assetType: belongsTo('AssetType', () => AssetType, 'assetTypeId'),
  }),
  relationResolver('Asset', () => Asset, {
    line: belongsTo('Line', () => Line, 'lineId'),
    assetType: belongsTo('AssetType', () => AssetType, 'assetTypeId'),
    parent: belongsTo('Asset', () => Asset, 'parentId', true),
    children: hasMany('Asset', () => Asset, 'parentId'),
    signals: hasMany('Signal', () => Signal, 'assetId'),
  }),
  relationResolver('Signal', () => Signal, {
    asset: belongsTo('Asset', () => Asset, 'assetId'),
    property: belongsTo('AssetTypeProperty', () => AssetTypeProperty, 'propertyId', true),
  }),
];
