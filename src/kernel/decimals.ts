// Figures written for people, rounded exactly: the parts are integers, so no binary fraction decides a
// rounding (1 of 16 is 6.25 %, written 6.3 %).

/** A fraction of integers; `den` > 0. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** `num / den` rounded half away from zero to `places` decimals, written in full: (1, 16, 3) → "0.063", (-1, 8, 1) → "-0.1". */
export function roundedDecimal(num: bigint, den: bigint, places: number): string {
  const magnitude = num < 0n ? -num : num;
  const scaled = magnitude * 10n ** BigInt(places);
  const units = (2n * scaled + den) / (2n * den);
  const digits = units.toString().padStart(places + 1, '0');
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return num < 0n && units !== 0n ? `-${text}` : text;
}

/**
 * A number as the decimal it is written as (its shortest form): 6.25 → 625/100, 1e-7 → 1/10000000.
 * For figures that arrive as numbers but mean a decimal (a threshold of 33.33 %), so that rounding them
 * rounds that decimal, not the binary value next to it.
 */
export function decimalOf(value: number): Fraction {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const [mantissa, exponent = '0'] = String(value).split('e');
  const [whole, fraction = ''] = mantissa.split('.');
  const shift = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction);
  return shift >= 0 ? { num: digits, den: 10n ** BigInt(shift) } : { num: digits * 10n ** BigInt(-shift), den: 1n };
}
