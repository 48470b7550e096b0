import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import { entitlementRunRepository, type TotalRow } from './entitlement-run.repository';

type TotalsKey = { nodeId: number; month: string };
const keyOf = (k: TotalsKey) => `${k.month}|${k.nodeId}`;

function totalsLoader(ctx: Context, part: 'all' | 'schemes'): DataLoader<TotalsKey, TotalRow[], string> {
  return new DataLoader(
    async (keys) => {
      const byKey = new Map<string, TotalRow[]>(keys.map((k) => [keyOf(k), []]));
      for (const month of new Set(keys.map((k) => k.month))) {
        const nodeIds = keys.filter((k) => k.month === month).map((k) => k.nodeId);
        for (const row of await entitlementRunRepository.totals(ctx.dataSource.manager, nodeIds, month, part)) {
          byKey.get(keyOf({ month, nodeId: row.nodeId }))!.push(row);
        }
      }
      return keys.map((k) => byKey.get(keyOf(k))!);
    },
    { cacheKeyFn: keyOf },
  );
}

/** The month's totals over all schemes of many nodes: one statement per month asked about. */
export function subsidyTotalsLoader(ctx: Context): DataLoader<TotalsKey, TotalRow[], string> {
  return totalsLoader(ctx, 'all');
}

/** The month's totals scheme by scheme of many nodes: one statement per month asked about. */
export function schemeTotalsLoader(ctx: Context): DataLoader<TotalsKey, TotalRow[], string> {
  return totalsLoader(ctx, 'schemes');
}
