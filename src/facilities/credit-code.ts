// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (no I, O, S, V, Z);
// the last is a check character over the first 17 (weights 3^i mod 31).
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Why `code` is not a valid unified social credit code, or null when it is. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return 'must be 18 characters';
  const values = [...code].map((c) => ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) return 'may contain only digits and the capital letters A–Y except I, O, S, V';
  if (!/^\d{6}$/.test(code.slice(2, 8))) return 'characters 3–8 must be the 6-digit division code of the registering authority';
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * values[i], 0);
  const check = (31 - (sum % 31)) % 31;
  if (values[17] !== check) return `has a wrong check character (expected ${ALPHABET[check]})`;
  return null;
}

/** The check character that completes a 17-character prefix (for generated test and demo data). */
export function creditCodeCheck(prefix: string): string {
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * ALPHABET.indexOf(prefix[i]), 0);
  return ALPHABET[(31 - (sum % 31)) % 31];
}
