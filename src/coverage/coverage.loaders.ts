import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { rollupRepository } from '../rollups/rollup.repository';

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

// Today's figures of the nodes asked about, by node: kept across requests, each node's forgotten on the
// notice of a statement that changes its figures (a facility's change: its unit and the unit's
// ancestors), all of them on a rebuild. A county's board reads its towns', a province's its counties'.
const liveFigures = (dataSource: DataSource) =>
  cacheRegion<number, ReadonlyMap<string, number>>(dataSource, 'live-figures');

/** Per request: figures already read, by `figureKey`, for fields that answer without a promise. */
export function readFigures(): Map<string, ObservedValue> {
  return new Map();
}

/**
 * Figures of many nodes, a list at a time (one load, and one promise, per list however long; each
 * list's values in its nodes' order): today's from the server's cache, those it does not hold in one
 * statement per batch whatever the figures and nodes (a desk of targets over several metrics); a
 * past day's in one statement per (figure, day).
 * Every figure read is kept in `readFigures`.
 */
export function figureLoader(ctx: Context): DataLoader<FigureList, ObservedValue[]> {
  return new DataLoader(
    async (lists) => {
      const read = loader(ctx, readFigures);
      const reads: Promise<void>[] = [];
      const live = lists.filter((list) => list.asOf === null);
      if (live.length > 0) {
        const observedAt = new Date();
        const day = todayInChina(observedAt);
        const cached = liveFigures(ctx.dataSource);
        const nodeIds = new Set<number>();
        const keys = new Set<string>();
        for (const list of live) {
          for (const nodeId of list.nodeIds) {
            const value = cached.peek(nodeId)?.get(list.key);
            cached.count(value !== undefined);
            if (value !== undefined) {
              read.set(figureKey(nodeId, list.key, null), { value, observedAt, day });
            } else {
              nodeIds.add(nodeId);
              keys.add(list.key);
            }
          }
        }
        if (nodeIds.size > 0) reads.push(readLive(ctx, cached, read, [...nodeIds], [...keys], observedAt, day));
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
            const values = await rollupRepository.valuesAsOf(ctx.db, ids, key, asOf);
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

/**
 * Today's figures of the nodes × keys from the database (a few more than asked when a batch mixes
 * nodes and keys), into the request's figures and, unless a notice came meanwhile, the cache; a figure
 * without a row is zero, and is kept as such.
 */
async function readLive(
  ctx: Context,
  cached: ReturnType<typeof liveFigures>,
  read: Map<string, ObservedValue>,
  nodeIds: readonly number[],
  keys: readonly string[],
  observedAt: Date,
  day: string,
): Promise<void> {
  const stamp = cached.stamp();
  const byNode = new Map<number, Map<string, number>>();
  for (const nodeId of nodeIds) byNode.set(nodeId, new Map(cached.peek(nodeId)));
  for (const values of byNode.values()) for (const key of keys) values.set(key, 0);
  for (const row of await rollupRepository.values(ctx.db, nodeIds, keys)) byNode.get(row.nodeId)!.set(row.key, row.value);
  for (const [nodeId, values] of byNode) {
    cached.fill(nodeId, values, stamp);
    for (const key of keys) read.set(figureKey(nodeId, key, null), { value: values.get(key)!, observedAt, day });
  }
}

// A node's kept figures hold every non-zero figure of the families once a family read filled them.
const FAMILIES = ['facilities:', 'beds:'];
const FAMILIES_KNOWN = '#families';

/**
 * The facility counts and beds of many nodes (facility statistics of a list of children): from the
 * server's cache, the nodes it does not hold in one statement. A node's map has its figures by key,
 * a figure missing from it being zero; it may hold the node's other figures too.
 */
export function figureFamilyLoader(ctx: Context): DataLoader<number, { values: ReadonlyMap<string, number>; observedAt: Date }> {
  return new DataLoader(async (nodeIds) => {
    const observedAt = new Date();
    const cached = liveFigures(ctx.dataSource);
    const byNode = new Map<number, ReadonlyMap<string, number>>();
    const missing: number[] = [];
    for (const nodeId of nodeIds) {
      const known = cached.peek(nodeId);
      cached.count(known?.has(FAMILIES_KNOWN) === true);
      if (known?.has(FAMILIES_KNOWN)) byNode.set(nodeId, known);
      else missing.push(nodeId);
    }
    if (missing.length > 0) {
      const stamp = cached.stamp();
      const read = new Map<number, Map<string, number>>(missing.map((nodeId) => [nodeId, new Map(cached.peek(nodeId)).set(FAMILIES_KNOWN, 1)]));
      for (const row of await rollupRepository.valuesWithPrefixes(ctx.db, missing, FAMILIES)) read.get(row.nodeId)!.set(row.key, row.value);
      for (const [nodeId, values] of read) {
        cached.fill(nodeId, values, stamp);
        byNode.set(nodeId, values);
      }
    }
    return nodeIds.map((nodeId) => ({ values: byNode.get(nodeId)!, observedAt }));
  });
}
