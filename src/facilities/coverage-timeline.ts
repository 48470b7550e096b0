import { qualifies, type CoverageDefinition, type FacilityDayState } from './coverage-metrics';

/** One entry of a facility's history with its state afterwards; `day` is YYYY-MM-DD. */
export interface FacilityHistoryEntry extends FacilityDayState {
  facilityId: number;
  day: string;
}

/**
 * The days on which a unit's coverage changes (+1 covered, −1 uncovered) for one metric, from the
 * histories of the facilities located in it (entries in recorded order). A facility's state on a day
 * is the state after its last entry of that day.
 */
export function coverageFlips(history: readonly FacilityHistoryEntry[], definition: CoverageDefinition): Map<string, number> {
  const dayEnd = new Map<string, FacilityHistoryEntry>();
  for (const entry of history) dayEnd.set(`${entry.facilityId}|${entry.day}`, entry);

  const byFacility = new Map<number, FacilityHistoryEntry[]>();
  for (const entry of dayEnd.values()) {
    const list = byFacility.get(entry.facilityId);
    if (list) list.push(entry);
    else byFacility.set(entry.facilityId, [entry]);
  }

  // How many qualifying facilities start (+) or stop (−) on each day.
  const steps = new Map<string, number>();
  for (const entries of byFacility.values()) {
    entries.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    let was = false;
    for (const entry of entries) {
      const is = qualifies(definition, entry);
      if (is !== was) steps.set(entry.day, (steps.get(entry.day) ?? 0) + (is ? 1 : -1));
      was = is;
    }
  }

  const flips = new Map<string, number>();
  let open = 0;
  for (const day of [...steps.keys()].sort()) {
    const before = open > 0;
    open += steps.get(day)!;
    const after = open > 0;
    if (before !== after) flips.set(day, after ? 1 : -1);
  }
  return flips;
}

/** What must be added to `stored` flips to make them `wanted`, by day; days that already agree are left out. */
export function flipDifference(wanted: Map<string, number>, stored: Map<string, number>): Map<string, number> {
  const difference = new Map<string, number>();
  for (const day of new Set([...wanted.keys(), ...stored.keys()])) {
    const delta = (wanted.get(day) ?? 0) - (stored.get(day) ?? 0);
    if (delta !== 0) difference.set(day, delta);
  }
  return difference;
}
