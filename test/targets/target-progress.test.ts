import { TargetComparator, TargetStatus } from '../../src/targets/target-kinds';
import { compare, expectedOn, ratio, statusOn, toNumber, type TargetRule } from '../../src/targets/target-progress';

// Rates are in hundredths of a percent: 1000 is 10 %. A 100-day span from 2025-01-01 to 2025-04-11.
const START = '2025-01-01';
const DEADLINE = '2025-04-11';
const rule = (over: Partial<TargetRule> = {}): TargetRule => ({
  comparator: TargetComparator.AT_LEAST,
  threshold: 100,
  thresholdHigh: null,
  baseline: 0,
  startsOn: START,
  deadline: DEADLINE,
  ...over,
});

describe('the expected value', () => {
  it('is the baseline until the start, linear to the goal at the deadline, and the goal after it', () => {
    const r = rule({ baseline: 20, threshold: 120 });
    expect(toNumber(expectedOn(r, '2024-12-31'))).toBe(20);
    expect(toNumber(expectedOn(r, START))).toBe(20);
    expect(toNumber(expectedOn(r, '2025-02-20'))).toBe(70); // day 50 of 100
    expect(toNumber(expectedOn(r, DEADLINE))).toBe(120);
    expect(toNumber(expectedOn(r, '2026-01-01'))).toBe(120);
  });

  it('heads for the nearer bound of a range', () => {
    expect(toNumber(expectedOn(rule({ comparator: TargetComparator.BETWEEN, baseline: 0, threshold: 40, thresholdHigh: 60 }), DEADLINE))).toBe(40);
    expect(toNumber(expectedOn(rule({ comparator: TargetComparator.BETWEEN, baseline: 90, threshold: 40, thresholdHigh: 60 }), DEADLINE))).toBe(60);
  });
});

describe('the status', () => {
  it('is ACHIEVED exactly at the threshold: 3 of 30 villages meet 10 %, 2 of 30 do not', () => {
    const tenPercent = rule({ threshold: 1000 });
    expect(statusOn(tenPercent, ratio(3 * 10_000, 30), '2025-02-01')).toBe(TargetStatus.ACHIEVED);
    expect(statusOn(tenPercent, ratio(2 * 10_000, 30), '2025-02-01')).not.toBe(TargetStatus.ACHIEVED);
    // 1 of 3 is 33.33…%, below 33.34 % and above 33.33 %.
    expect(statusOn(rule({ threshold: 3334 }), ratio(10_000, 3), '2025-02-01')).not.toBe(TargetStatus.ACHIEVED);
    expect(statusOn(rule({ threshold: 3333 }), ratio(10_000, 3), '2025-02-01')).toBe(TargetStatus.ACHIEVED);
  });

  it('turns OVERDUE the day after the deadline, not on it', () => {
    expect(statusOn(rule(), ratio(99), DEADLINE)).toBe(TargetStatus.AT_RISK);
    expect(statusOn(rule(), ratio(99), '2025-04-12')).toBe(TargetStatus.OVERDUE);
    expect(statusOn(rule(), ratio(100), '2025-04-12')).toBe(TargetStatus.ACHIEVED);
  });

  it('is ON_TRACK at the expected value, AT_RISK up to a tenth of the way behind it, BEHIND beyond', () => {
    // Day 50: 50 expected of a way of 100.
    const day = '2025-02-20';
    expect(statusOn(rule(), ratio(51), day)).toBe(TargetStatus.ON_TRACK);
    expect(statusOn(rule(), ratio(50), day)).toBe(TargetStatus.ON_TRACK);
    expect(statusOn(rule(), ratio(40), day)).toBe(TargetStatus.AT_RISK);
    expect(statusOn(rule(), ratio(399, 10), day)).toBe(TargetStatus.BEHIND);
    expect(statusOn(rule(), ratio(39), day)).toBe(TargetStatus.BEHIND);
  });

  it('counts downwards for a target below its baseline (AT_MOST)', () => {
    const fewer = rule({ comparator: TargetComparator.AT_MOST, baseline: 200, threshold: 100 });
    const day = '2025-02-20'; // 150 expected
    expect(statusOn(fewer, ratio(150), day)).toBe(TargetStatus.ON_TRACK);
    expect(statusOn(fewer, ratio(160), day)).toBe(TargetStatus.AT_RISK);
    expect(statusOn(fewer, ratio(161), day)).toBe(TargetStatus.BEHIND);
    expect(statusOn(fewer, ratio(100), day)).toBe(TargetStatus.ACHIEVED);
  });

  it('is ACHIEVED inside a range and on its bounds, and has none without a figure', () => {
    const range = rule({ comparator: TargetComparator.BETWEEN, threshold: 40, thresholdHigh: 60 });
    expect(statusOn(range, ratio(40), START)).toBe(TargetStatus.ACHIEVED);
    expect(statusOn(range, ratio(60), START)).toBe(TargetStatus.ACHIEVED);
    expect(statusOn(range, ratio(61), '2025-04-12')).toBe(TargetStatus.OVERDUE);
    expect(statusOn(range, null, START)).toBeNull();
  });
});

describe('comparing values', () => {
  const exact = (a: [bigint, bigint], b: [bigint, bigint]) => Math.sign(Number(a[0] * b[1] - b[0] * a[1]));

  it('orders ratios as cross-multiplication does, near ties and past 2^53 included', () => {
    let seed = 20251203;
    const next = (max: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return BigInt(Math.floor((seed / 2 ** 31) * max));
    };
    const pairs: [[bigint, bigint], [bigint, bigint]][] = [];
    for (let i = 0; i < 20_000; i++) {
      const k = next(10_000_000) + 1n;
      // Neighbours k/(k+1) and (k+1)/(k+2), equal values in other terms, and random ones of every size.
      pairs.push([[k, k + 1n], [k + 1n, k + 2n]]);
      pairs.push([[k * 3n, k * 7n], [k * 6n, k * 14n]]);
      pairs.push([[next(2 ** 31) * 10_000n, next(700_000) + 1n], [next(2 ** 31) * 10_000n, next(700_000) + 1n]]);
      const big = 2n ** 53n + next(1000);
      pairs.push([[big, big + 1n], [big + 1n, big + 2n]]);
    }
    for (const [a, b] of pairs) {
      expect([a, b, compare(ratio(a[0], a[1]), ratio(b[0], b[1]))]).toEqual([a, b, exact(a, b)]);
    }
  });
});
