// Scaling-wave operations: waves, their scope, KPI gates, gate decisions and approvals.
import type { ClassType } from 'type-graphql';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { belongsTo, hasMany, relationResolver } from '../../common/relations.ts';
import { User } from '../people/access.types.ts';
import { Asset, Line, Site } from '../plant/plant.types.ts';
import { Kpi, UseCase } from '../value/value.types.ts';
import { Approval, GateDecision, ScalingWave, WaveGate, WaveScopeItem } from './waves.types.ts';
import * as I from './waves.inputs.ts';
import type { RawSql } from '@threadline/db/sql';
import { announceDeployments } from '@threadline/db/models/deployments';
import { tenantOf } from '../../context.ts';
import { prepareWave } from './waves.service.ts';
import { WaveAdvanceResolver } from './wave-advance.resolver.ts';

const write = 'usecase:write' as const;

export const waveSpecs: EntitySpec[] = [
  {
    name: 'ScalingWave',
    model: 'ScalingWave',
    subject: 'scaling_wave',
    node: () => ScalingWave,
    list: 'scalingWaves',
    single: 'scalingWave',
    filter: I.ScalingWaveFilter,
    toWhere: (f) => whereOf(f),
    create: {
      input: I.ScalingWaveInput,
      permission: write,
      prepare: async (input, _tx, ctx) => prepareWave(input as I.ScalingWaveInput, ctx.services.clock.now()),
    },
    update: {
      input: I.ScalingWaveUpdate,
      permission: write,
      prepare: async (input, tx, ctx, existing) => {
        const data = prepareWave(input as I.ScalingWaveUpdate, ctx.services.clock.now(), existing);
        // Starting or cancelling a wave changes what the use case's models score: tell the dispatchers (on commit).
        if ((input as I.ScalingWaveUpdate).status) await announceDeployments(tx as unknown as RawSql, tenantOf(ctx).principal.organizationId);
        return data;
      },
    },
  },
  {
    name: 'WaveScopeItem',
    model: 'WaveScopeItem',
    subject: 'wave_scope_item',
    node: () => WaveScopeItem,
    list: 'waveScopeItems',
    single: 'waveScopeItem',
    filter: I.WaveScopeItemFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'WaveGate',
    model: 'WaveGate',
    subject: 'wave_gate',
    node: () => WaveGate,
    list: 'waveGates',
    single: 'waveGate',
    filter: I.WaveGateFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.WaveGateInput, permission: write },
    update: { input: I.WaveGateUpdate, permission: write },
  },
  {
    name: 'GateDecision',
    model: 'GateDecision',
    subject: 'gate_decision',
    node: () => GateDecision,
    list: 'gateDecisions',
    single: 'gateDecision',
    orderKey: 'decidedAt',
    filter: I.GateDecisionFilter,
    toWhere: (f) => whereOf(f),
  },
  {
    name: 'Approval',
    model: 'Approval',
    subject: 'approval',
    node: () => Approval,
    list: 'approvals',
    single: 'approval',
    filter: I.ApprovalFilter,
    toWhere: (f) => whereOf(f),
  },
];

export const waveResolvers: ClassType[] = [
  ...waveSpecs.flatMap(entityResolvers),
  WaveAdvanceResolver,
  relationResolver('ScalingWave', () => ScalingWave, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId'),
    scope: hasMany('WaveScopeItem', () => WaveScopeItem, 'waveId'),
    gates: hasMany('WaveGate', () => WaveGate, 'waveId'),
    decisions: hasMany('GateDecision', () => GateDecision, 'waveId', 'decidedAt'),
  }),
  relationResolver('WaveScopeItem', () => WaveScopeItem, {
    wave: belongsTo('ScalingWave', () => ScalingWave, 'waveId'),
    asset: belongsTo('Asset', () => Asset, 'assetId', true),
    line: belongsTo('Line', () => Line, 'lineId', true),
    site: belongsTo('Site', () => Site, 'siteId', true),
  }),
  relationResolver('WaveGate', () => WaveGate, {
    wave: belongsTo('ScalingWave', () => ScalingWave, 'waveId'),
    kpi: belongsTo('Kpi', () => Kpi, 'kpiId'),
  }),
  relationResolver('GateDecision', () => GateDecision, {
    wave: belongsTo('ScalingWave', () => ScalingWave, 'waveId'),
    decidedBy: belongsTo('User', () => User, 'decidedById'),
  }),
  relationResolver('Approval', () => Approval, {
    requestedBy: belongsTo('User', () => User, 'requestedById'),
    approver: belongsTo('User', () => User, 'approverId', true),
  }),
];
