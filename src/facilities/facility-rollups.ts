import type { EntityManager } from 'typeorm';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { rollupRepository, type DatedDelta, type FigureDelta } from '../rollups/rollup.repository';
import { COVERED_PREFIX, coveredKey, currentFigures, metricsFor, type FacilityDayState } from './coverage-metrics';
import { facilityRepository, type FacilityRow } from './facility.repository';
import { coverageFlips, flipDifference, type FacilityHistoryEntry } from './coverage-timeline';

/** A facility's state as the roll-ups count it. */
export interface FacilityFigureState extends FacilityDayState {
  beds: { total: number; nursing: number; dementia: number };
}

/** A unit's coverage as read under the unit's lock: every history entry of its facilities, and its stored coverage changes by key. */
export interface LockedUnit {
  history: FacilityHistoryEntry[];
  stored: Map<string, Map<string, number>>;
}

interface FacilityChangeFacts {
  /** The jurisdiction the facility is located in. */
  unit: { id: number; code: string; level: JurisdictionLevel };
  before: FacilityFigureState | null;
  after: FacilityFigureState;
  /** Whether the facility's history gained an entry (registration, transition, services) that may move coverage. */
  historyChanged: boolean;
}

export type FacilityChange = FacilityChangeFacts &
  (
    | {
        /** Reads every history entry of the facilities in the unit, once the unit is locked. */
        unitHistory: () => Promise<FacilityHistoryEntry[]>;
      }
    | {
        /** The unit as `lockForChange` read it, its history with the change's entry added. */
        locked: LockedUnit;
      }
  );

/**
 * Locks facility `id` for a change (null when there is none) and its unit's roll-ups, and reads the
 * unit's coverage under that lock: the facility's row first, then the unit, then the reads, each
 * statement with a snapshot taken after the locks before it. On a pipelined transaction, one round trip.
 */
export async function lockForChange(tx: EntityManager, id: number): Promise<{ row: FacilityRow | null; unit: LockedUnit }> {
  const [row, , history, stored] = await Promise.all([
    facilityRepository.lock(tx, id),
    rollupRepository.lockUnitOfFacility(tx, id),
    facilityRepository.unitHistoryOfFacility(tx, id),
    rollupRepository.changesOfUnitOfFacility(tx, id, COVERED_PREFIX),
  ]);
  return { row, unit: { history, stored } };
}

/**
 * Brings the stored roll-ups of the facility's unit and all its ancestors up to date with one
 * change, inside the caller's transaction: today's figures, and the day-by-day coverage history
 * from the facility's history (back-dated entries included). Given the unit as `lockForChange` read
 * it, it sends its statements at once, without waiting for another answer first.
 */
export async function recordFacilityChange(tx: EntityManager, change: FacilityChange): Promise<void> {
  const current = new Map<string, number>();
  const add = (key: string, delta: number) => current.set(key, (current.get(key) ?? 0) + delta);
  for (const [key, value] of currentFigures(change.after)) add(key, value);
  if (change.before) for (const [key, value] of currentFigures(change.before)) add(key, -value);

  const dated: DatedDelta[] = [];
  const definitions = change.historyChanged ? metricsFor(change.after.type, change.unit.level) : [];
  if (definitions.length > 0) {
    const keys = definitions.map((definition) => coveredKey(definition.metric));
    const { history, stored } = 'locked' in change ? change.locked : await lockAndRead(tx, change.unit.id, keys, change.unitHistory);
    for (const definition of definitions) {
      const key = coveredKey(definition.metric);
      for (const [day, delta] of flipDifference(coverageFlips(history, definition), stored.get(key) ?? new Map())) {
        dated.push({ key, day, delta });
        add(key, delta);
      }
    }
  }
  const deltas: FigureDelta[] = [...current].filter(([, delta]) => delta !== 0).map(([key, delta]) => ({ key, delta }));
  await rollupRepository.apply(tx, change.unit.code, deltas, dated);
}

async function lockAndRead(tx: EntityManager, unitId: number, keys: readonly string[], unitHistory: () => Promise<FacilityHistoryEntry[]>): Promise<LockedUnit> {
  await rollupRepository.lockUnit(tx, unitId);
  const history = await unitHistory();
  return { history, stored: await rollupRepository.changesOf(tx, unitId, keys) };
}
