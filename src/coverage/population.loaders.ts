import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { throughCache } from '../db/shared-cache';
import type { Context } from '../kernel/context';
import { populationRepository, type PopulationRow } from './population.repository';

export interface PopulationKey {
  nodeId: number;
  year: number;
}

const cacheKey = (key: PopulationKey) => `${key.nodeId}|${key.year}`;

// Kept across requests (every target and board of a share of the elderly reads it), a node without
// any figure included: `none` stands for it, as the region keeps no undefined.
const kept = (dataSource: DataSource) => cacheRegion<string, PopulationRow | 'none'>(dataSource, 'elderly-population');

/**
 * The elderly population of many nodes: what the servers keep, and the rest in one statement per year
 * asked for in a batch, whatever the number of nodes; null for a node without any figure.
 */
export function populationLoader(ctx: Context): DataLoader<PopulationKey, PopulationRow | null, string> {
  return new DataLoader(
    async (keys) => {
      const byKey = new Map(keys.map((key) => [cacheKey(key), key]));
      const found = await throughCache(kept(ctx.dataSource), [...byKey.keys()], async (missing) => {
        const years = new Map<number, number[]>();
        for (const { nodeId, year } of missing.map((key) => byKey.get(key)!)) years.set(year, [...(years.get(year) ?? []), nodeId]);
        const read = new Map<string, PopulationRow | 'none'>(missing.map((key) => [key, 'none']));
        for (const [year, nodeIds] of years) {
          for (const row of await populationRepository.rollup(ctx.db, nodeIds, year)) read.set(cacheKey({ nodeId: row.nodeId, year }), Object.freeze(row));
        }
        return read;
      });
      return keys.map((key) => {
        const row = found.get(cacheKey(key));
        return row === undefined || row === 'none' ? null : row;
      });
    },
    { cacheKeyFn: cacheKey },
  );
}
