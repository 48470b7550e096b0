import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { throughCache } from '../db/shared-cache';
import type { Context } from '../kernel/context';
import { pathOfCode } from '../kernel/division-codes';
import { procedureRepository, type ProcedureRow } from './procedure.repository';

/** A day and a node, keyed `${day}|${code}`: the procedure in force there that day. */
export const dayAndNode = (day: string, code: string) => `${day}|${code}`;

const inForce = (dataSource: DataSource) => cacheRegion<string, ProcedureRow | null>(dataSource, 'review-procedures');

// Every request shares what is cached: keep it frozen.
const frozen = (row: ProcedureRow): ProcedureRow =>
  Object.freeze({ ...row, jurisdiction: Object.freeze({ ...row.jurisdiction }), steps: Object.freeze(row.steps.map((s) => Object.freeze({ ...s }))) as ProcedureRow['steps'] });

/** Reads the keys not cached: one statement per day, for every node of the batch and their ancestors at once. */
async function load(ctx: Context, keys: readonly string[]): Promise<Map<string, ProcedureRow | null>> {
  const parsed = keys.map((key) => key.split('|') as [string, string]);
  const found = new Map<string, ProcedureRow | null>();
  for (const day of new Set(parsed.map(([d]) => d))) {
    const codes = parsed.filter(([d]) => d === day).map(([, code]) => code);
    const rows = await procedureRepository.inForceAt(ctx.db, [...new Set(codes.flatMap(pathOfCode))], day);
    const byCode = new Map(rows.map((row) => [row.jurisdiction.code, frozen(row)]));
    for (const code of codes) {
      const nearest = pathOfCode(code).reverse().find((c) => byCode.has(c));
      found.set(dayAndNode(day, code), nearest ? byCode.get(nearest)! : null);
    }
  }
  return found;
}

/** The procedure in force at each node on each day (its own, else its nearest ancestor's; null for none), through the cache. */
export function procedureInForceLoader(ctx: Context): DataLoader<string, ProcedureRow | null> {
  return new DataLoader(async (keys) => {
    const answers = await throughCache(inForce(ctx.dataSource), keys, (missing) => load(ctx, missing));
    return keys.map((key) => answers.get(key) ?? null);
  });
}

/** Procedure versions by id, through the same cache (any change of `review_procedure` clears it); unknown ids are left out. */
export async function proceduresById(ctx: Context, ids: readonly number[]): Promise<ProcedureRow[]> {
  const key = (id: number) => `id:${id}`;
  const answers = await throughCache(inForce(ctx.dataSource), ids.map(key), async (missing) => {
    const rows = await procedureRepository.byIds(ctx.db, missing.map((k) => Number(k.slice(3))));
    return new Map(rows.map((row) => [key(row.id), frozen(row)]));
  });
  return ids.flatMap((id) => answers.get(key(id)) ?? []);
}
