import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import { targetRepository, type TargetRow } from './target.repository';

/** Targets by id, one statement per batch. */
export function targetByIdLoader(ctx: Context): DataLoader<number, TargetRow | null> {
  return new DataLoader(async (ids) => {
    const rows = new Map((await targetRepository.byIds(ctx.dataSource.manager, ids)).map((row) => [row.id, row]));
    return ids.map((id) => rows.get(id) ?? null);
  });
}

/** The allocations of many targets (their children's targets, in code order), one statement per batch. */
export function allocationsLoader(ctx: Context): DataLoader<number, TargetRow[]> {
  return new DataLoader(async (parentIds) => {
    const byParent = new Map<number, TargetRow[]>(parentIds.map((id) => [id, []]));
    for (const row of await targetRepository.allocationsOf(ctx.dataSource.manager, parentIds)) byParent.get(row.allocatedFrom!)!.push(row);
    return parentIds.map((id) => byParent.get(id)!);
  });
}
