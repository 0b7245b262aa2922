// A KPI's computation is checked against the computation schema (docs/value.md) and the KPI's
// kind before it is stored; null makes the KPI manual again.
import { Prisma } from '@threadline/db/client';
import { kpiComputationSchema } from '@threadline/db/value/kpi-computation';
import type { Row, TenantClient } from '../../common/entity-repository.ts';
import { badInput } from '../../common/errors.ts';
import type { KpiInput } from './value.inputs.ts';

export async function prepareKpi(input: Partial<KpiInput>, tx: TenantClient, existing?: Row): Promise<Record<string, unknown>> {
  if (input.computation === undefined) return { ...input };
  if (input.computation === null) return { ...input, computation: Prisma.DbNull };
  const parsed = kpiComputationSchema.safeParse(input.computation);
  if (!parsed.success) {
    throw badInput(`The computation is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'computation'}: ${i.message}`).join('; ')}.`, {
      field: 'computation',
    });
  }
  const kind = input.kind ?? (existing?.kind as string | undefined);
  if (parsed.data.kind !== kind)
    throw badInput(`A ${parsed.data.kind} computation belongs to a KPI of kind ${parsed.data.kind}, not ${kind}.`, { field: 'computation' });
  if (parsed.data.kind === 'DETECTOR_VALUE' && !(await tx.model.findFirst({ where: { id: parsed.data.modelId }, select: { id: true } }))) {
    throw badInput(`computation.modelId: model ${parsed.data.modelId} does not exist in your organisation.`, { field: 'computation' });
  }
  return { ...input, computation: parsed.data };
}
