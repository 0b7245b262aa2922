// Frames in the graph: an asset's recent (or flagged) frames, labelling a frame for training, and
// the heat map of an insight a frame raised.
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { FrameLabel } from '@threadline/db/client';
import { frameById, labelFrame, recentFrames } from '@threadline/db/vision/frame-queries';
import { storedFrameEvidence } from '@threadline/db/vision/frame-scoring';
import { rawSqlOf } from '@threadline/db/sql';
import { tenantOf, type Context } from '../../context.ts';
import { readerFor } from '../../services.ts';
import { callerKey } from '../../auth/principal.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { badInput, notFound, requireUuid } from '../../common/errors.ts';
import { Insight } from '../models/models.types.ts';
import { Frame, FrameHeatMap } from './frames.types.ts';

const toFrame = (row: object) => Object.assign(new Frame(), row);

@Resolver(() => Frame)
export class FramesResolver {
  @Authorized('read')
  @Query(() => [Frame], { description: "An asset's camera frames, newest first; with flaggedOnly, those that raised an insight." })
  async frames(
    @Arg('assetId', () => ID) assetId: string,
    @Arg('limit', () => Int, { defaultValue: 24 }) limit: number,
    @Arg('flaggedOnly', () => Boolean, { defaultValue: false }) flaggedOnly: boolean,
    @Ctx() ctx: Context,
  ): Promise<Frame[]> {
    if (limit < 1 || limit > 200) throw badInput('limit lies between 1 and 200.', { field: 'limit' });
    const { principal } = tenantOf(ctx);
    const found = await recentFrames(
      rawSqlOf(readerFor(ctx.services, callerKey(principal)).pool),
      principal.organizationId,
      requireUuid(assetId, 'assetId'),
      limit,
      flaggedOnly,
    );
    return found.map(toFrame);
  }

  @Authorized('operations:write')
  @Mutation(() => Frame, {
    description:
      'Labels a frame GOOD or DEFECT (null clears it), as quality inspection found the part; audited. Vision training runs learn from labelled frames.',
  })
  async labelFrame(
    @Arg('id', () => ID) id: string,
    @Arg('label', () => FrameLabel, { nullable: true }) label: FrameLabel | null,
    @Ctx() ctx: Context,
  ): Promise<Frame> {
    const frameId = requireUuid(id);
    return domainCommand(ctx, async (db, actor, organizationId) => {
      if (!(await labelFrame(db, organizationId, frameId, label, actor))) throw notFound('Frame', frameId);
      return toFrame((await frameById(db, organizationId, frameId))!);
    });
  }
}

@Resolver(() => Insight)
export class InsightHeatMapFields {
  @FieldResolver(() => FrameHeatMap, { nullable: true, description: 'For an insight a camera frame raised: the frame and where in it the evidence lies.' })
  heatMap(@Root() insight: { explanation: unknown }): FrameHeatMap | null {
    return storedFrameEvidence(insight.explanation);
  }
}

export const frameResolvers = [FramesResolver, InsightHeatMapFields];
