import type { PersonFacts } from './person-facts';
import { AbilityStanding, AgeBand, HardshipCategory, PersonStatus, type AbilityLevel } from './elderly-kinds';

// What one person adds to the people counts of their village (and so of every ancestor), as dated
// changes: +1 on the day they start counting under a key, −1 on the day they stop. Ages and
// assessment expiry move with the calendar, so the changes include days still to come (the next
// decade birthday, the day after an assessment's validUntil); a figure on day D is the sum of the
// changes up to D, exact on any day without a nightly job. The rebuild (coverage/rollup.rebuild.ts)
// computes the same changes set-wise in SQL: keep the two in step.

export const PEOPLE_TOTAL_KEY = 'people:total';
export const CATEGORY_KEY_PREFIX = 'people:category:';
export const ABILITY_KEY_PREFIX = 'people:ability:';
export const categoryKey = (category: HardshipCategory) => `${CATEGORY_KEY_PREFIX}${category}`;
export const abilityKey = (standing: AbilityStanding) => `${ABILITY_KEY_PREFIX}${standing}`;
export const ageBandKey = (band: AgeBand) => `people:age:${band}`;

/** Every key of the people counts: the total, each category, each ability standing, each age band. */
export const PEOPLE_KEYS: readonly string[] = [
  PEOPLE_TOTAL_KEY,
  ...Object.values(HardshipCategory).map(categoryKey),
  ...Object.values(AbilityStanding).map(abilityKey),
  ...Object.values(AgeBand).map(ageBandKey),
];

/** Each band's ages in completed years: from `from` up to, not including, `to` (null: no upper end). */
export const AGE_BANDS: readonly { band: AgeBand; from: number; to: number | null }[] = [
  { band: AgeBand.UNDER_60, from: 0, to: 60 },
  { band: AgeBand.AGE_60_69, from: 60, to: 70 },
  { band: AgeBand.AGE_70_79, from: 70, to: 80 },
  { band: AgeBand.AGE_80_89, from: 80, to: 90 },
  { band: AgeBand.AGE_90_99, from: 90, to: 100 },
  { band: AgeBand.AGE_100_PLUS, from: 100, to: null },
];

/** A person as the counts read them: the facts the entitlement rules read, with where they live and since when they are registered. */
export interface PersonFigureFacts extends Pick<PersonFacts, 'birthDate' | 'status' | 'statusSince' | 'residentSince' | 'categories' | 'assessments'> {
  /** The village or community they live in (12-digit code): their figures count there and in every ancestor. */
  villageCode: string;
  /** The day (in China) the person entered the registry; counting starts then unless `residentSince` is recorded. */
  registeredOn: string;
}

/** A change of one figure of one village on one day. */
export interface VillageDatedDelta {
  villageCode: string;
  key: string;
  day: string;
  delta: number;
}

// Days are YYYY-MM-DD strings, which order as the days do.
type Span = { from: string; to: string | null };

// Every AbilityLevel is an AbilityStanding of the same name.
const standingOf = (level: AbilityLevel) => level as string as AbilityStanding;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** The day after `day`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The day someone born on `birthDate` completes `years` years: the birthday, or 1 March for a 29
 * February birthday in a year without one (as `ageOn` counts).
 */
export function dayOfAge(birthDate: string, years: number): string {
  const year = Number(birthDate.slice(0, 4)) + years;
  const monthDay = birthDate.slice(5);
  return `${String(year).padStart(4, '0')}-${monthDay === '02-29' && !isLeap(year) ? '03-01' : monthDay}`;
}

/** The days the person counts at all: from `residentSince` (else the day registered) until the day they moved away or died. */
export function countedSpan(person: Pick<PersonFigureFacts, 'status' | 'statusSince' | 'residentSince' | 'registeredOn'>): Span | null {
  const from = person.residentSince ?? person.registeredOn;
  const to = person.status === PersonStatus.ACTIVE ? null : (person.statusSince ?? from);
  return to !== null && to <= from ? null : { from, to };
}

function clip(span: Span, from: string, to: string | null): Span | null {
  const start = from > span.from ? from : span.from;
  const end = to === null ? span.to : span.to === null || to < span.to ? to : span.to;
  return end !== null && end <= start ? null : { from: start, to: end };
}

function add(changes: Map<string, Map<string, number>>, key: string, day: string, delta: number): void {
  let days = changes.get(key);
  if (!days) changes.set(key, (days = new Map()));
  days.set(day, (days.get(day) ?? 0) + delta);
}

function addSpan(changes: Map<string, Map<string, number>>, key: string, span: Span | null, sign = 1): void {
  if (!span) return;
  add(changes, key, span.from, sign);
  if (span.to !== null) add(changes, key, span.to, -sign);
}

/**
 * The dated changes one person brings to their village's figures, by key and day (days with no net
 * change left out). A person counts on day D when D lies in their counted span; under an age band
 * by their age on D; under a category when a record of it covers D (validTo exclusive; overlapping
 * records count once); under the level of the latest assessment made on or before D while D is not
 * after its validUntil, and under NOT_ASSESSED otherwise.
 */
export function personFigureChanges(person: PersonFigureFacts): Map<string, Map<string, number>> {
  const changes = new Map<string, Map<string, number>>();
  const span = countedSpan(person);
  if (!span) return changes;
  addSpan(changes, PEOPLE_TOTAL_KEY, span);

  for (const { band, from, to } of AGE_BANDS) {
    addSpan(changes, ageBandKey(band), clip(span, from === 0 ? span.from : dayOfAge(person.birthDate, from), to === null ? null : dayOfAge(person.birthDate, to)));
  }

  // A category counts once however many of its records cover a day: the days its open count leaves or returns to zero.
  const steps = new Map<HardshipCategory, Map<string, number>>();
  for (const record of person.categories) {
    const part = clip(span, record.validFrom, record.validTo);
    if (!part) continue;
    let days = steps.get(record.category);
    if (!days) steps.set(record.category, (days = new Map()));
    days.set(part.from, (days.get(part.from) ?? 0) + 1);
    if (part.to !== null) days.set(part.to, (days.get(part.to) ?? 0) - 1);
  }
  for (const [category, days] of steps) {
    let open = 0;
    for (const day of [...days.keys()].sort()) {
      const before = open > 0;
      open += days.get(day)!;
      if (before !== open > 0) add(changes, categoryKey(category), day, open > 0 ? 1 : -1);
    }
  }

  // The assessment that applies from its day is the last one recorded for that day; it applies until
  // the next one's day or the day after its validUntil, whichever comes first. NOT_ASSESSED is the
  // counted span less those stretches.
  addSpan(changes, abilityKey(AbilityStanding.NOT_ASSESSED), span);
  const ordered = person.assessments.map((a, i) => ({ ...a, i })).sort((a, b) => (a.assessedOn < b.assessedOn ? -1 : a.assessedOn > b.assessedOn ? 1 : a.i - b.i));
  const lastOfDay = ordered.filter((a, i) => i === ordered.length - 1 || ordered[i + 1].assessedOn !== a.assessedOn);
  lastOfDay.forEach((assessment, i) => {
    const expires = nextDay(assessment.validUntil);
    const next = lastOfDay[i + 1]?.assessedOn ?? null;
    const stretch = clip(span, assessment.assessedOn, next !== null && next < expires ? next : expires);
    addSpan(changes, abilityKey(standingOf(assessment.level)), stretch);
    addSpan(changes, abilityKey(AbilityStanding.NOT_ASSESSED), stretch, -1);
  });

  for (const [key, days] of changes) {
    for (const [day, delta] of days) if (delta === 0) days.delete(day);
    if (days.size === 0) changes.delete(key);
  }
  return changes;
}

/**
 * What the village figures must gain so that people counted as `before` count as `after` (either
 * list may hold any number of people; a person present in both moves from one state to the other,
 * village included), summed by (village, key, day) with zero sums left out.
 */
export function peopleFigureDifference(before: readonly PersonFigureFacts[], after: readonly PersonFigureFacts[]): VillageDatedDelta[] {
  const sums = new Map<string, VillageDatedDelta>();
  const collect = (people: readonly PersonFigureFacts[], sign: number) => {
    for (const person of people) {
      for (const [key, days] of personFigureChanges(person)) {
        for (const [day, delta] of days) {
          const id = `${person.villageCode}|${key}|${day}`;
          const sum = sums.get(id);
          if (sum) sum.delta += sign * delta;
          else sums.set(id, { villageCode: person.villageCode, key, day, delta: sign * delta });
        }
      }
    }
  };
  collect(before, -1);
  collect(after, 1);
  return [...sums.values()].filter((sum) => sum.delta !== 0);
}
