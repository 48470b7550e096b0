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

/** The months of `year` from January to the month of `through`. */
export function monthsThrough(year: number, through: string): string[] {
  const last = Number(through.slice(5, 7));
  return Array.from({ length: last }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}
