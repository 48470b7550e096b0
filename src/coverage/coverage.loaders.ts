import DataLoader from 'dataloader';
import { loader, type Context } from '../graphql/context';
import { todayInChina } from '../graphql/dates';
import { rollupRepository } from './rollup.repository';

/** One figure of many nodes, today (`asOf` null) or at the end of a past day. */
export interface FigureList {
  nodeIds: readonly number[];
  key: string;
  /** A past day, or null for today's figure. */
  asOf: string | null;
}

export interface ObservedValue {
  value: number;
  observedAt: Date;
  /** The day the value describes: the given past day, or the day in China when it was read. */
  day: string;
}

export const figureKey = (nodeId: number, key: string, asOf: string | null) => `${nodeId}|${key}|${asOf ?? ''}`;

/** Per request: figures already read, by `figureKey`, for fields that answer without a promise. */
export function readFigures(): Map<string, ObservedValue> {
  return new Map();
}

/**
 * Figures of many nodes, a list at a time (one load, and one promise, per list however long; each
 * list's values in its nodes' order): today's in one statement per batch whatever the figures and
 * nodes (a desk of targets over several metrics), a past day's in one statement per (figure, day).
 * Every figure read is kept in `readFigures`.
 */
export function figureLoader(ctx: Context): DataLoader<FigureList, ObservedValue[]> {
  return new DataLoader(
    async (lists) => {
      const read = loader(ctx, readFigures);
      const reads: Promise<void>[] = [];
      const live = lists.filter((list) => list.asOf === null);
      if (live.length > 0) {
        reads.push(
          (async () => {
            const observedAt = new Date();
            const day = todayInChina(observedAt);
            const nodeIds = new Set<number>();
            const keys = new Set<string>();
            for (const list of live) {
              keys.add(list.key);
              for (const nodeId of list.nodeIds) nodeIds.add(nodeId);
            }
            // Every asked node × every asked figure: a few rows more than asked when a batch mixes them.
            for (const row of await rollupRepository.values(ctx.dataSource.manager, [...nodeIds], [...keys])) {
              read.set(figureKey(row.nodeId, row.key, null), { value: row.value, observedAt, day });
            }
            const none: ObservedValue = { value: 0, observedAt, day };
            for (const list of live) {
              for (const nodeId of list.nodeIds) {
                const id = figureKey(nodeId, list.key, null);
                if (!read.has(id)) read.set(id, none);
              }
            }
          })(),
        );
      }
      const past = new Map<string, { key: string; asOf: string; nodeIds: Set<number> }>();
      for (const list of lists) {
        if (list.asOf === null) continue;
        const id = `${list.key}|${list.asOf}`;
        let group = past.get(id);
        if (!group) past.set(id, (group = { key: list.key, asOf: list.asOf, nodeIds: new Set() }));
        for (const nodeId of list.nodeIds) group.nodeIds.add(nodeId);
      }
      // Today's figures and each past day's are separate statements: sent side by side, not one after the other.
      for (const { key, asOf, nodeIds } of past.values()) {
        reads.push(
          (async () => {
            const ids = [...nodeIds];
            const observedAt = new Date();
            const values = await rollupRepository.valuesAsOf(ctx.dataSource.manager, ids, key, asOf);
            for (const nodeId of ids) read.set(figureKey(nodeId, key, asOf), { value: values.get(nodeId) ?? 0, observedAt, day: asOf });
          })(),
        );
      }
      await Promise.all(reads);
      return lists.map((list) => list.nodeIds.map((nodeId) => read.get(figureKey(nodeId, list.key, list.asOf))!));
    },
    { cache: false },
  );
}

/** Every figure under a key prefix for many nodes (facility statistics of a list of children). */
export function figureFamilyLoader(ctx: Context): DataLoader<number, { values: ReadonlyMap<string, number>; observedAt: Date }> {
  return new DataLoader(async (nodeIds) => {
    const observedAt = new Date();
    const rows = await rollupRepository.valuesWithPrefixes(ctx.dataSource.manager, nodeIds, ['facilities:', 'beds:']);
    const byNode = new Map<number, Map<string, number>>(nodeIds.map((id) => [id, new Map()]));
    for (const row of rows) byNode.get(row.nodeId)?.set(row.key, row.value);
    return nodeIds.map((id) => ({ values: byNode.get(id)!, observedAt }));
  });
}
