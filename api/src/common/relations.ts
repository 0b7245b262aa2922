// Declares an object type's relation fields as DataLoader-backed field resolvers, so that each
// relation costs one statement per response level however many parents there are.
import type { ClassType } from 'type-graphql';
import { Authorized, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Prisma } from '@threadline/db/client';
import { tenantOf, type Context } from '../context.ts';
import type { Row } from './entity-repository.ts';

export type Relation =
  | { kind: 'one'; model: Prisma.ModelName; type: () => ClassType<object>; key: string; nullable?: boolean; description?: string }
  | { kind: 'many'; model: Prisma.ModelName; type: () => ClassType<object>; foreignKey: string; orderKey?: string; description?: string };

export const belongsTo = (model: Prisma.ModelName, type: () => ClassType<object>, key: string, nullable = false): Relation => ({
  kind: 'one',
  model,
  type,
  key,
  nullable,
});

export const hasMany = (model: Prisma.ModelName, type: () => ClassType<object>, foreignKey: string, orderKey?: string): Relation => ({
  kind: 'many',
  model,
  type,
  foreignKey,
  ...(orderKey ? { orderKey } : {}),
});

export function relationResolver(typeName: string, root: () => ClassType<object>, relations: Record<string, Relation>): ClassType {
  class RelationFields {}
  for (const [field, relation] of Object.entries(relations)) {
    const resolve = (parent: Row, ctx: Context): Promise<unknown> => {
      const { loaders } = tenantOf(ctx);
      if (relation.kind === 'many') return loaders.manyBy(relation.model, relation.foreignKey, relation.orderKey).load(parent.id);
      const key = parent[relation.key] as string | null;
      return key ? loaders.byId(relation.model).load(key) : Promise.resolve(null);
    };
    Object.defineProperty(RelationFields.prototype, field, { value: resolve, writable: true, configurable: true });
    const descriptor = Object.getOwnPropertyDescriptor(RelationFields.prototype, field)!;
    const returns = relation.kind === 'many' ? () => [relation.type()] : relation.type;
    Root()(RelationFields.prototype, field, 0);
    Ctx()(RelationFields.prototype, field, 1);
    Authorized('read')(RelationFields.prototype, field, descriptor);
    FieldResolver(returns, { name: field, nullable: relation.kind === 'one' ? Boolean(relation.nullable) : false })(
      RelationFields.prototype,
      field,
      descriptor,
    );
  }
  Object.defineProperty(RelationFields, 'name', { value: `${typeName}Relations` });
  Resolver(root)(RelationFields);
  return RelationFields;
}
