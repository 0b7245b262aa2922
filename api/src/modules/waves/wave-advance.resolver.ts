// Wave scope within policy, gates evaluated from measurements, and advancing a wave: requested
// with the gates as evidence, decided by another person with approval:decide, refused while a
// gate fails (prisma/src/waves).
import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import { decideWaveAdvance, requestWaveAdvance } from '@threadline/db/waves/advance';
import { evaluateWaveGates } from '@threadline/db/waves/gates';
import { addToWaveScope, removeFromWaveScope, waveCoverage } from '@threadline/db/waves/scope';
import { tenantOf, type Context } from '../../context.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { notFound, requireUuid } from '../../common/errors.ts';
import { personOf } from '../../auth/principal.ts';
import { Approval, GateDecision, GateEvaluation, ScalingWave, WaveCoverage } from './waves.types.ts';
import { WaveAdvanceDecisionInput, WaveAdvanceRequestInput, WaveScopeInput } from './waves.inputs.ts';

async function waveOf(ctx: Context, id: string): Promise<ScalingWave> {
  const wave = await tenantOf(ctx).tenant.scalingWave.findFirst({ where: { id } });
  if (!wave) throw notFound('ScalingWave', id);
  return wave;
}

@Resolver(() => ScalingWave)
export class WaveAdvanceResolver {
  @Authorized('usecase:write')
  @Mutation(() => ScalingWave, {
    description:
      "Adds assets, lines or sites to a planned or active wave; refused with the reason when the scope would then cover more than the wave's policy allows (a pilot at most 5 assets).",
  })
  async addWaveScope(@Arg('input', () => WaveScopeInput) input: WaveScopeInput, @Ctx() ctx: Context): Promise<ScalingWave> {
    await domainCommand(ctx, (db, actor, organizationId) => addToWaveScope(db, organizationId, input.waveId, input, actor));
    return waveOf(ctx, input.waveId);
  }

  @Authorized('usecase:write')
  @Mutation(() => ScalingWave, { description: "Takes one item out of a planned or active wave's scope." })
  async removeWaveScopeItem(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ScalingWave> {
    const item = await tenantOf(ctx).tenant.waveScopeItem.findFirst({ where: { id: requireUuid(id) } });
    if (!item) throw notFound('WaveScopeItem', id);
    await domainCommand(ctx, (db, actor, organizationId) => removeFromWaveScope(db, organizationId, id, actor));
    return waveOf(ctx, item.waveId);
  }

  @Authorized('usecase:write')
  @Mutation(() => [GateEvaluation], {
    description: "Evaluates the wave's KPI gates from measurements now and stores the result on each gate (the workers do this every hour).",
  })
  async evaluateWaveGates(@Arg('waveId', () => ID) waveId: string, @Ctx() ctx: Context): Promise<GateEvaluation[]> {
    const wave = await waveOf(ctx, requireUuid(waveId, 'waveId'));
    return domainCommand(ctx, (db, _actor, organizationId) => evaluateWaveGates(db, organizationId, wave.id));
  }

  @Authorized('usecase:write')
  @Mutation(() => Approval, {
    description: 'Asks an approver to advance an active wave; the gates are evaluated now and kept with the request. The wave waits in GATE_REVIEW.',
  })
  async requestWaveAdvance(@Arg('input', () => WaveAdvanceRequestInput) input: WaveAdvanceRequestInput, @Ctx() ctx: Context): Promise<Approval> {
    const requestedById = personOf(tenantOf(ctx).principal, 'Asking to advance a wave');
    const { approval } = await domainCommand(ctx, (db, actor, organizationId) =>
      requestWaveAdvance(db, { organizationId, waveId: input.waveId, requestedById, rationale: input.rationale }, actor),
    );
    return approval;
  }

  @Authorized('approval:decide')
  @Mutation(() => GateDecision, {
    description:
      "Decides a request to advance: approving passes the wave, starts the next phase's wave and rolls the use case's models out to its scope, but only when every gate passes now (CONFLICT otherwise, even with an approval); rejecting holds the wave.",
  })
  async decideWaveAdvance(@Arg('input', () => WaveAdvanceDecisionInput) input: WaveAdvanceDecisionInput, @Ctx() ctx: Context): Promise<GateDecision> {
    const approverId = personOf(tenantOf(ctx).principal, 'Deciding a gate');
    const { gateDecision } = await domainCommand(ctx, (db, actor, organizationId) =>
      decideWaveAdvance(
        db,
        {
          organizationId,
          approvalId: requireUuid(input.approvalId, 'approvalId'),
          approverId,
          approve: input.approve,
          comment: input.comment ?? null,
        },
        actor,
      ),
    );
    return gateDecision;
  }

  @FieldResolver(() => WaveCoverage, { description: "How many assets, lines and sites the wave's scope covers." })
  async coverage(@Root() wave: ScalingWave, @Ctx() ctx: Context): Promise<WaveCoverage> {
    const { principal, tenant } = tenantOf(ctx);
    return waveCoverage(tenant, principal.organizationId, wave.id);
  }
}
