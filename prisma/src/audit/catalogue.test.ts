// The audit catalogue decides what an event may carry: a type it does not know and a payload that
// does not fit the type's schema are refused before anything is written; a fitting payload is
// stamped with its type's version.
import { describe, expect, it } from 'vitest';
import type { JobDefinition } from '../jobs.ts';
import type { AuditInput } from './audit-log.ts';
import { AUDIT_CATALOGUE, AUDIT_CATALOGUE_VERSION, AUDIT_SUBJECTS, catalogued, DELETABLE_SUBJECTS, SPECIAL_EVENTS } from './catalogue.ts';

describe('the audit catalogue', () => {
  it('has a created and an updated event for every subject, a deleted and a restored one for every deletable subject, and every special event', () => {
    expect(AUDIT_CATALOGUE.size).toBe(AUDIT_SUBJECTS.length * 2 + DELETABLE_SUBJECTS.length * 2 + SPECIAL_EVENTS.length);
  });

  it('stamps the version of the type on a payload that fits', () => {
    expect(catalogued('model_version.retired', { version: 3 })).toEqual({ version: 3, v: AUDIT_CATALOGUE_VERSION });
    expect(catalogued('site.updated', { name: ['Leipzig', 'Leipzig-Nord'] })).toEqual({ name: ['Leipzig', 'Leipzig-Nord'], v: AUDIT_CATALOGUE_VERSION });
  });

  it('refuses a type it does not know', () => {
    expect(() => catalogued('model_version.deleted', {})).toThrow('Audit event type model_version.deleted is not in the catalogue');
  });

  it('refuses a payload without what its type names, or with the wrong kind of value', () => {
    expect(() => catalogued('model_version.retired', {})).toThrow('version');
    expect(() => catalogued('approval.updated', { status: 'MAYBE', comment: null })).toThrow('status');
    expect(() => catalogued('insight.created', { assetId: 'a', source: 's', severity: 'HIGH', title: 't', modelVersionId: 7 })).toThrow('modelVersionId');
  });

  it('keeps the evidence a decision carries along', () => {
    const payload = { alias: 'champion', from: null, to: 'v2', deploymentsMoved: [], approvalId: 'a1', candidate: { auc: 0.9 } };
    expect(catalogued('model_alias.moved', payload)).toEqual({ ...payload, v: AUDIT_CATALOGUE_VERSION });
  });
});

describe('types outside the catalogues', () => {
  it('do not compile', () => {
    const event: Pick<AuditInput, 'type'> = {
      // @ts-expect-error: an audit event type the catalogue does not have
      type: 'model_version.deleted',
    };
    const job: Pick<JobDefinition<unknown>, 'name'> = {
      // @ts-expect-error: a job name the job catalogue does not have
      name: 'model-trainig',
    };
    expect([event.type, job.name]).toEqual(['model_version.deleted', 'model-trainig']);
  });
});
