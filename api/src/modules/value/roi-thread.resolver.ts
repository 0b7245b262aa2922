// UseCase.roiChange, the thread query of DESIGN §1: "why did this use case's ROI change?". ROI at
// both ends of the period is computed as it stood then from what is known now (measurements up to
// that time); below it, each KPI's move with the measurements between (each saying how it was
// computed), the insights raised, the model versions that raised them with their training run and
// data window, the drift report that triggered the run, the approvals about them and their audit
// events (who and when), the ROI snapshots kept, and the decisions taken about the use case.
import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ApprovalSubject, RoiBasis } from '@threadline/db/client';
import { improvement, roiNow, windowAverage, type RoiFigures } from '@threadline/db/value/roi';
import { decisionEventIds } from '@threadline/db/value/roi-decisions';
import { loadValueInputs, type UseCaseValueInputs } from '@threadline/db/value/value-inputs';
import { tenantOf, type Context } from '../../context.ts';
import { badInput } from '../../common/errors.ts';
import { DateTime } from '../../common/scalars.ts';
import { UseCase } from './value.types.ts';
import { type KpiChange, type ModelVersionStep, RoiChange, type RoiPoint } from './roi-thread.types.ts';

const LIMIT = 200;

/** The use case as it was known at `at`: measurements up to then. */
function asOf(useCase: UseCaseValueInputs & { kickoffAt: Date }, basis: RoiBasis, at: Date): RoiPoint {
  const figures: RoiFigures = roiNow(
    { ...useCase, kpis: useCase.kpis.map((k) => ({ ...k, measurements: k.measurements.filter((m) => m.at <= at) })) },
    basis,
    at,
  );
  return {
    at,
    roi: figures.roi,
    cumulativeBenefit: figures.cumulativeBenefit,
    cumulativeCost: figures.cumulativeCost,
    monthlyBenefit: figures.monthlyBenefit,
    npv: figures.npv,
    paybackMonth: figures.paybackMonth,
  };
}

@Resolver(() => UseCase)
export class RoiThreadResolver {
  @FieldResolver(() => RoiChange, {
    nullable: true,
    description:
      'Why the ROI changed between `from` and `to` (now unless given), back through KPI measurements, insights, model versions, training runs, drift reports and approvals, with who and when. Null until kickoff.',
  })
  async roiChange(
    @Root() useCase: UseCase,
    @Arg('from', () => DateTime) from: Date,
    @Arg('to', () => DateTime, { nullable: true }) to: Date | null,
    @Arg('basis', () => RoiBasis, { defaultValue: RoiBasis.REALISED }) basis: RoiBasis,
    @Ctx() ctx: Context,
  ): Promise<RoiChange | null> {
    const end = to ?? ctx.services.clock.now();
    if (from >= end) throw badInput('from must be before to.', { field: 'from' });
    const { principal, tenant } = tenantOf(ctx);
    const inputs = (await loadValueInputs(tenant, principal.organizationId)).find((u) => u.id === useCase.id);
    if (!inputs?.kickoffAt) return null;
    const started = { ...inputs, kickoffAt: inputs.kickoffAt };
    const before = asOf(started, basis, from);
    const after = asOf(started, basis, end);
    const period = { gt: from, lte: end };

    const [kpiRows, measurements, insights, counts, snapshots] = await Promise.all([
      tenant.kpi.findMany({ where: { useCaseId: useCase.id } }),
      tenant.kpiMeasurement.findMany({ where: { kpi: { useCaseId: useCase.id }, measuredAt: period }, orderBy: { measuredAt: 'desc' }, take: LIMIT * 5 }),
      tenant.insight.findMany({ where: { useCaseId: useCase.id, raisedAt: period }, orderBy: { raisedAt: 'desc' }, take: LIMIT }),
      tenant.insight.groupBy({
        by: ['modelVersionId'],
        where: { useCaseId: useCase.id, raisedAt: period, modelVersionId: { not: null } },
        _count: { _all: true },
      }),
      tenant.roiSnapshot.findMany({ where: { useCaseId: useCase.id, basis, computedAt: period }, orderBy: { computedAt: 'asc' }, take: LIMIT }),
    ]);
    const kpis: KpiChange[] = kpiRows
      .map((kpi) => {
        const series = started.kpis.find((k) => k.id === kpi.id)!;
        const averageBefore = windowAverage(series.measurements, from, kpi.windowDays);
        const averageAfter = windowAverage(series.measurements, end, kpi.windowDays);
        // As in ROI: projected takes the target as the actual, realised the window's average.
        const benefit = (average: number | null) => {
          const actual = basis === RoiBasis.PROJECTED ? kpi.target : average;
          return actual === null ? 0 : improvement(kpi, actual) * kpi.valuePerUnit;
        };
        const benefitPerMonthBefore = benefit(averageBefore);
        const benefitPerMonthAfter = benefit(averageAfter);
        return {
          kpi,
          averageBefore,
          averageAfter,
          benefitPerMonthBefore,
          benefitPerMonthAfter,
          benefitPerMonthChange: benefitPerMonthAfter - benefitPerMonthBefore,
          measurements: measurements.filter((m) => m.kpiId === kpi.id).slice(0, LIMIT),
        };
      })
      .sort((a, b) => Math.abs(b.benefitPerMonthChange) - Math.abs(a.benefitPerMonthChange));

    // The versions behind the insights, and the use case's versions registered in the period.
    const registered = await tenant.modelVersion.findMany({ where: { model: { useCaseId: useCase.id }, createdAt: period }, select: { id: true } });
    const versionIds = [...new Set([...counts.map((c) => c.modelVersionId!), ...registered.map((v) => v.id)])];
    const modelVersions = await Promise.all(versionIds.map((id) => this.stepOf(ctx, id, counts.find((c) => c.modelVersionId === id)?._count._all ?? 0)));

    const decisions = await this.decisionsAbout(ctx, useCase.id, from, end);
    return {
      basis,
      before,
      after,
      roiChange: before.roi !== null && after.roi !== null ? after.roi - before.roi : null,
      kpis,
      insights,
      modelVersions: modelVersions.sort((a, b) => b.version.createdAt.getTime() - a.version.createdAt.getTime() || b.version.version - a.version.version),
      snapshots,
      decisions,
    };
  }

  private async stepOf(ctx: Context, versionId: string, insights: number): Promise<ModelVersionStep> {
    const { tenant } = tenantOf(ctx);
    const version = (await tenant.modelVersion.findFirst({ where: { id: versionId } }))!;
    const [trainingRun, approvals, events] = await Promise.all([
      version.trainingRunId ? tenant.trainingRun.findFirst({ where: { id: version.trainingRunId } }) : null,
      tenant.approval.findMany({ where: { subjectType: ApprovalSubject.MODEL_PROMOTION, subjectId: versionId }, orderBy: { createdAt: 'asc' } }),
      tenant.auditEvent.findMany({
        where: {
          OR: [
            { subjectType: 'model_version', subjectId: versionId },
            { type: 'model_alias.moved', payload: { path: ['to'], equals: versionId } },
            { type: 'model_alias.moved', payload: { path: ['from'], equals: versionId } },
          ],
        },
        orderBy: { seq: 'asc' },
        take: LIMIT,
      }),
    ]);
    const driftReport = trainingRun?.driftReportId ? await tenant.driftReport.findFirst({ where: { id: trainingRun.driftReportId } }) : null;
    return { version, insights, trainingRun, driftReport, approvals, events };
  }

  /** Audit events in the period about the use case, its KPIs and measurements taken then, costs, waves, their gates and approvals. */
  private async decisionsAbout(ctx: Context, useCaseId: string, from: Date, to: Date) {
    const { principal, tenant } = tenantOf(ctx);
    const ids = await decisionEventIds(tenant, principal.organizationId, useCaseId, from, to, LIMIT);
    return tenant.auditEvent.findMany({ where: { id: { in: ids } }, orderBy: { seq: 'asc' } });
  }
}
