import DataLoader from 'dataloader';
import type { Context } from '../graphql/context';
import { todayInChina } from '../graphql/dates';
import { rollupRepository, type NodeValue } from './rollup.repository';

export interface FigureKey {
  nodeId: number;
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

export const figureKey = (key: FigureKey) => `${key.nodeId}|${key.key}|${key.asOf ?? ''}`;

/** Per request: figures already read, by `figureKey`, for fields that answer without a promise. */
export function readFigures(): Map<string, ObservedValue> {
  return new Map();
}

/**
 * Figures of many nodes: today's in one statement per batch whatever the figures and nodes (a desk of
 * targets over several metrics), a past day's in one statement per (figure, day). A batch is sent once
 * the pass that asks for figures has settled, lookups answered from the server's caches (the tree,
 * targets and their allocations) included: a desk's progress figures and its allocation summaries'
 * figures of the children go in the same statement.
 */
export function figureLoader(ctx: Context): DataLoader<FigureKey, ObservedValue, string> {
  return new DataLoader(
    async (keys) => {
      const found = new Map<string, ObservedValue>();
      const reads: Promise<void>[] = [];
      const live = keys.filter((key) => key.asOf === null);
      if (live.length > 0) {
        reads.push(
          (async () => {
            const observedAt = new Date();
            const day = todayInChina(observedAt);
            const nodeIds = [...new Set(live.map((key) => key.nodeId))];
            const figures = [...new Set(live.map((key) => key.key))];
            // Every asked node × every asked figure: a few rows more than asked when a batch mixes them.
            const values = new Map(
              (await rollupRepository.values(ctx.dataSource.manager, nodeIds, figures)).map((row) => [figureKey({ nodeId: row.nodeId, key: row.key, asOf: null }), row.value]),
            );
            for (const key of live) found.set(figureKey(key), { value: values.get(figureKey(key)) ?? 0, observedAt, day });
          })(),
        );
      }
      const past = new Map<string, FigureKey[]>();
      for (const key of keys) {
        if (key.asOf === null) continue;
        const group = `${key.key}|${key.asOf}`;
        const members = past.get(group);
        if (members) members.push(key);
        else past.set(group, [key]);
      }
      // Today's figures and each past day's are separate statements: sent side by side, not one after the other.
      for (const members of past.values()) {
        reads.push(
          (async () => {
            const { key, asOf } = members[0];
            const nodeIds = [...new Set(members.map((member) => member.nodeId))];
            const observedAt = new Date();
            const values = await rollupRepository.valuesAsOf(ctx.dataSource.manager, nodeIds, key, asOf!);
            for (const nodeId of nodeIds) found.set(figureKey({ nodeId, key, asOf }), { value: values.get(nodeId) ?? 0, observedAt, day: asOf! });
          })(),
        );
      }
      await Promise.all(reads);
      return keys.map((key) => found.get(figureKey(key))!);
    },
    { cacheKeyFn: figureKey, batchScheduleFn: (send) => setImmediate(send) },
  );
}

/** Every figure under a key prefix for many nodes (facility statistics of a list of children). */
export function figureFamilyLoader(ctx: Context): DataLoader<number, { rows: NodeValue[]; observedAt: Date }> {
  return new DataLoader(async (nodeIds) => {
    const observedAt = new Date();
    const rows = await rollupRepository.valuesWithPrefixes(ctx.dataSource.manager, nodeIds, ['facilities:', 'beds:']);
    const byNode = new Map<number, NodeValue[]>(nodeIds.map((id) => [id, []]));
    for (const row of rows) byNode.get(row.nodeId)?.push(row);
    return nodeIds.map((id) => ({ rows: byNode.get(id) ?? [], observedAt }));
  });
}
