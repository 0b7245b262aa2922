// Per-request DataLoaders: every relation of every row in a response is fetched with one
// statement per (model, key) and tick, whatever the list sizes.
import DataLoader from 'dataloader';
import type { Prisma } from '@threadline/db/client';
import { delegateOf, type Row, type TenantClient } from './entity-repository.ts';

export class Loaders {
  private readonly loaders = new Map<string, DataLoader<string, unknown>>();

  constructor(private readonly client: TenantClient) {}

  /** Rows of `model` by primary key; null where absent (or another tenant's). */
  byId(model: Prisma.ModelName): DataLoader<string, Row | null> {
    return this.cached(`${model}#id`, async (ids) => {
      const rows = await delegateOf(this.client, model).findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /** Rows of `model` whose `field` equals each key, in `orderKey` order (then by id, where rows have one). */
  manyBy(model: Prisma.ModelName, field: string, orderKey = 'createdAt', byId = true): DataLoader<string, Row[]> {
    return this.cached(`${model}#${field}`, async (keys) => {
      const rows = await delegateOf(this.client, model).findMany({
        where: { [field]: { in: [...keys] } },
        orderBy: byId ? [{ [orderKey]: 'asc' }, { id: 'asc' }] : [{ [orderKey]: 'asc' }],
      });
      const groups = new Map<string, Row[]>(keys.map((key) => [key, []]));
      for (const row of rows) groups.get(row[field] as string)?.push(row);
      return keys.map((key) => groups.get(key) ?? []);
    });
  }

  /** A loader of its own, by `key`: one `batch` call per tick for every key asked for. */
  cached<V>(key: string, batch: (keys: readonly string[]) => Promise<V[]>): DataLoader<string, V> {
    let loader = this.loaders.get(key) as DataLoader<string, V> | undefined;
    if (!loader) {
      loader = new DataLoader<string, V>(batch, { maxBatchSize: 1000 });
      this.loaders.set(key, loader as DataLoader<string, unknown>);
    }
    return loader;
  }
}
