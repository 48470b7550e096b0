import { BadUserInputError } from './errors';

/** A record id from the client (a positive 32-bit integer in decimal, spaces around it ignored), or BAD_USER_INPUT naming `field`. */
export function parseId(raw: string | number, field: string, what: string): number {
  const text = String(raw).trim();
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > 2_147_483_647) throw new BadUserInputError(field, `is not ${what} id`);
  return Number(text);
}
