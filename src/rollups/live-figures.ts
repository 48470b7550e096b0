import type { DataSource } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { figureNumber } from './rollup.repository';

// Today's figures of the nodes asked about, by node: kept across requests, each node's forgotten on the
// notice of a statement that changes its figures (a facility's change: its unit and the unit's
// ancestors), all of them on a rebuild. A county's board reads its towns', a province's its counties';
// a node read alone by its code brings its own and its siblings' (jurisdictions/jurisdiction.loaders.ts).

export type KeptFigures = ReadonlyMap<string, number>;

export const liveFigures = (dataSource: DataSource) => cacheRegion<number, KeptFigures>(dataSource, 'live-figures');

// In a node's kept figures: every figure of the node is there, so one missing from them is zero.
const EVERY_FIGURE = '#every';

/** The figure `key` among a node's kept figures: a number, or undefined when they do not tell. */
export function keptFigure(kept: KeptFigures | undefined, key: string): number | undefined {
  if (kept === undefined) return undefined;
  return kept.get(key) ?? (kept.has(EVERY_FIGURE) ? 0 : undefined);
}

/** Whether a node's kept figures hold all of its figures. */
export const holdsEveryFigure = (kept: KeptFigures | undefined) => kept?.has(EVERY_FIGURE) === true;

/** Every figure of a node from its `rollup_value` rows as two arrays (null when it has none), to be kept. */
export function everyFigure(keys: readonly string[] | null, values: readonly (string | number)[] | null): KeptFigures {
  const kept = new Map<string, number>([[EVERY_FIGURE, 1]]);
  keys?.forEach((key, i) => kept.set(key, figureNumber(values![i])));
  return kept;
}
