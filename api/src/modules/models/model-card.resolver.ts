// Model.card (JSON) and Model.cardMarkdown: the model card with its EU AI Act class and NIST AI RMF
// controls (prisma/src/models/model-card.ts); GET /export/models/:id/card.md and .json download them.
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { buildModelCard, modelCardMarkdown, type ModelCard } from '@threadline/db/models/model-card';
import { tenantOf, type Context } from '../../context.ts';
import { Json } from '../../common/scalars.ts';
import { Model } from './models.types.ts';

/** Cards built in this request: asking for `card` and `cardMarkdown` builds the card once. */
const built = new WeakMap<Context, Map<string, Promise<ModelCard>>>();

function cardOf(ctx: Context, modelId: string): Promise<ModelCard> {
  const cards = built.get(ctx) ?? new Map<string, Promise<ModelCard>>();
  built.set(ctx, cards);
  if (!cards.has(modelId)) {
    const { principal, tenant } = tenantOf(ctx);
    cards.set(
      modelId,
      buildModelCard(tenant, principal.organizationId, modelId).then((card) => card!),
    );
  }
  return cards.get(modelId)!;
}

@Resolver(() => Model)
export class ModelCardResolver {
  @FieldResolver(() => Json, {
    description:
      'The model card: intended use, training data, champion metrics, limitations, owner, EU AI Act risk class with its obligations, and NIST AI RMF controls (MET or GAP with evidence).',
  })
  card(@Root() model: Model, @Ctx() ctx: Context): Promise<ModelCard> {
    return cardOf(ctx, model.id);
  }

  @FieldResolver(() => String, { description: 'The model card as Markdown.' })
  async cardMarkdown(@Root() model: Model, @Ctx() ctx: Context): Promise<string> {
    return modelCardMarkdown(await cardOf(ctx, model.id));
  }
}
