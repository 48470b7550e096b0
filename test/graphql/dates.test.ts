import { isDay, monthEnd } from '../../src/kernel/dates';

describe('calendar days', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2026-04-30', true],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-13-01', false],
    ['2026-00-10', false],
    ['2026-01-00', false],
    ['2026-1-01', false],
    ['20260101', false],
  ])('%s is a day: %s', (text, expected) => {
    expect(isDay(text)).toBe(expected);
  });

  it.each([
    ['2024-02-10', '2024-02-29'],
    ['2023-02-01', '2023-02-28'],
    ['2026-04-15', '2026-04-30'],
    ['2026-12-01', '2026-12-31'],
    ['2026-01-31', '2026-01-31'],
  ])('the month of %s ends on %s', (day, end) => {
    expect(monthEnd(day)).toBe(end);
  });
});
