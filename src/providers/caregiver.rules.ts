import { registerEnumType } from 'type-graphql';
import { ServiceItem } from '../care/care-kinds';
import { parsePhone } from '../elderly/national-id';
import { JurisdictionLevel, levelOfCode } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { parseText } from '../kernel/text';
import { parseName } from '../policies/policy.rules';

// What a caregiver record must satisfy. The documents name what the work card shows and that an untrained
// caregiver may not serve; the formats and lengths below are this system's (docs/caregivers.md).

/** A work card number (服務工號): 1 to 20 letters, digits or hyphens, kept in upper case. Not from the documents. */
export const WORK_CARD_NUMBER = /^[A-Z0-9-]{1,20}$/;
export const MAX_NAME = 50;
export const MAX_PHOTO_REF = 200;
export const MAX_TRAINING = 100;
export const MAX_BAN_REASON = 500;

/** Where a caregiver may be based: a county or below, so that the work card has a county's supervision phone. */
export const BASE_LEVELS: readonly JurisdictionLevel[] = [JurisdictionLevel.COUNTY, JurisdictionLevel.TOWN, JurisdictionLevel.VILLAGE];
/** The levels that bar caregivers: «a county/town admin may bar a caregiver». */
export const BAN_LEVELS: readonly JurisdictionLevel[] = [JurisdictionLevel.COUNTY, JurisdictionLevel.TOWN];

/** Why a caregiver may not serve at a place on a day. */
export enum CaregiverBar {
  NOT_TRAINED = 'NOT_TRAINED',
  NOT_STARTED = 'NOT_STARTED',
  LEFT = 'LEFT',
  BANNED = 'BANNED',
}

registerEnumType(CaregiverBar, {
  name: 'CaregiverBar',
  description: 'Why a caregiver may not serve at a place on a day.',
  valuesConfig: {
    NOT_TRAINED: { description: 'No passed training on or before the day: «培訓不合格人員不得上崗» (seed 004 篇四).' },
    NOT_STARTED: { description: 'The day is before the caregiver started.' },
    LEFT: { description: 'The day is after the caregiver’s last day.' },
    BANNED: { description: 'A ban of the place or a level above it runs on the day.' },
  },
});

export const parseCaregiverName = (raw: string, field: string) => parseName(raw, field, MAX_NAME);

export function parseWorkCardNumber(raw: string, field: string): string {
  const number = raw.trim().toUpperCase();
  if (!WORK_CARD_NUMBER.test(number)) throw new BadUserInputError(field, 'must be 1 to 20 letters, digits or hyphens');
  return number;
}

export function parseCaregiverPhone(raw: string, field: string): string {
  const parsed = parsePhone(raw);
  if (!parsed.ok) throw new BadUserInputError(field, parsed.problem);
  return parsed.value;
}

/** An opaque reference to the photo kept elsewhere (no upload here); null when blank. */
export function parsePhotoRef(raw: string | null | undefined, field: string): string | null {
  const ref = parseText(raw, field, { required: false, max: MAX_PHOTO_REF });
  if (ref !== null && /[\u0000-\u001f\u007f\s]/.test(ref)) throw new BadUserInputError(field, 'must be one reference without spaces or control characters');
  return ref;
}

/** The items, each once, in the catalogue's order. */
export function parseSpecialities(items: readonly ServiceItem[] | null | undefined): ServiceItem[] {
  const given = new Set(items ?? []);
  return Object.values(ServiceItem).filter((item) => given.has(item));
}

export function checkLevel(level: JurisdictionLevel, allowed: readonly JurisdictionLevel[], field: string): void {
  if (!allowed.includes(level)) throw new BadUserInputError(field, `must be a ${allowed.join(' or ')}`);
}

/** A division code to judge standing at, or BAD_USER_INPUT naming `field`. */
export function parsePlace(raw: string, field: string): string {
  const code = raw.trim();
  if (levelOfCode(code) === null) throw new BadUserInputError(field, 'must be a division code of 2, 4, 6, 9 or 12 digits');
  return code;
}

export interface StandingFacts {
  trained: boolean;
  trainedOn: string | null;
  startedOn: string;
  leftOn: string | null;
}

export interface BanSpan {
  jurisdiction: { code: string };
  from: string;
  until: string;
}

/** Why the caregiver may not serve at `at` on `on` (none: they may). */
export function barsOn(caregiver: StandingFacts, bans: readonly BanSpan[], at: string, on: string): CaregiverBar[] {
  const bars: CaregiverBar[] = [];
  if (!caregiver.trained || caregiver.trainedOn === null || caregiver.trainedOn > on) bars.push(CaregiverBar.NOT_TRAINED);
  if (on < caregiver.startedOn) bars.push(CaregiverBar.NOT_STARTED);
  if (caregiver.leftOn !== null && on > caregiver.leftOn) bars.push(CaregiverBar.LEFT);
  if (bans.some((ban) => at.startsWith(ban.jurisdiction.code) && ban.from <= on && on <= ban.until)) bars.push(CaregiverBar.BANNED);
  return bars;
}
