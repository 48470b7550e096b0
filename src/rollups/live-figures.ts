import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { figureNumber } from './rollup.repository';

// Today's figures of the nodes asked about, by node: kept across requests, each node's forgotten on the
// notice of a statement that changes its figures (a facility's change: its unit and the unit's
// ancestors), all of them on a rebuild. A county's board reads its towns', a province's its counties';
// a node read alone by its code brings all of its own and its siblings' coverage
// (jurisdictions/jurisdiction.loaders.ts).

export type KeptFigures = ReadonlyMap<string, number>;

export const liveFigures = (dataSource: DataSource) => cacheRegion<number, KeptFigures>(dataSource, 'live-figures');

// The keys of the coverage figures (facilities/coverage-metrics.ts `coveredKey`).
export const COVERAGE_KEY_PREFIX = 'covered:';

// In a node's kept figures: every figure of the node is there (or every coverage figure), so one of
// them missing is zero.
const EVERY_FIGURE = '#every';
const EVERY_COVERAGE_FIGURE = '#every-coverage';

/** The figure `key` among a node's kept figures: a number, or undefined when they do not tell. */
export function keptFigure(kept: KeptFigures | undefined, key: string): number | undefined {
  if (kept === undefined) return undefined;
  const value = kept.get(key);
  if (value !== undefined) return value;
  const known = kept.has(EVERY_FIGURE) || (key.startsWith(COVERAGE_KEY_PREFIX) && kept.has(EVERY_COVERAGE_FIGURE));
  return known ? 0 : undefined;
}

/** Whether a node's kept figures hold all of its figures. */
export const holdsEveryFigure = (kept: KeptFigures | undefined) => kept?.has(EVERY_FIGURE) === true;

/**
 * A node's figures to keep, from a read of all of them (`every`) or of all its coverage figures, by
 * key (null when it has none), added to those kept already.
 */
export function figuresToKeep(read: Record<string, string | number> | null, every: boolean, kept: KeptFigures | undefined): KeptFigures {
  const figures = new Map(kept);
  figures.set(every ? EVERY_FIGURE : EVERY_COVERAGE_FIGURE, 1);
  for (const [key, value] of Object.entries(read ?? {})) figures.set(key, figureNumber(value));
  return figures;
}
