import { decimalOf, roundedDecimal } from '../../src/kernel/decimals';

describe('figures rounded for people', () => {
  // Percent of n of d to one decimal is (n × 100) / d; a half rounds away from zero.
  it.each([
    [3n * 100n, 7n, 1, '42.9'],
    [1n * 100n, 8n, 1, '12.5'],
    [2n * 100n, 3n, 1, '66.7'],
    [1n * 100n, 16n, 1, '6.3'],
    [1n * 100n, 80n, 1, '1.3'],
    [0n, 5n, 1, '0.0'],
    [5n, 1n, 1, '5.0'],
    [-1n * 100n, 16n, 1, '-6.3'],
    [-1n, 100n, 1, '0.0'],
    [12345n, 100n, 0, '123'],
    [1n, 2n, 0, '1'],
    [1n, 16n, 3, '0.063'],
  ])('%s / %s to %s decimals is %s', (num, den, places, text) => {
    expect(roundedDecimal(num, den, places)).toBe(text);
  });

  it('reads a number as the decimal it is written as, so that a written half rounds up', () => {
    // 0.15 is stored as 0.1499999…; written, it is 0.15, and rounds to 0.2 (toFixed says 0.1).
    expect((0.15).toFixed(1)).toBe('0.1');
    const fraction = decimalOf(0.15);
    expect(fraction).toEqual({ num: 15n, den: 100n });
    expect(roundedDecimal(fraction.num, fraction.den, 1)).toBe('0.2');
    expect(decimalOf(33.33)).toEqual({ num: 3333n, den: 100n });
    expect(decimalOf(-2.5)).toEqual({ num: -25n, den: 10n });
    expect(decimalOf(1e-7)).toEqual({ num: 1n, den: 10_000_000n });
    expect(decimalOf(1.5e21)).toEqual({ num: 1_500_000_000_000_000_000_000n, den: 1n });
    expect(decimalOf(50)).toEqual({ num: 50n, den: 1n });
  });
});
