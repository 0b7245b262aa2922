// Business-value operations: use cases, KPIs, measurements, costs and ROI snapshots.
import type { ClassType } from 'type-graphql';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { belongsTo, hasMany, relationResolver } from '../../common/relations.ts';
import { User } from '../people/access.types.ts';
import { Squad } from '../people/people.types.ts';
import { ScalingWave } from '../waves/waves.types.ts';
import { CostItem, Kpi, KpiMeasurement, RoiSnapshot, UseCase } from './value.types.ts';
import * as I from './value.inputs.ts';
import { prepareKpi } from './kpi.service.ts';

const write = 'usecase:write' as const;

export const valueSpecs: EntitySpec[] = [
  {
    name: 'UseCase',
    model: 'UseCase',
    subject: 'use_case',
    node: () => UseCase,
    list: 'useCases',
    single: 'useCase',
    filter: I.UseCaseFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'description'] }),
    create: { input: I.UseCaseInput, permission: write },
    update: { input: I.UseCaseUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'Kpi',
    model: 'Kpi',
    subject: 'kpi',
    node: () => Kpi,
    list: 'kpis',
    single: 'kpi',
    filter: I.KpiFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.KpiInput, permission: write, prepare: (input, tx) => prepareKpi(input as I.KpiInput, tx) },
    update: { input: I.KpiUpdate, permission: write, prepare: (input, tx, _ctx, existing) => prepareKpi(input as I.KpiInput, tx, existing) },
    delete: { permission: write },
  },
  {
    name: 'KpiMeasurement',
    model: 'KpiMeasurement',
    subject: 'kpi_measurement',
    node: () => KpiMeasurement,
    list: 'kpiMeasurements',
    single: 'kpiMeasurement',
    orderKey: 'measuredAt',
    filter: I.KpiMeasurementFilter,
    toWhere: (f) => whereOf(f, { time: 'measuredAt' }),
    create: { input: I.KpiMeasurementInput, permission: 'operations:write' },
  },
  {
    name: 'CostItem',
    model: 'CostItem',
    subject: 'cost_item',
    node: () => CostItem,
    list: 'costItems',
    single: 'costItem',
    filter: I.CostItemFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.CostItemInput, permission: write },
    update: { input: I.CostItemUpdate, permission: write },
    delete: { permission: write },
  },
  {
    name: 'RoiSnapshot',
    model: 'RoiSnapshot',
    subject: 'roi_snapshot',
    node: () => RoiSnapshot,
    list: 'roiSnapshots',
    single: 'roiSnapshot',
    orderKey: 'computedAt',
    filter: I.RoiSnapshotFilter,
    toWhere: (f) => whereOf(f),
  },
];

export const valueResolvers: ClassType[] = [
  ...valueSpecs.flatMap(entityResolvers),
  relationResolver('UseCase', () => UseCase, {
    owner: belongsTo('User', () => User, 'ownerId', true),
    kpis: hasMany('Kpi', () => Kpi, 'useCaseId'),
    costItems: hasMany('CostItem', () => CostItem, 'useCaseId'),
    waves: hasMany('ScalingWave', () => ScalingWave, 'useCaseId', 'plannedStartAt'),
    squads: hasMany('Squad', () => Squad, 'useCaseId'),
    roiSnapshots: hasMany('RoiSnapshot', () => RoiSnapshot, 'useCaseId', 'computedAt'),
  }),
  relationResolver('Kpi', () => Kpi, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId'),
    measurements: hasMany('KpiMeasurement', () => KpiMeasurement, 'kpiId', 'measuredAt'),
  }),
  relationResolver('KpiMeasurement', () => KpiMeasurement, {
    kpi: belongsTo('Kpi', () => Kpi, 'kpiId'),
  }),
  relationResolver('CostItem', () => CostItem, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId'),
  }),
  relationResolver('RoiSnapshot', () => RoiSnapshot, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId'),
  }),
];
