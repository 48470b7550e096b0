import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { cachedOr, throughCache } from '../db/shared-cache';
import { cacheRegion } from '../db/cache-registry';
import { loader, type Context } from '../kernel/context';
import { targetRepository, type TargetFilter, type TargetRow } from './target.repository';

// Targets change rarely and every board and desk reads them: kept across requests (by id, allocation
// lists, pages of a subtree and their counts), cleared by any change of a
// target or its phases (db/shared-cache.ts) and by the API's own target writes once they commit.

const targetsById = (dataSource: DataSource) => cacheRegion<number, TargetRow | null>(dataSource, 'targets-by-id');
const allocationLists = (dataSource: DataSource) =>
  cacheRegion<number, readonly TargetRow[]>(dataSource, 'target-allocations');

const targetPages = (dataSource: DataSource) => cacheRegion<string, readonly TargetRow[]>(dataSource, 'target-pages');
const targetCounts = (dataSource: DataSource) => cacheRegion<string, number>(dataSource, 'target-counts');

const frozen = (row: TargetRow) => Object.freeze({ ...row, phases: Object.freeze(row.phases) }) as TargetRow;

/** Targets by id, one statement per batch of those not cached. */
export function targetByIdLoader(ctx: Context): DataLoader<number, TargetRow | null> {
  return new DataLoader(async (ids) => {
    const byId = await throughCache(targetsById(ctx.dataSource), ids, async (missing) => {
      const found = new Map<number, TargetRow | null>(missing.map((id) => [id, null]));
      for (const row of await targetRepository.byIds(ctx.db, missing)) found.set(row.id, frozen(row));
      return found;
    });
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** The allocations of many targets (their children's targets, in code order), one statement per batch of those not cached. */
export function allocationsLoader(ctx: Context): DataLoader<number, readonly TargetRow[]> {
  return new DataLoader(async (parentIds) => {
    const byParent = await throughCache(allocationLists(ctx.dataSource), parentIds, async (missing) => {
      const lists = new Map<number, TargetRow[]>(missing.map((id) => [id, []]));
      for (const row of await targetRepository.allocationsOf(ctx.db, missing)) lists.get(row.allocatedFrom!)!.push(frozen(row));
      return lists;
    });
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}

const filterKey = (filter: TargetFilter) => `${filter.underCode}|${filter.metric ?? ''}|${filter.allocated ?? ''}`;

/** A page of the targets set in a subtree (targetRepository.list), kept like the targets themselves. */
export async function targetPage(ctx: Context, filter: TargetFilter, beforeId: number | null, limit: number): Promise<readonly TargetRow[]> {
  const key = `${filterKey(filter)}|${beforeId ?? ''}|${limit}`;
  const pages = await throughCache(targetPages(ctx.dataSource), [key], async () => {
    const rows = await targetRepository.list(ctx.db, filter, beforeId, limit);
    return new Map([[key, Object.freeze(rows.map(frozen))]]);
  });
  return pages.get(key)!;
}

/** How many targets a subtree holds (targetRepository.count), kept like the targets themselves. */
export async function targetCount(ctx: Context, filter: TargetFilter): Promise<number> {
  const key = filterKey(filter);
  const counts = await throughCache(targetCounts(ctx.dataSource), [key], async () => new Map([[key, await targetRepository.count(ctx.db, filter)]]));
  return counts.get(key)!;
}

/** A target's allocations: at once from the server's cache, else through allocationsLoader. */
export function allocationsOf(ctx: Context, targetId: number): Promise<readonly TargetRow[]> {
  return cachedOr(allocationLists(ctx.dataSource), targetId, (id) => loader(ctx, allocationsLoader).load(id));
}
