import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import type { SchemeRule } from './scheme-rules';
import type { DatedFloor } from './facility-subsidy.model';
import { FACILITY_SCHEME_KINDS } from './policy-kinds';
import { policyRepository, type VersionRow } from './policy.repository';

/** Every version of many schemes in one statement, oldest first. */
export function schemeVersionsLoader(ctx: Context): DataLoader<number, VersionRow[]> {
  return new DataLoader(async (schemeIds) => {
    const rows = await policyRepository.versionsOf(ctx.db, schemeIds);
    const byScheme = new Map<number, VersionRow[]>(schemeIds.map((id) => [id, []]));
    for (const row of rows) byScheme.get(row.schemeId)?.push(row);
    return schemeIds.map((id) => byScheme.get(id) ?? []);
  });
}

/** A year and a node, keyed `${year}:${node id}`: the facility rules that node set for that year. */
export const yearAndNode = (year: number, nodeId: number) => `${year}:${nodeId}`;

/** Batches keys by year: one statement per year asked about, for every node at once. */
function byYear<T extends { owner: { id: number } }>(fetch: (year: number, nodeIds: number[]) => Promise<T[]>) {
  return async (keys: readonly string[]): Promise<T[][]> => {
    const parsed = keys.map((key) => key.split(':').map(Number) as [number, number]);
    const found = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const year of new Set(parsed.map(([y]) => y))) {
      const rows = await fetch(year, parsed.filter(([y]) => y === year).map(([, id]) => id));
      for (const row of rows) found.get(yearAndNode(year, row.owner.id))?.push(row);
    }
    return keys.map((key) => found.get(key)!);
  };
}

/** The versions of the facility schemes a node set that are in force at some time in a year. */
export function facilitySchemesLoader(ctx: Context): DataLoader<string, SchemeRule[]> {
  return new DataLoader(
    byYear((year, ids) => policyRepository.inForce(ctx.db, ids, `${year}-01`, `${year}-12`, FACILITY_SCHEME_KINDS)),
  );
}

/** The floors of the facility kinds a node set that are in force at some time in a year. */
export function facilityFloorsLoader(ctx: Context): DataLoader<string, DatedFloor[]> {
  return new DataLoader(
    byYear(async (year, ids) =>
      (await policyRepository.floorsOverlapping(ctx.db, ids, `${year}-01`, `${year}-12`)).filter((floor) =>
        FACILITY_SCHEME_KINDS.includes(floor.kind),
      ),
    ),
  );
}
