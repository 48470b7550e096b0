import { PACKAGE_YEARS } from '../../src/calendar/package-calendar';
import { WorkingCalendar } from '../../src/calendar/working-days';
import { noticeDaysIn } from '../../src/cases/case-steps';

// 「公示時間不少於5個工作日」 (seed 004 篇四): whether a notice has run its five working days, counted by a
// calendar that knows 2025 (国办发明电〔2024〕12号, through the package) and not the year after it.
const upTo2025 = new WorkingCalendar(new Map([...PACKAGE_YEARS].filter(([year]) => year <= 2025)));

describe('the working days a public notice has run, across a year the calendar does not know', () => {
  it('counts them when every year of the notice is known', () => {
    // Posted Friday 2025-09-26: 09-28 (Sunday, worked) 1, 09-29 2, 09-30 3, 10-01…10-08 off, 10-09 4, 10-10 5.
    expect(noticeDaysIn(upTo2025, '2025-09-26', '2025-10-10', 5)).toBe(5);
  });

  it('knows a notice has run its minimum when the known year already holds it', () => {
    // Posted Monday 2025-12-15: 12-16 … 12-19 and 12-22 are its 5 working days, before 2026 begins.
    expect(noticeDaysIn(upTo2025, '2025-12-15', '2026-01-20', 5)).toBe(5);
    // Counted up to the minimum: an old notice costs no more than a new one.
    expect(noticeDaysIn(upTo2025, '2025-01-06', '2025-12-31', 5)).toBe(5);
    // Not yet run: the days so far.
    expect(noticeDaysIn(upTo2025, '2025-12-15', '2025-12-18', 5)).toBe(3);
  });

  it('does not guess when the minimum would reach into the year it does not know', () => {
    // Posted Monday 2025-12-29: 12-30 and 12-31 are 2 working days; the other 3 would fall in 2026.
    expect(noticeDaysIn(upTo2025, '2025-12-29', '2026-01-20', 5)).toEqual({ unknownYear: 2026 });
    // Posted in the unknown year itself: nothing can be counted.
    expect(noticeDaysIn(upTo2025, '2026-01-05', '2026-01-20', 5)).toEqual({ unknownYear: 2026 });
  });
});
