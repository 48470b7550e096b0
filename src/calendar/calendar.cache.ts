import type { EntityManager } from 'typeorm';
import { cacheRegion } from '../db/cache-registry';
import { insideTransaction } from '../db/transaction';
import { calendarRepository, type CalendarYearRow } from './calendar.repository';
import { PACKAGE_YEARS } from './package-calendar';
import { WorkingCalendar, type YearArrangement } from './working-days';

/**
 * The working-day calendar that applies at a node, for the features that count deadlines inside their
 * own transactions. The arrangements entered along the node's path are kept in the
 * `working-calendars` region (cleared by the notices of `working_calendar_year` and `jurisdiction`);
 * inside a transaction, which may not fill a region, the transaction keeps what it read itself. A
 * second call for the same node costs no statement either way.
 */

/** A node by its id or by its ltree path ("32.3210.321012"). */
export type CalendarNode = number | string;

type Entered = ReadonlyMap<number, YearArrangement>;

const inTransaction = new WeakMap<EntityManager, Map<string, Entered>>();
// Transactions that entered an arrangement: the region, which holds only committed ones, no longer answers them.
const entering = new WeakSet<EntityManager>();

function keyOf(node: CalendarNode): string {
  return typeof node === 'number' ? `id:${node}` : `path:${node}`;
}

/** A stored revision as the calendar reads it. */
export function arrangementOf(row: CalendarYearRow): YearArrangement {
  return Object.freeze({
    year: row.year,
    holidays: new Map(row.holidays.map((day) => [day.date, day.name])),
    makeupDays: new Map(row.makeupDays.map((day) => [day, '调休上班'])),
    origin: Object.freeze({
      kind: 'ENTERED' as const,
      jurisdictionCode: row.jurisdictionCode,
      revision: row.revision,
      sourceTitle: row.sourceTitle,
      sourceNumber: row.sourceNumber,
      enteredBy: row.enteredBy,
      enteredAt: row.enteredAt,
    }),
  });
}

async function readEntered(db: EntityManager, node: CalendarNode): Promise<Entered> {
  const rows = await calendarRepository.effectiveAlong(db, typeof node === 'number' ? { id: node } : { path: node });
  return new Map(rows.map((row) => [row.year, arrangementOf(row)]));
}

/** The arrangements entered at the node or above it (nearest first, latest revision), by year. */
async function enteredAlong(db: EntityManager, node: CalendarNode): Promise<Entered> {
  const key = keyOf(node);
  const region = cacheRegion<string, Entered>(db.connection, 'working-calendars');
  const cached = entering.has(db) ? undefined : region.get(key);
  if (cached) return cached;
  if (insideTransaction()) {
    let kept = inTransaction.get(db);
    if (!kept) inTransaction.set(db, (kept = new Map()));
    const found = kept.get(key) ?? (await readEntered(db, node));
    kept.set(key, found);
    return found;
  }
  const stamp = region.stamp();
  const found = await readEntered(db, node);
  region.fill(key, found, stamp);
  return found;
}

/** Forgets what transaction `tx` kept: it has just entered an arrangement. */
export function forgetInTransaction(tx: EntityManager): void {
  inTransaction.delete(tx);
  entering.add(tx);
}

/**
 * The calendar at the node: each year from the nearest arrangement entered at or above it, else from
 * the package; a year neither knows is refused naming `field`.
 */
export async function calendarAt(db: EntityManager, node: CalendarNode, field = 'from'): Promise<WorkingCalendar> {
  return calendarOf(await enteredAlong(db, node), field);
}

// The years of each set of entered arrangements (the region keeps the sets): built once, not at every count.
const yearsOf = new WeakMap<Entered, ReadonlyMap<number, YearArrangement>>();

function calendarOf(entered: Entered, field: string): WorkingCalendar {
  let years = yearsOf.get(entered);
  if (!years) {
    const merged = new Map(PACKAGE_YEARS);
    for (const [year, arrangement] of entered) merged.set(year, arrangement);
    yearsOf.set(entered, (years = merged));
  }
  return new WorkingCalendar(years, field);
}

/**
 * The calendars at several nodes (by id), for a list that counts days at many nodes: what the region
 * holds costs nothing, the rest is read in one statement. Not for use inside a transaction.
 */
export async function calendarsAt(db: EntityManager, ids: readonly number[], field = 'from'): Promise<Map<number, WorkingCalendar>> {
  const region = cacheRegion<string, Entered>(db.connection, 'working-calendars');
  const entered = new Map<number, Entered>();
  for (const id of new Set(ids)) {
    const cached = region.get(keyOf(id));
    if (cached) entered.set(id, cached);
  }
  const missing = [...new Set(ids)].filter((id) => !entered.has(id));
  if (missing.length > 0) {
    const stamp = region.stamp();
    const rows = await calendarRepository.effectiveAlongIds(db, missing);
    for (const id of missing) {
      const found: Entered = new Map(rows.filter((row) => row.nodeId === id).map((row) => [row.year, arrangementOf(row)]));
      region.fill(keyOf(id), found, stamp);
      entered.set(id, found);
    }
  }
  return new Map([...entered].map(([id, years]) => [id, calendarOf(years, field)]));
}

/** The day `workingDays` working days after `from` at the node (day 0: `from`, or the next working day when it is not one). */
export async function dueDate(db: EntityManager, node: CalendarNode, from: string, workingDays: number): Promise<string> {
  return (await calendarAt(db, node)).addWorkingDays(from, workingDays);
}

/** The working days elapsed at the node from `from`'s day 0 up to and including `on` (0 when `on` is not after it). */
export async function workingDaysElapsed(db: EntityManager, node: CalendarNode, from: string, on: string): Promise<number> {
  return (await calendarAt(db, node)).workingDaysBetween(from, on);
}
