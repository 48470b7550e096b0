import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { populationRepository, type PopulationRow } from './population.repository';

export interface PopulationKey {
  nodeId: number;
  year: number;
}

const cacheKey = (key: PopulationKey) => `${key.nodeId}|${key.year}`;

/** The elderly population of many nodes: one statement per year asked for in a batch, whatever the number of nodes; null for a node without any figure. */
export function populationLoader(ctx: Context): DataLoader<PopulationKey, PopulationRow | null, string> {
  return new DataLoader(
    async (keys) => {
      const years = new Map<number, Set<number>>();
      for (const { nodeId, year } of keys) years.set(year, (years.get(year) ?? new Set()).add(nodeId));
      const found = new Map<string, PopulationRow>();
      for (const [year, nodeIds] of years) {
        for (const row of await populationRepository.rollup(ctx.db, [...nodeIds], year)) found.set(cacheKey({ nodeId: row.nodeId, year }), row);
      }
      return keys.map((key) => found.get(cacheKey(key)) ?? null);
    },
    { cacheKeyFn: cacheKey },
  );
}
