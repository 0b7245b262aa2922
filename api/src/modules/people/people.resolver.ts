// People and rhythm operations: squads, members, OKRs, key results, reviews, certifications, incidents.
import type { ClassType } from 'type-graphql';
import { entityResolvers, type EntitySpec } from '../../common/entity-resolvers.ts';
import { whereOf } from '../../common/filters.ts';
import { belongsTo, hasMany, relationResolver } from '../../common/relations.ts';
import { tenantOf } from '../../context.ts';
import { User } from './access.types.ts';
import { Asset } from '../plant/plant.types.ts';
import { Kpi, UseCase } from '../value/value.types.ts';
import { Certification, Incident, KeyResult, Okr, Review, Squad, SquadMember } from './people.types.ts';
import * as I from './people.inputs.ts';

const write = 'operations:write' as const;

export const peopleSpecs: EntitySpec[] = [
  {
    name: 'Squad',
    model: 'Squad',
    subject: 'squad',
    node: () => Squad,
    list: 'squads',
    single: 'squad',
    filter: I.SquadFilter,
    toWhere: (f) => whereOf(f, { search: ['name', 'mission'] }),
    create: { input: I.SquadInput, permission: 'usecase:write' },
    update: { input: I.SquadUpdate, permission: 'usecase:write' },
    delete: { permission: 'usecase:write' },
  },
  {
    name: 'SquadMember',
    model: 'SquadMember',
    subject: 'squad_member',
    node: () => SquadMember,
    list: 'squadMembers',
    single: 'squadMember',
    orderKey: 'joinedAt',
    filter: I.SquadMemberFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.SquadMemberInput, permission: 'usecase:write' },
    update: { input: I.SquadMemberUpdate, permission: 'usecase:write' },
  },
  {
    name: 'Okr',
    model: 'Okr',
    subject: 'okr',
    node: () => Okr,
    list: 'okrs',
    single: 'okr',
    filter: I.OkrFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.OkrInput, permission: 'usecase:write' },
    update: { input: I.OkrUpdate, permission: 'usecase:write' },
    delete: { permission: 'usecase:write' },
  },
  {
    name: 'KeyResult',
    model: 'KeyResult',
    subject: 'key_result',
    node: () => KeyResult,
    list: 'keyResults',
    single: 'keyResult',
    filter: I.KeyResultFilter,
    toWhere: (f) => whereOf(f),
    create: { input: I.KeyResultInput, permission: 'usecase:write' },
    update: { input: I.KeyResultUpdate, permission: 'usecase:write' },
    delete: { permission: 'usecase:write' },
  },
  {
    name: 'Review',
    model: 'Review',
    subject: 'review',
    node: () => Review,
    list: 'reviews',
    single: 'review',
    orderKey: 'dueAt',
    filter: I.ReviewFilter,
    toWhere: (f) => whereOf(f, { time: 'dueAt' }),
    create: { input: I.ReviewInput, permission: write },
    update: { input: I.ReviewUpdate, permission: write },
  },
  {
    name: 'Certification',
    model: 'Certification',
    subject: 'certification',
    node: () => Certification,
    list: 'certifications',
    single: 'certification',
    orderKey: 'expiresAt',
    filter: I.CertificationFilter,
    toWhere: (f) => whereOf(f, { time: 'expiresAt' }),
    create: {
      input: I.CertificationInput,
      permission: 'access:admin',
      prepare: async (input, _tx, ctx) => ({ ...input, issuedById: tenantOf(ctx).principal.kind === 'USER' ? tenantOf(ctx).principal.id : null }),
    },
    update: { input: I.CertificationUpdate, permission: 'access:admin' },
  },
  {
    name: 'Incident',
    model: 'Incident',
    subject: 'incident',
    node: () => Incident,
    list: 'incidents',
    single: 'incident',
    orderKey: 'startedAt',
    filter: I.IncidentFilter,
    toWhere: (f) => whereOf(f, { time: 'startedAt' }),
    create: { input: I.IncidentInput, permission: write },
    update: { input: I.IncidentUpdate, permission: write },
  },
];

export const peopleResolvers: ClassType[] = [
  ...peopleSpecs.flatMap(entityResolvers),
  relationResolver('Squad', () => Squad, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId', true),
    members: hasMany('SquadMember', () => SquadMember, 'squadId', 'joinedAt'),
    okrs: hasMany('Okr', () => Okr, 'squadId'),
  }),
  relationResolver('SquadMember', () => SquadMember, {
    squad: belongsTo('Squad', () => Squad, 'squadId'),
    user: belongsTo('User', () => User, 'userId', true),
  }),
  relationResolver('Okr', () => Okr, {
    squad: belongsTo('Squad', () => Squad, 'squadId'),
    keyResults: hasMany('KeyResult', () => KeyResult, 'okrId'),
  }),
  relationResolver('KeyResult', () => KeyResult, {
    okr: belongsTo('Okr', () => Okr, 'okrId'),
    kpi: belongsTo('Kpi', () => Kpi, 'kpiId', true),
  }),
  relationResolver('Review', () => Review, {
    useCase: belongsTo('UseCase', () => UseCase, 'useCaseId', true),
    squad: belongsTo('Squad', () => Squad, 'squadId', true),
    owner: belongsTo('User', () => User, 'ownerId', true),
  }),
  relationResolver('Certification', () => Certification, {
    holder: belongsTo('User', () => User, 'holderId'),
    issuedBy: belongsTo('User', () => User, 'issuedById', true),
  }),
  relationResolver('Incident', () => Incident, {
    asset: belongsTo('Asset', () => Asset, 'assetId'),
  }),
];
