import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { throughCache } from '../db/shared-cache';
import type { Context } from '../kernel/context';
import type { SupervisionNote } from './desk.types';
import { supervisionRepository, type SupervisionItemRow } from './supervision.repository';

/** The notes of many items, oldest first, in one statement. */
export function notesLoader(ctx: Context): DataLoader<number, SupervisionNote[]> {
  return new DataLoader(async (ids) => {
    const byItem = new Map<number, SupervisionNote[]>(ids.map((id) => [id, []]));
    for (const row of await supervisionRepository.notesOf(ctx.db, ids)) byItem.get(row.itemId)!.push(row);
    return ids.map((id) => byItem.get(id)!);
  });
}

// A board's overdue items are kept across requests by issuer and day, cleared by any change of an item
// (db/shared-cache.ts) and by the API's own item writes once they commit.
const overdueLists = (dataSource: DataSource) =>
  cacheRegion<string, readonly SupervisionItemRow[]>(dataSource, 'overdue-supervision-items');

/** Overdue items by issuing jurisdiction and day: one statement per day asked about for those not kept, whatever the number of boards. */
export function overdueLoader(ctx: Context): DataLoader<{ issuerId: number; day: string }, readonly SupervisionItemRow[], string> {
  const keyOf = (key: { issuerId: number; day: string }) => `${key.issuerId}|${key.day}`;
  return new DataLoader(
    async (keys) => {
      const found = await throughCache(overdueLists(ctx.dataSource), keys.map(keyOf), async (missing) => {
        const lists = new Map<string, SupervisionItemRow[]>(missing.map((key) => [key, []]));
        const asked = keys.filter((key) => lists.has(keyOf(key)));
        for (const day of new Set(asked.map((key) => key.day))) {
          const issuers = asked.filter((key) => key.day === day).map((key) => key.issuerId);
          for (const row of await supervisionRepository.overdueIssuedAt(ctx.db, issuers, day)) lists.get(keyOf({ issuerId: row.issuerId, day }))!.push(Object.freeze(row));
        }
        return lists;
      });
      return keys.map((key) => found.get(keyOf(key)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}
