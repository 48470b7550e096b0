import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import type { Jurisdiction } from './jurisdiction.entity';
import { jurisdictionRepository } from './jurisdiction.repository';

export function jurisdictionByIdLoader(ctx: Context): DataLoader<number, Jurisdiction | null> {
  return new DataLoader(async (ids) => {
    const rows = await jurisdictionRepository.byIds(ctx.dataSource.manager, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function jurisdictionByCodeLoader(ctx: Context): DataLoader<string, Jurisdiction | null> {
  return new DataLoader(async (codes) => {
    const rows = await jurisdictionRepository.byCodes(ctx.dataSource.manager, codes);
    const byCode = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => byCode.get(code) ?? null);
  });
}

/** All children of many parents in one statement (siblings to rank, children to compare). */
export function allChildrenLoader(ctx: Context): DataLoader<number, Jurisdiction[]> {
  return new DataLoader(async (parentIds) => {
    const rows = await jurisdictionRepository.allChildrenOf(ctx.dataSource.manager, parentIds);
    const byParent = new Map<number, Jurisdiction[]>(parentIds.map((id) => [id, []]));
    for (const row of rows) byParent.get(row.parentId!)?.push(row);
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}

export interface ChildrenKey {
  parentId: number;
  afterCode: string | null;
  /** Rows to fetch: the page size plus one, to know whether another page follows. */
  limit: number;
}

/** Pages of children for many parents at once: one statement per distinct (after, limit) in a batch. */
export function childrenLoader(ctx: Context): DataLoader<ChildrenKey, Jurisdiction[], string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, ChildrenKey[]>();
      for (const key of keys) {
        const group = `${key.afterCode ?? ''}|${key.limit}`;
        const members = groups.get(group);
        if (members) members.push(key);
        else groups.set(group, [key]);
      }
      const byParent = new Map<string, Jurisdiction[]>();
      for (const group of groups.values()) {
        const { afterCode, limit } = group[0];
        const rows = await jurisdictionRepository.childrenOf(
          ctx.dataSource.manager,
          group.map((key) => key.parentId),
          afterCode,
          limit,
        );
        for (const row of rows) {
          const slot = `${row.parentId}|${afterCode ?? ''}|${limit}`;
          const page = byParent.get(slot);
          if (page) page.push(row);
          else byParent.set(slot, [row]);
        }
      }
      return keys.map((key) => byParent.get(`${key.parentId}|${key.afterCode ?? ''}|${key.limit}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.parentId}|${key.afterCode ?? ''}|${key.limit}` },
  );
}
