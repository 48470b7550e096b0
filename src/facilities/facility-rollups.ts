import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { rollupRepository, type DatedDelta, type FigureDelta } from '../rollups/rollup.repository';
import { coveredKey, currentFigures, metricsFor, type FacilityDayState } from './coverage-metrics';
import { coverageFlips, flipDifference, type FacilityHistoryEntry } from './coverage-timeline';

/** A facility's state as the roll-ups count it. */
export interface FacilityFigureState extends FacilityDayState {
  beds: { total: number; nursing: number; dementia: number };
}

export interface FacilityChange {
  /** The jurisdiction the facility is located in. */
  unit: { id: number; code: string; level: JurisdictionLevel };
  before: FacilityFigureState | null;
  after: FacilityFigureState;
  /** Whether the facility's history gained an entry (registration, transition, services) that may move coverage. */
  historyChanged: boolean;
  /** Reads every history entry of the facilities in the unit, once the unit is locked. */
  unitHistory: () => Promise<FacilityHistoryEntry[]>;
}

/**
 * Brings the stored roll-ups of the facility's unit and all its ancestors up to date with one
 * change, inside the caller's transaction: today's figures, and the day-by-day coverage history
 * from the facility's history (back-dated entries included).
 */
export async function recordFacilityChange(tx: EntityManager, change: FacilityChange): Promise<void> {
  const current = new Map<string, number>();
  const add = (key: string, delta: number) => current.set(key, (current.get(key) ?? 0) + delta);
  for (const [key, value] of currentFigures(change.after)) add(key, value);
  if (change.before) for (const [key, value] of currentFigures(change.before)) add(key, -value);

  const dated: DatedDelta[] = [];
  const definitions = change.historyChanged ? metricsFor(change.after.type, change.unit.level) : [];
  if (definitions.length > 0) {
    await rollupRepository.lockUnit(tx, change.unit.id);
    const history = await change.unitHistory();
    const keys = definitions.map((definition) => coveredKey(definition.metric));
    const stored = await rollupRepository.changesOf(tx, change.unit.id, keys);
    for (const definition of definitions) {
      const key = coveredKey(definition.metric);
      for (const [day, delta] of flipDifference(coverageFlips(history, definition), stored.get(key)!)) {
        dated.push({ key, day, delta });
        add(key, delta);
      }
    }
  }
  const deltas: FigureDelta[] = [...current].filter(([, delta]) => delta !== 0).map(([key, delta]) => ({ key, delta }));
  await rollupRepository.apply(tx, change.unit.code, deltas, dated);
}
