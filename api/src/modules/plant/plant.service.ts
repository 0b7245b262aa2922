// Rules of the plant model that the schema cannot state: the asset tree stays a tree, a signal
// measures a property of its own asset's type, and a calculated signal's expression holds up.
import type { TenantClient } from '../../common/entity-repository.ts';
import { badInput } from '../../common/errors.ts';
import type { AssetInput, SignalInput } from './plant.inputs.ts';
import { checkCalculation } from '@threadline/db/telemetry/calculations';
import type { RawSql } from '@threadline/db/sql';
import { withCodedErrors } from '../../common/domain-command.ts';

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

type StoredSignal = {
  id: string;
  assetId: string;
  name: string;
  unit: string | null;
  sourceProtocol: string;
  sourceAddress: string;
  expression: string | null;
};

export async function prepareSignal(
  input: Partial<SignalInput>,
  tx: TenantClient,
  organizationId: string,
  existing?: StoredSignal,
): Promise<Record<string, unknown>> {
  const assetId = input.assetId ?? existing?.assetId;
  let data: Record<string, unknown> = { ...input };
  if (input.propertyId && assetId) {
    const asset = await tx.asset.findFirst({ where: { id: assetId }, select: { assetTypeId: true } });
    const property = await tx.assetTypeProperty.findFirst({ where: { id: input.propertyId }, select: { assetTypeId: true, unit: true } });
    if (!asset || !property || property.assetTypeId !== asset.assetTypeId) {
      throw badInput("propertyId must be a property of the asset's type.", { field: 'propertyId' });
    }
    data = { ...data, unit: input.unit ?? property.unit };
  }
  return withCodedErrors(() => prepareSource(data, tx, organizationId, existing));
}

/** A CALCULATED signal's expression checked (its unit taken from it when none is given) and its address made; any other's address required. */
async function prepareSource(
  data: Record<string, unknown>,
  tx: TenantClient,
  organizationId: string,
  existing?: StoredSignal,
): Promise<Record<string, unknown>> {
  const protocol = (data.sourceProtocol as string | undefined) ?? existing?.sourceProtocol;
  const expression = data.expression === undefined ? existing?.expression : (data.expression as string | null);
  if (protocol !== 'CALCULATED') {
    if (data.expression) throw badInput('expression is for CALCULATED signals only; set sourceProtocol to CALCULATED.', { field: 'expression' });
    if (!data.sourceAddress && !existing?.sourceAddress) throw badInput(`sourceAddress is required for ${protocol} signals.`, { field: 'sourceAddress' });
    return existing?.sourceProtocol === 'CALCULATED' ? { ...data, expression: null } : data;
  }
  if (!expression) throw badInput('expression is required for CALCULATED signals, e.g. sum(line.power).', { field: 'expression' });
  const assetId = (data.assetId as string | undefined) ?? existing!.assetId;
  const name = (data.name as string | undefined) ?? existing!.name;
  const unit = await checkCalculation(tx as unknown as RawSql, organizationId, {
    ...(existing ? { id: existing.id } : {}),
    assetId,
    name,
    expression,
    unit: data.unit === undefined ? (existing?.unit ?? null) : ((data.unit as string | null) ?? null),
  });
  return {
    ...data,
    unit,
    sourceAddress: data.sourceAddress ?? (existing?.sourceProtocol === 'CALCULATED' ? existing.sourceAddress : `calculated:${assetId}/${name}`),
  };
}
