import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import { entitlementRunRepository, type TotalRow } from './entitlement-run.repository';

/** The stored totals of many nodes for a month: one statement per month asked about. */
export function subsidyTotalsLoader(ctx: Context): DataLoader<{ nodeId: number; month: string }, TotalRow[], string> {
  return new DataLoader(
    async (keys) => {
      const byKey = new Map<string, TotalRow[]>(keys.map((k) => [`${k.month}|${k.nodeId}`, []]));
      for (const month of new Set(keys.map((k) => k.month))) {
        const nodeIds = keys.filter((k) => k.month === month).map((k) => k.nodeId);
        for (const row of await entitlementRunRepository.totals(ctx.dataSource.manager, nodeIds, month)) {
          byKey.get(`${month}|${row.nodeId}`)!.push(row);
        }
      }
      return keys.map((k) => byKey.get(`${k.month}|${k.nodeId}`)!);
    },
    { cacheKeyFn: (k) => `${k.month}|${k.nodeId}` },
  );
}
