// The tenant scope adds the organisation to every read and write and never lets an update move a
// row to another organisation, without touching the caller's arguments.
import { describe, expect, it } from 'vitest';
import { scopeArgs } from './tenant.ts';

describe('tenant scope', () => {
  it('filters reads and stamps creates with the organisation', () => {
    expect(scopeArgs('Asset', 'findMany', { where: { code: 'A' } }, 'org-1')).toEqual({ where: { code: 'A', organizationId: 'org-1' } });
    expect(scopeArgs('Organization', 'findFirst', {}, 'org-1')).toEqual({ where: { id: 'org-1' } });
    expect(scopeArgs('Asset', 'createMany', { data: [{ code: 'A', organizationId: 'org-2' }] }, 'org-1')).toEqual({
      data: [{ code: 'A', organizationId: 'org-1' }],
    });
  });

  it('keeps updates and upserts inside the organisation and leaves the arguments as they were', () => {
    const args = { where: { id: 'x' }, data: { name: 'n', organizationId: 'org-2' } };
    expect(scopeArgs('Asset', 'update', args, 'org-1')).toEqual({ where: { id: 'x', organizationId: 'org-1' }, data: { name: 'n' } });
    expect(args.data.organizationId).toBe('org-2');
    const upsert = scopeArgs('Asset', 'upsert', { where: { id: 'x' }, create: { name: 'n' }, update: { organizationId: 'org-2', name: 'm' } }, 'org-1');
    expect(upsert).toEqual({ where: { id: 'x', organizationId: 'org-1' }, create: { name: 'n', organizationId: 'org-1' }, update: { name: 'm' } });
  });
});
