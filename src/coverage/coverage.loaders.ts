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

const figureKey = (key: FigureKey) => `${key.nodeId}|${key.key}|${key.asOf ?? ''}`;

/** One figure of many nodes: one statement per (figure, day) in a batch, whatever the number of nodes. */
export function figureLoader(ctx: Context): DataLoader<FigureKey, ObservedValue, string> {
  return new DataLoader(
    async (keys) => {
      const groups = new Map<string, FigureKey[]>();
      for (const key of keys) {
        const group = `${key.key}|${key.asOf ?? ''}`;
        const members = groups.get(group);
        if (members) members.push(key);
        else groups.set(group, [key]);
      }
      const found = new Map<string, ObservedValue>();
      for (const members of groups.values()) {
        const { key, asOf } = members[0];
        const nodeIds = [...new Set(members.map((member) => member.nodeId))];
        const observedAt = new Date();
        const day = asOf ?? todayInChina(observedAt);
        const values =
          asOf === null
            ? new Map((await rollupRepository.values(ctx.dataSource.manager, nodeIds, [key])).map((row) => [row.nodeId, row.value]))
            : await rollupRepository.valuesAsOf(ctx.dataSource.manager, nodeIds, key, asOf);
        for (const nodeId of nodeIds) found.set(figureKey({ nodeId, key, asOf }), { value: values.get(nodeId) ?? 0, observedAt, day });
      }
      return keys.map((key) => found.get(figureKey(key))!);
    },
    { cacheKeyFn: figureKey },
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
