import { BadUserInputError } from './errors';

/** A record id from the client (a positive 32-bit integer in decimal), or BAD_USER_INPUT naming `field`. */
export function parseId(raw: string, field: string, what: string): number {
  if (!/^[1-9]\d{0,9}$/.test(raw) || Number(raw) > 2_147_483_647) throw new BadUserInputError(field, `is not ${what} id`);
  return Number(raw);
}
