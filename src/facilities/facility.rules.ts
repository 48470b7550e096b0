import { pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { text } from '../kernel/messages';
import { parseId } from '../kernel/ids';
import { levelOfCode, type JurisdictionLevel } from '../kernel/division-codes';
import { creditCodeProblem } from './credit-code';
import type { FacilityFigureState } from './facility-rollups';
import { FACILITY_LEVELS, FACILITY_TYPE_NAMES, FacilityService, NEXT_STATUSES, type FacilityStatus, type FacilityType } from './facility-kinds';
import type { BedsInput, UpdateFacilityInput } from './facility.inputs';
import type { FacilityRow } from './facility.repository';

// What a facility's facts and moves must satisfy, judged on the client's input before anything is written.

/** The earliest day a history entry may carry. */
export const FIRST_DAY = '1949-10-01';
const MAX_COUNT = 1_000_000;
/** Facts a SERVICE_PROVIDER reports for the facilities it operates; the rest is the civil-affairs office's. */
export const OPERATIONS_FIELDS = new Set<keyof UpdateFacilityInput>(['services', 'servicesSince', 'beds', 'staff', 'dailyDiners']);

export const parseFacilityId = (raw: string, field: string): number => parseId(raw, field, 'a facility');

export function parseName(raw: string, field: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100) throw new BadUserInputError(field, 'must be 1 to 100 characters');
  return name;
}

export function parseCount(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) throw new BadUserInputError(field, text('WHOLE_NUMBER_UP_TO', { max: MAX_COUNT }));
  return value;
}

export function parseArea(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0 || value > 10_000_000 || Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) {
    throw new BadUserInputError(field, 'must be from 0 to 10,000,000 m² with at most 2 decimals');
  }
  return value;
}

export function parseBeds(beds: BedsInput, field: string): { bedsTotal: number; bedsNursing: number; bedsDementia: number } {
  const bedsTotal = parseCount(beds.total, `${field}.total`)!;
  const bedsNursing = parseCount(beds.nursing, `${field}.nursing`)!;
  const bedsDementia = parseCount(beds.dementia, `${field}.dementia`)!;
  if (bedsNursing > bedsTotal) throw new BadUserInputError(`${field}.nursing`, 'must not exceed the total');
  if (bedsDementia > bedsTotal) throw new BadUserInputError(`${field}.dementia`, 'must not exceed the total');
  return { bedsTotal, bedsNursing, bedsDementia };
}

/** The services in catalogue order, each once. */
export function parseServices(services: readonly FacilityService[]): FacilityService[] {
  const chosen = new Set(services);
  return Object.values(FacilityService).filter((service) => chosen.has(service));
}

/** A history day (default today): a real day, not in the future, not before `notBefore`. */
export function parseDay(raw: string | null | undefined, field: string, notBefore: string = FIRST_DAY): string {
  const day = pastDay(raw ?? todayInChina(), field);
  if (day < notBefore) {
    throw new BadUserInputError(
      field,
      notBefore === FIRST_DAY ? `must not be before ${FIRST_DAY}` : `must not be before the latest history entry (${notBefore})`,
    );
  }
  return day;
}

export function parseCreditCode(raw: string, field: string): string {
  const creditCode = raw.trim().toUpperCase();
  const problem = creditCodeProblem(creditCode);
  if (problem) throw new BadUserInputError(field, problem);
  return creditCode;
}

/** Returns when a facility of `type` may sit on a node of `level` (a village-level type in a village…). */
export function checkLevel(type: FacilityType, level: JurisdictionLevel, field: string): void {
  const levels = FACILITY_LEVELS[type];
  if (!levels.includes(level)) {
    throw new BadUserInputError(field, `a ${type} (${FACILITY_TYPE_NAMES[type]}) belongs to a ${levels.join(' or ')}, not a ${level}`);
  }
}

/** Returns when the facility may move to `to`: CONFLICT when it is there already, BAD_USER_INPUT when the lifecycle forbids it. */
export function checkTransition(row: Pick<FacilityRow, 'status' | 'statusSince'>, to: FacilityStatus, field: string): void {
  // Already there: a repeated or concurrent request for the same move, which has been made once.
  if (row.status === to) throw new ConflictError(`the facility is already ${to} since ${row.statusSince}`, field);
  const allowed = NEXT_STATUSES[row.status];
  if (!allowed.includes(to)) {
    throw new BadUserInputError(
      field,
      allowed.length === 0 ? `the facility is ${row.status}, which is final` : `a ${row.status} facility can become ${allowed.join(' or ')}, not ${to}`,
    );
  }
}

export function figureState(row: Pick<FacilityRow, 'type' | 'status' | 'services' | 'bedsTotal' | 'bedsNursing' | 'bedsDementia'>): FacilityFigureState {
  return {
    type: row.type,
    status: row.status,
    services: row.services,
    beds: { total: row.bedsTotal, nursing: row.bedsNursing, dementia: row.bedsDementia },
  };
}

export function unitOf(row: Pick<FacilityRow, 'jurisdictionId' | 'jurisdictionCode'>) {
  return { id: row.jurisdictionId, code: row.jurisdictionCode, level: levelOfCode(row.jurisdictionCode)! };
}

export const sameServices = (a: readonly FacilityService[], b: readonly FacilityService[]) =>
  a.length === b.length && a.every((service) => b.includes(service));
