// Promotion to champion is a human decision: a data scientist requests it with the candidate's
// evidence, an approver (model:promote, never the requester) decides, and only then the champion
// alias moves, with the approval and the evidence in the audit trail. Rolling back to the previous
// champion is one mutation. Setting the champion alias directly also needs model:promote.
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Resolver } from 'type-graphql';
import { IsOptional, IsUUID, Matches, MaxLength } from 'class-validator';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { appendAuditEvent } from '@threadline/db/audit/audit-log';
import { CHAMPION_ALIAS } from '@threadline/db/models/experiments';
import { moveAlias } from '@threadline/db/models/registry';
import { tenantOf, type Context } from '../../context.ts';
import { conflict, forbidden, notFound, requireUuid } from '../../common/errors.ts';
import { Approval } from '../waves/waves.types.ts';
import { ModelAlias } from './registry.types.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { personOf } from '../../auth/principal.ts';


@InputType()
export class PromotionRequestInput {
  @Field(() => ID) @IsUUID() versionId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@InputType()
export class PromotionDecisionInput {
  @Field(() => ID) @IsUUID() approvalId!: string;
  @Field(() => Boolean) approve!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

@InputType()
export class AliasRollbackInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => String, { defaultValue: CHAMPION_ALIAS }) @Matches(/^[a-z][a-z0-9_-]{0,39}$/) alias!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(4000) comment?: string;
}

/** What an approver sees and the audit trail keeps: both versions' metrics and the candidate's latest experiment. */
async function evidenceOf(ctx: Context, modelId: string, versionId: string): Promise<Record<string, JsonValue>> {
  const { tenant } = tenantOf(ctx);
  const [candidate, champion, experiment] = await Promise.all([
    tenant.modelVersion.findFirst({ where: { id: versionId }, select: { version: true, metrics: true } }),
    tenant.modelAlias.findFirst({ where: { modelId, alias: CHAMPION_ALIAS }, include: { modelVersion: { select: { id: true, version: true, metrics: true } } } }),
    tenant.experiment.findFirst({ where: { challengerVersionId: versionId }, orderBy: { startedAt: 'desc' }, select: { id: true, kind: true, status: true, result: true } }),
  ]);
  return {
    candidate: { versionId, version: candidate?.version ?? null, metrics: (candidate?.metrics ?? {}) as JsonValue },
    champion: champion ? { versionId: champion.modelVersion.id, version: champion.modelVersion.version, metrics: champion.modelVersion.metrics as JsonValue } : null,
    experiment: experiment ? { experimentId: experiment.id, kind: experiment.kind, status: experiment.status, result: experiment.result as JsonValue } : null,
  };
}

@Resolver()
export class PromotionResolver {
  @Authorized('model:write')
  @Mutation(() => Approval, { description: 'Asks an approver to make this version the champion; the approval carries the candidate\'s and the champion\'s metrics.' })
  async requestModelPromotion(@Arg('input', () => PromotionRequestInput) input: PromotionRequestInput, @Ctx() ctx: Context): Promise<Approval> {
    const { principal, tenant } = tenantOf(ctx);
    personOf(principal, 'Asking for a promotion');
    const version = await tenant.modelVersion.findFirst({ where: { id: input.versionId } });
    if (!version) throw notFound('ModelVersion', input.versionId);
    if (version.retiredAt) throw conflict('The version is retired.');
    const evidence = await evidenceOf(ctx, version.modelId, version.id);
    const id = await domainCommand(ctx, async (db, actor, organizationId) => {
      const [approval] = await db.$queryRawUnsafe<{ id: string }[]>(
        "INSERT INTO approvals (organization_id, subject_type, subject_id, status, requested_by_id, comment) VALUES ($1::uuid, 'MODEL_PROMOTION', $2::uuid, 'PENDING', $3::uuid, $4) RETURNING id",
        organizationId, version.id, principal.id, input.comment ?? null);
      await appendAuditEvent(db, { organizationId, type: 'approval.created', actor, subjectType: 'approval', subjectId: approval!.id, payload: { v: 1, subject: 'MODEL_PROMOTION', modelId: version.modelId, ...evidence } });
      return approval!.id;
    });
    return (await tenant.approval.findFirst({ where: { id } }))!;
  }

  @Authorized('model:promote')
  @Mutation(() => Approval, { description: 'Decides a promotion request; approving it moves the champion alias (and the deployments following it). The requester cannot decide their own request.' })
  async decideModelPromotion(@Arg('input', () => PromotionDecisionInput) input: PromotionDecisionInput, @Ctx() ctx: Context): Promise<Approval> {
    const { principal, tenant } = tenantOf(ctx);
    const approval = await tenant.approval.findFirst({ where: { id: input.approvalId, subjectType: 'MODEL_PROMOTION' } });
    if (!approval) throw notFound('Approval', input.approvalId);
    if (approval.status !== 'PENDING') throw conflict(`The request was already ${approval.status.toLowerCase()}.`);
    if (approval.requestedById === principal.id) throw forbidden('A promotion is decided by someone other than who requested it.');
    const version = await tenant.modelVersion.findFirst({ where: { id: approval.subjectId } });
    if (!version || version.retiredAt) throw conflict('The version is gone or retired; reject the request.');
    const evidence = await evidenceOf(ctx, version.modelId, version.id);
    await domainCommand(ctx, async (db, actor, organizationId) => {
      const status = input.approve ? 'APPROVED' : 'REJECTED';
      await db.$executeRawUnsafe(
        "UPDATE approvals SET status = $3::approval_status, approver_id = $4::uuid, decided_at = now(), comment = coalesce($5, comment) WHERE organization_id = $1::uuid AND id = $2::uuid AND status = 'PENDING'",
        organizationId, approval.id, status, principal.kind === 'USER' ? principal.id : null, input.comment ?? null);
      await appendAuditEvent(db, { organizationId, type: 'approval.updated', actor, subjectType: 'approval', subjectId: approval.id, payload: { v: 1, status, comment: input.comment ?? null, ...evidence } });
      if (input.approve) await moveAlias(db, organizationId, version.modelId, CHAMPION_ALIAS, version.id, actor, { approvalId: approval.id, ...evidence });
    });
    return (await tenant.approval.findFirst({ where: { id: approval.id } }))!;
  }

  @Authorized('model:promote')
  @Mutation(() => ModelAlias, { description: 'Moves an alias (the champion unless named) back to the version it named before its last move.' })
  async rollbackModelAlias(@Arg('input', () => AliasRollbackInput) input: AliasRollbackInput, @Ctx() ctx: Context): Promise<ModelAlias> {
    const { tenant } = tenantOf(ctx);
    const alias = await tenant.modelAlias.findFirst({ where: { modelId: requireUuid(input.modelId, 'modelId'), alias: input.alias } });
    if (!alias) throw notFound('ModelAlias', `${input.modelId}/${input.alias}`);
    if (!alias.previousVersionId) throw conflict(`Alias ${input.alias} has not moved yet; there is nothing to roll back to.`);
    const previous = alias.previousVersionId;
    await domainCommand(ctx, (db, actor, organizationId) => moveAlias(db, organizationId, input.modelId, input.alias, previous, actor, {
      rollback: true, rolledBackVersionId: alias.modelVersionId, comment: input.comment ?? null,
    }));
    return (await tenant.modelAlias.findFirst({ where: { modelId: input.modelId, alias: input.alias } }))!;
  }
}
