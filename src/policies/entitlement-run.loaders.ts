import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import type { LineageNode } from './entitlement.engine';
import { entitlementRunRepository, type RunRow, type SchemeTotalRow, type TotalRow } from './entitlement-run.repository';

type TotalsKey = { nodeId: number; month: string };
const keyOf = (k: TotalsKey) => `${k.month}|${k.nodeId}`;

/** Batches keys by month: one statement per month asked about, for every node at once. */
function totalsLoader<T extends TotalRow>(
  ctx: Context,
  fetch: (db: Context['dataSource']['manager'], nodeIds: number[], month: string) => Promise<T[]>,
): DataLoader<TotalsKey, T[], string> {
  return new DataLoader(
    async (keys) => {
      const byKey = new Map<string, T[]>(keys.map((k) => [keyOf(k), []]));
      for (const month of new Set(keys.map((k) => k.month))) {
        const nodeIds = keys.filter((k) => k.month === month).map((k) => k.nodeId);
        for (const row of await fetch(ctx.dataSource.manager, nodeIds, month)) byKey.get(keyOf({ month, nodeId: row.nodeId }))!.push(row);
      }
      return keys.map((k) => byKey.get(keyOf(k))!);
    },
    { cacheKeyFn: keyOf },
  );
}

/** The month's totals over all schemes of many nodes. */
export function subsidyTotalsLoader(ctx: Context): DataLoader<TotalsKey, TotalRow[], string> {
  return totalsLoader(ctx, entitlementRunRepository.totals);
}

/** The month's totals scheme by scheme of many nodes, with who set each scheme. */
export function schemeTotalsLoader(ctx: Context): DataLoader<TotalsKey, SchemeTotalRow[], string> {
  return totalsLoader(ctx, entitlementRunRepository.schemeTotals);
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
        byMonth.set(month, await entitlementRunRepository.runsTouching(ctx.dataSource.manager, codes, month));
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
