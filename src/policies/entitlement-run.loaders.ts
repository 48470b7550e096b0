import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { throughCache, type CacheRegion } from '../db/shared-cache';
import { cacheRegion } from '../db/cache-registry';
import type { Context } from '../kernel/context';
import type { LineageNode } from './scheme-rules';
import { entitlementRunRepository, type RunRow, type SchemeTotalRow, type TotalRow } from './entitlement-run.repository';

type TotalsKey = { nodeId: number; month: string };
const keyOf = (k: TotalsKey) => `${k.month}|${k.nodeId}`;

// A month's totals change only when a run of the month commits, and dashboards read them again and
// again: kept across requests, cleared by any change of the totals or of a scheme they name
// (db/shared-cache.ts) and by the API's own runs once they commit.

const totalsRegion = (dataSource: DataSource) => cacheRegion<string, readonly TotalRow[]>(dataSource, 'subsidy-totals');
const schemeTotalsRegion = (dataSource: DataSource) =>
  cacheRegion<string, readonly SchemeTotalRow[]>(dataSource, 'subsidy-totals-by-scheme');

/** Batches keys by month: one statement per month asked about, for every node not cached, at once. */
function totalsLoader<T extends TotalRow>(
  ctx: Context,
  region: CacheRegion<string, readonly T[]>,
  fetch: (db: Context['dataSource']['manager'], nodeIds: number[], month: string) => Promise<T[]>,
): DataLoader<TotalsKey, readonly T[], string> {
  return new DataLoader(
    async (keys) => {
      const byKey = await throughCache(region, keys.map(keyOf), async (missing) => {
        const read = new Map<string, T[]>(missing.map((key) => [key, []]));
        const wanted = keys.filter((k) => read.has(keyOf(k)));
        for (const month of new Set(wanted.map((k) => k.month))) {
          const nodeIds = wanted.filter((k) => k.month === month).map((k) => k.nodeId);
          for (const row of await fetch(ctx.db, nodeIds, month)) read.get(keyOf({ month, nodeId: row.nodeId }))!.push(Object.freeze(row));
        }
        return read;
      });
      return keys.map((k) => byKey.get(keyOf(k))!);
    },
    { cacheKeyFn: keyOf },
  );
}

/** The month's totals over all schemes of many nodes. */
export function subsidyTotalsLoader(ctx: Context): DataLoader<TotalsKey, readonly TotalRow[], string> {
  return totalsLoader(ctx, totalsRegion(ctx.dataSource), entitlementRunRepository.totals);
}

/** The month's totals scheme by scheme of many nodes, with who set each scheme. */
export function schemeTotalsLoader(ctx: Context): DataLoader<TotalsKey, readonly SchemeTotalRow[], string> {
  return totalsLoader(ctx, schemeTotalsRegion(ctx.dataSource), entitlementRunRepository.schemeTotals);
}

// A node's list of runs stays short: the latest this many.
const RUNS_PER_NODE = 100;

/** The month's runs that reached each of many nodes (run at it, above or below it), latest first: one statement per month. */
export function entitlementRunsLoader(ctx: Context): DataLoader<{ code: string; month: string }, (RunRow & { root: LineageNode })[], string> {
  return new DataLoader(
    async (keys) => {
      const byMonth = new Map<string, Awaited<ReturnType<typeof entitlementRunRepository.runsTouching>>>();
      for (const month of new Set(keys.map((k) => k.month))) {
        const codes = keys.filter((k) => k.month === month).map((k) => k.code);
        byMonth.set(month, await entitlementRunRepository.runsTouching(ctx.db, codes, month));
      }
      return keys.map(({ code, month }) =>
        byMonth
          .get(month)!
          .filter((run) => run.root.code.startsWith(code) || code.startsWith(run.root.code))
          .slice(0, RUNS_PER_NODE),
      );
    },
    { cacheKeyFn: (k) => `${k.month}|${k.code}` },
  );
}
