// The assets a deployment scores now (deployment-scope.ts): its asset type within its target's
// site and its use case's rolled-out wave scope, less or only its A/B arm.
import { FieldResolver, Resolver, Root, Ctx } from 'type-graphql';
import { assetsScoredBy as assetIdsScoredBy } from '@threadline/db/models/deployment-scope';
import { tenantOf, type Context } from '../../context.ts';
import { Asset } from '../plant/plant.types.ts';
import { Deployment } from './models.types.ts';

export async function assetsScoredBy(ctx: Context, deploymentId: string | null): Promise<Asset[]> {
  if (!deploymentId) return [];
  const { principal, tenant } = tenantOf(ctx);
  const ids = await assetIdsScoredBy(tenant, principal.organizationId, deploymentId);
  return tenant.asset.findMany({ where: { id: { in: ids } }, orderBy: { code: 'asc' } });
}

@Resolver(() => Deployment)
export class DeploymentAssetsResolver {
  @FieldResolver(() => [Asset], { description: 'The assets the deployment scores now: none unless it is live.' })
  async assets(@Root() deployment: Deployment, @Ctx() ctx: Context): Promise<Asset[]> {
    return assetsScoredBy(ctx, deployment.id);
  }
}
