import data from 'chinese-days/dist/chinese-days.json';
import packageJson from 'chinese-days/package.json';
import type { YearArrangement } from './working-days';

/**
 * The arrangements the `chinese-days` package carries: its data lists each year's holidays and make-up
 * working days as `day → "English name,中文名,n"`. A year it lists no holiday for is a year it does not
 * know (it would read every weekday of it as a working day), so it is left out rather than guessed.
 */

export const PACKAGE_VERSION = `chinese-days ${packageJson.version}`;

type DayNames = Record<string, string>;

// "National Day,国庆节,3" → "国庆节".
function chineseName(entry: string): string {
  const parts = entry.split(',');
  return parts[1] ?? parts[0];
}

function byYear(days: DayNames): Map<number, Map<string, string>> {
  const years = new Map<number, Map<string, string>>();
  for (const [day, entry] of Object.entries(days).sort(([a], [b]) => a.localeCompare(b))) {
    const year = Number(day.slice(0, 4));
    if (!years.has(year)) years.set(year, new Map());
    years.get(year)!.set(day, chineseName(entry));
  }
  return years;
}

function packageArrangements(): ReadonlyMap<number, YearArrangement> {
  const holidays = byYear((data as { holidays: DayNames }).holidays);
  const makeupDays = byYear((data as { workdays: DayNames }).workdays);
  const years = new Map<number, YearArrangement>();
  for (const year of [...holidays.keys()].sort((a, b) => a - b)) {
    years.set(year, { year, holidays: holidays.get(year)!, makeupDays: makeupDays.get(year) ?? new Map(), origin: { kind: 'PACKAGE', version: PACKAGE_VERSION } });
  }
  return years;
}

/** Every year the package knows, with its arrangement. */
export const PACKAGE_YEARS: ReadonlyMap<number, YearArrangement> = packageArrangements();
