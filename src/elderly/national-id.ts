import { registerEnumType } from 'type-graphql';
import { isDay } from '../kernel/dates';

export enum Sex {
  MALE = 'MALE',
  FEMALE = 'FEMALE',
}

registerEnumType(Sex, {
  name: 'Sex',
  description: 'Sex as the resident identity card records it (性别).',
  valuesConfig: {
    MALE: { description: '男 — male' },
    FEMALE: { description: '女 — female' },
  },
});

/** A checked 居民身份证号码 and what it says about its holder. */
export interface NationalId {
  value: string;
  birthDate: string;
  sex: Sex;
  regionCode: string;
}

// 居民身份证号码 (GB 11643-1999): 6-digit region of first registration, 8-digit birth date, 3-digit
// sequence (odd for men), and an ISO 7064 MOD 11-2 check character over the first 17 (weights 2^(17-i) mod 11).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);
const FIRST_BIRTH_DATE = '1900-01-01';

/** The check character that completes 17 digits (for generated test and demo data). */
export function nationalIdCheck(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError(`a national ID check needs 17 digits, got ${JSON.stringify(first17)}`);
  const sum = WEIGHTS.reduce((total, weight, i) => total + weight * Number(first17[i]), 0);
  const check = (12 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

/** The national ID in `raw`, or why it is not one; `today` is China's date, YYYY-MM-DD. */
export function parseNationalId(raw: string, today: string): { ok: true; id: NationalId } | { ok: false; problem: string } {
  if (!isDay(today)) throw new RangeError(`today must be a day written YYYY-MM-DD, got ${JSON.stringify(today)}`);
  const trimmed = raw.trim();
  const value = trimmed.endsWith('x') ? `${trimmed.slice(0, -1)}X` : trimmed;
  if (value.length !== 18) return { ok: false, problem: 'must be 18 characters' };
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, problem: 'must be 17 digits followed by a digit or X' };
  const province = value.slice(0, 2);
  if (!PROVINCES.has(province)) return { ok: false, problem: `has an unknown province code ${province}` };
  const digits = value.slice(6, 14);
  const birthDate = `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
  if (!isDay(birthDate)) return { ok: false, problem: `has an impossible birth date ${digits}` };
  if (birthDate < FIRST_BIRTH_DATE) return { ok: false, problem: 'has a birth date before 1900' };
  if (birthDate > today) return { ok: false, problem: 'has a birth date in the future' };
  const check = nationalIdCheck(value.slice(0, 17));
  if (value[17] !== check) return { ok: false, problem: `has a wrong check digit (expected ${check})` };
  const sex = Number(value[16]) % 2 === 1 ? Sex.MALE : Sex.FEMALE;
  return { ok: true, id: { value, birthDate, sex, regionCode: value.slice(0, 6) } };
}

/**
 * A national ID for display: its first character only (3*****************). Every other part can be
 * filled in from what a reader sees beside it or from the rest of the ID — the region from the 户籍,
 * the birth date from the age, the sequence's parity from the sex, the check character from the
 * first 17 — so showing any of them narrows the value to a few guesses.
 */
export function maskNationalId(value: string): string {
  return value.slice(0, 1) + '*'.repeat(Math.max(value.length - 1, 0));
}

const MOBILE = /^1[3-9]\d{9}$/;
// 0, an area code (010, 02x, 0xxx; never 00, the international prefix), then the local number.
const LANDLINE = /^0[1-9]\d{1,2}-?\d{7,8}$/;

/** A phone number for display: a mobile shows 138****5678, anything else only its last 4 characters. */
export function maskPhone(value: string): string {
  if (MOBILE.test(value)) return `${value.slice(0, 3)}****${value.slice(-4)}`;
  return maskAllButLast4(value);
}

function maskAllButLast4(value: string): string {
  const kept = Math.max(value.length - 4, 0);
  return value.slice(0, kept).replace(/\d/g, '*') + value.slice(kept);
}

/** A mainland mobile or landline number with spaces removed, or why it is not one. */
export function parsePhone(raw: string): { ok: true; value: string } | { ok: false; problem: string } {
  // Kept as written otherwise: without its hyphen, 02584561234 could be 025- or 0258-, so none is added.
  const value = raw.replace(/\s+/g, '');
  if (MOBILE.test(value) || LANDLINE.test(value)) return { ok: true, value };
  if (value === '') return { ok: false, problem: 'must not be empty' };
  if (value.startsWith('1')) return { ok: false, problem: 'is not a mobile number (11 digits starting 13–19)' };
  if (value.startsWith('0')) {
    return { ok: false, problem: 'is not a landline number (0, a 2–3 digit area code, an optional hyphen, 7–8 digits)' };
  }
  return { ok: false, problem: 'must be a mobile number or a landline number with its area code' };
}

/** Completed years of age on `day` for someone born on `birthDate` (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  if (!isDay(birthDate)) throw new RangeError(`birthDate must be a day written YYYY-MM-DD, got ${JSON.stringify(birthDate)}`);
  if (!isDay(day)) throw new RangeError(`day must be a day written YYYY-MM-DD, got ${JSON.stringify(day)}`);
  if (day < birthDate) throw new RangeError(`day ${day} is before the birth date ${birthDate}`);
  // A year is completed on the birthday itself; born 02-29, on 02-29 in a leap year and on 03-01 otherwise.
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
