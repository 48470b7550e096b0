import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { sharedCaches, throughCache } from '../db/shared-cache';
import type { Context } from '../graphql/context';
import { targetRepository, type TargetRow } from './target.repository';

// Targets change rarely and every board reads them: kept across requests, cleared by any change of a
// target or its phases (db/shared-cache.ts) and by the API's own target writes once they commit.
const TARGETS_CACHED = 20_000;
const ALLOCATION_LISTS_CACHED = 5_000;
export const TARGET_TABLES = ['target', 'target_phase_span'];

const targetsById = (dataSource: DataSource) => sharedCaches(dataSource).region<number, TargetRow | null>('targets-by-id', TARGET_TABLES, TARGETS_CACHED);
const allocationLists = (dataSource: DataSource) =>
  sharedCaches(dataSource).region<number, readonly TargetRow[]>('target-allocations', TARGET_TABLES, ALLOCATION_LISTS_CACHED);

const frozen = (row: TargetRow) => Object.freeze({ ...row, phases: Object.freeze(row.phases) }) as TargetRow;

/** Targets by id, one statement per batch of those not cached. */
export function targetByIdLoader(ctx: Context): DataLoader<number, TargetRow | null> {
  return new DataLoader(async (ids) => {
    const byId = await throughCache(targetsById(ctx.dataSource), ids, async (missing) => {
      const found = new Map<number, TargetRow | null>(missing.map((id) => [id, null]));
      for (const row of await targetRepository.byIds(ctx.dataSource.manager, missing)) found.set(row.id, frozen(row));
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
      for (const row of await targetRepository.allocationsOf(ctx.dataSource.manager, missing)) lists.get(row.allocatedFrom!)!.push(frozen(row));
      return lists;
    });
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}

/** Runs a target write, then clears the cached targets the moment it has committed (other servers follow on the notice). */
export async function changingTargets<T>(ctx: Context, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    sharedCaches(ctx.dataSource).invalidate('target');
  }
}
