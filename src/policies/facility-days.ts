import { FacilityStatus, type FacilityService } from '../facilities/facility-kinds';

// A facility's dated history read day by day, as the facility subsidy rules count it.

/** The state after a day's last entry: what the facility was and offered; null before its first entry. */
export type DayState = { status: FacilityStatus; services: readonly FacilityService[] } | null;

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The facility's state at the end of every day from `first` to `last` (null before its first entry). */
export function dayStates(
  history: readonly { day: string; status: FacilityStatus; services: readonly FacilityService[] }[],
  first: string,
  last: string,
): { day: string; state: DayState }[] {
  const entries = [...history].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const days: { day: string; state: DayState }[] = [];
  let next = 0;
  let state: DayState = null;
  for (let ms = msOf(first); ms <= msOf(last); ms += DAY_MS) {
    const day = dayOf(ms);
    // The state on a day is the state after its last entry of that day.
    while (next < entries.length && entries[next].day <= day) state = entries[next++];
    days.push({ day, state });
  }
  return days;
}

const offers = (state: DayState, services: readonly FacilityService[]) => services.every((service) => state!.services.includes(service));
/** Whether the facility was OPERATING that day with every one of `services`. */
export const operatingWith = (state: DayState, services: readonly FacilityService[]) =>
  state !== null && state.status === FacilityStatus.OPERATING && offers(state, services);

/** A run of consecutive days (both inclusive). */
export interface OperatingRun {
  from: string;
  to: string;
  days: number;
}

/**
 * The longest run of consecutive `days` whose state `holds` and which reaches `notBefore` or later (a run
 * wholly before it counts for no later period); the first of equal runs. Null when no day holds.
 */
export function longestRun(days: readonly { day: string; state: DayState }[], holds: (state: DayState) => boolean, notBefore: string): OperatingRun | null {
  let best: OperatingRun | null = null;
  let start: number | null = null;
  days.forEach(({ day, state }, i) => {
    if (holds(state)) start ??= i;
    const ends = start !== null && (i === days.length - 1 || !holds(days[i + 1].state));
    if (!ends) return;
    const length = i - start! + 1;
    if (day >= notBefore && (best === null || length > best.days)) best = { from: days[start!].day, to: day, days: length };
    start = null;
  });
  return best;
}

/** The months of `year` from January to the month of `through`. */
export function monthsThrough(year: number, through: string): string[] {
  const last = Number(through.slice(5, 7));
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}
