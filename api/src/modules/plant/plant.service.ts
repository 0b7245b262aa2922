// Rules of the plant model that the schema cannot state: the asset tree stays a tree, and a
// signal measures a property of its own asset's type.
import type { TenantClient } from '../../common/entity-repository.ts';
import { badInput } from '../../common/errors.ts';
import type { AssetInput, SignalInput } from './plant.inputs.ts';

const MAX_TREE_DEPTH = 32;

export async function prepareAsset(input: Partial<AssetInput>, tx: TenantClient, existingId?: string): Promise<Record<string, unknown>> {
  if (input.parentId) await assertAcyclic(tx, input.parentId, existingId);
  return { ...input };
}

async function assertAcyclic(tx: TenantClient, parentId: string, assetId: string | undefined): Promise<void> {
  let current: string | null = parentId;
  for (let depth = 0; current; depth += 1) {
    if (current === assetId) throw badInput('parentId would make the asset its own ancestor; choose a parent outside its subtree.', { field: 'parentId' });
    if (depth >= MAX_TREE_DEPTH) throw badInput(`The asset tree may be at most ${MAX_TREE_DEPTH} levels deep.`, { field: 'parentId' });
    const parent: { parentId: string | null } | null = await tx.asset.findFirst({ where: { id: current }, select: { parentId: true } });
    if (!parent) throw badInput(`parentId ${parentId} is not an asset of your organisation.`, { field: 'parentId' });
    current = parent.parentId;
  }
}

export async function prepareSignal(input: Partial<SignalInput>, tx: TenantClient, existing?: { assetId: string }): Promise<Record<string, unknown>> {
  const assetId = input.assetId ?? existing?.assetId;
  if (input.propertyId && assetId) {
    const asset = await tx.asset.findFirst({ where: { id: assetId }, select: { assetTypeId: true } });
    const property = await tx.assetTypeProperty.findFirst({ where: { id: input.propertyId }, select: { assetTypeId: true, unit: true } });
    if (!asset || !property || property.assetTypeId !== asset.assetTypeId) {
      throw badInput("propertyId must be a property of the asset's type.", { field: 'propertyId' });
    }
    return { ...input, unit: input.unit ?? property.unit };
  }
  return { ...input };
}
