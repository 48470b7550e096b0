import { grantFor } from '../access/scope';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { decodeCursor, encodeCursor, pageSize } from '../kernel/pagination';
import { asInstance } from '../graphql/roots';
import type { ServiceClass, ServiceItem } from '../care/care-kinds';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { SchemeKind } from '../policies/policy-kinds';
import { parseDayField } from '../procedures/procedure.rules';
import { anomalyRepository, type Draw, type RawAnomaly } from './anomaly.repository';
import { Anomalies, Anomaly, AnomalyKind, AnomalyReason } from './anomaly.types';

/** The longest period a list covers: a year (a county's campaign year, 366 days with a leap day). */
export const MAX_PERIOD_DAYS = 366;

// Defaults, not policy: the documents set no speed, no number of months and no round amount.
/** Two consecutive visits needing more than this speed are listed: faster than a car in town. */
export const DEFAULT_MAX_SPEED_KMH = 60;
/** Consecutive months at zero, by one provider, that list an account. */
export const DEFAULT_ZERO_MONTHS = 3;
/** An adjustment that is a whole multiple of this is round: 100 元. */
export const DEFAULT_MULTIPLE_FEN = 10_000;

export interface AnomalyParameters {
  maxSpeedKmh?: number | null;
  months?: number | null;
  multipleFen?: number | null;
}

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

/** A whole number within bounds, or its default when not given; BAD_USER_INPUT naming the field otherwise. */
function bounded(value: number | null | undefined, field: string, min: number, max: number, fallback: number, unit: string): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new BadUserInputError(field, `must be a whole number of ${unit} from ${min} to ${max}`);
  return value;
}

const KEY = /^(\d{1,10}):(\d{1,10})$/;
const MAX_KEY = 2_147_483_647;
/** A cursor's key: two ids (or an id and a month's number) the database's integers hold. */
const validKey = (key: string) => KEY.test(key) && key.split(':').every((part) => Number(part) <= MAX_KEY);

const EMPTY: Omit<Anomaly, 'kind' | 'reasons'> = {
  orderIds: [],
  personIds: [],
  villageCodes: [],
  organisationId: null,
  caregiverId: null,
  serviceDays: [],
  months: [],
  amountFen: null,
  schemeKind: null,
  statusSince: null,
  lastEnrolledMonth: null,
  frozenAfter: null,
  gapSeconds: null,
  distanceMetres: null,
  speedKmh: null,
  adjustmentId: null,
  funderCode: null,
  proposedBy: null,
  decidedBy: null,
  decidedOn: null,
  contractId: null,
  missingPrices: [],
};

const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
const distinct = <T>(values: T[]) => [...new Set(values)];

/** What a row of one order names: the order, its person and village, who served it and when. */
const ofOrder = (r: RawAnomaly): Partial<Anomaly> => ({
  orderIds: [r.k1],
  personIds: [Number(r.personId)],
  villageCodes: [r.villageCode as string],
  organisationId: num(r.organisationId),
  caregiverId: num(r.caregiverId),
  serviceDays: [r.serviceDay as string],
});

function chargedAfterEnd(r: RawAnomaly): Partial<Anomaly> {
  const reasons: AnomalyReason[] = [];
  if (r.status === 'DECEASED') reasons.push(AnomalyReason.DECEASED);
  if (r.status === 'MOVED_AWAY') reasons.push(AnomalyReason.MOVED_AWAY);
  if (r.lastEnrolledMonth) reasons.push(AnomalyReason.ENROLMENT_ENDED);
  if (r.frozenAfter) reasons.push(AnomalyReason.ACCOUNT_FROZEN);
  return {
    ...ofOrder(r),
    reasons,
    amountFen: num(r.amountFen),
    statusSince: r.status ? (r.statusSince as string) : null,
    lastEnrolledMonth: (r.lastEnrolledMonth as string | null) ?? null,
    frozenAfter: (r.frozenAfter as string | null) ?? null,
  };
}

function impossibleSchedule(r: RawAnomaly): Partial<Anomaly> {
  const gap = Number(r.gapSeconds);
  const distance = num(r.distanceMetres);
  return {
    reasons: Object.values(AnomalyReason).filter((reason) => (r.reasons as string[]).includes(reason)),
    orderIds: [r.k2, r.k1],
    personIds: [Number(r.personA), Number(r.personB)],
    villageCodes: distinct([r.villageA as string, r.villageB as string]),
    organisationId: num(r.organisationId),
    caregiverId: num(r.caregiverId),
    serviceDays: [r.dayA as string, r.dayB as string],
    gapSeconds: gap,
    distanceMetres: distance,
    speedKmh: distance !== null && gap > 0 ? Math.round((distance * 36) / gap) / 10 : null,
  };
}

function debitedToZero(r: RawAnomaly): Partial<Anomaly> {
  return {
    reasons: [AnomalyReason.DEBITED_TO_ZERO_BY_ONE_PROVIDER],
    orderIds: (r.orders as number[]).map(Number),
    personIds: [Number(r.personId)],
    villageCodes: r.villages as string[],
    organisationId: num(r.organisationId),
    months: r.months as string[],
    amountFen: num(r.amountFen),
    schemeKind: r.schemeKind as SchemeKind,
  };
}

function roundAdjustment(r: RawAnomaly): Partial<Anomaly> {
  return {
    reasons: [AnomalyReason.ROUND_AMOUNT],
    personIds: [Number(r.personId)],
    villageCodes: [r.villageCode as string],
    amountFen: num(r.amountFen),
    schemeKind: r.schemeKind as SchemeKind,
    adjustmentId: r.k1,
    funderCode: r.funderCode as string,
    proposedBy: num(r.proposedBy),
    decidedBy: num(r.decidedBy),
    decidedOn: r.decidedOn as string,
  };
}

function verifiedNotCharged(r: RawAnomaly): Partial<Anomaly> {
  const missing = r.missing as ServiceItem[];
  const serviceClass = (r.serviceClass as ServiceClass | null) ?? null;
  const reason =
    r.contractId === null ? AnomalyReason.NO_CONTRACT : serviceClass === null ? AnomalyReason.NO_SERVICE_CLASS : missing.length > 0 ? AnomalyReason.ITEMS_UNPRICED : AnomalyReason.PRICED_AT_ZERO;
  return {
    ...ofOrder(r),
    reasons: [reason],
    contractId: num(r.contractId),
    missingPrices: missing.map((item) => ({ item, serviceClass })),
  };
}

const VIEWS: Record<AnomalyKind, (row: RawAnomaly) => Partial<Anomaly>> = {
  CHARGED_AFTER_END: chargedAfterEnd,
  IMPOSSIBLE_SCHEDULE: impossibleSchedule,
  DEBITED_TO_ZERO: debitedToZero,
  ROUND_ADJUSTMENT: roundAdjustment,
  VERIFIED_NOT_CHARGED: verifiedNotCharged,
};

export interface AnomalyQuery extends AnomalyParameters {
  at: string;
  kind: AnomalyKind;
  from: string;
  to: string;
  first?: number | null;
  after?: string | null;
}

export const anomalyService = {
  /**
   * One page of an anomaly list under a node of the caller's subtree (READ_ANOMALIES) over at most a year:
   * records that name people by id only. A node outside is FORBIDDEN whether or not it exists.
   */
  async list(ctx: Context, query: AnomalyQuery, limit?: number): Promise<Anomalies> {
    grantFor(ctx, Capability.READ_ANOMALIES);
    if (!(Object.values(AnomalyKind) as string[]).includes(query.kind)) throw new BadUserInputError('kind', `must be one of ${Object.values(AnomalyKind).join(', ')}`);
    const node = await jurisdictionService.get(ctx, query.at, 'at', false);
    const from = parseDayField(query.from, 'from');
    const to = parseDayField(query.to, 'to', from);
    if (daysBetween(from, to) >= MAX_PERIOD_DAYS) throw new BadUserInputError('to', `must be less than ${MAX_PERIOD_DAYS} days after from`);
    const maxSpeedKmh = bounded(query.maxSpeedKmh, 'maxSpeedKmh', 1, 1000, DEFAULT_MAX_SPEED_KMH, 'km/h');
    const months = bounded(query.months, 'months', 2, 12, DEFAULT_ZERO_MONTHS, 'months');
    const multipleFen = bounded(query.multipleFen, 'multipleFen', 100, 100_000_000, DEFAULT_MULTIPLE_FEN, 'fen');
    const first = limit ?? pageSize(query.first);
    const key = decodeCursor(query.after, validKey);
    const after = key === null ? null : (key.split(':').map(Number) as [number, number]);
    const draw: Draw = { code: node.code, from, to, after, limit: first + 1 };
    const rows = await read(ctx, query.kind, draw, { maxSpeedKmh, months, multipleFen });
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return asInstance(Anomalies, {
      kind: query.kind,
      at: node.code,
      from,
      to,
      maxSpeedKmh,
      months,
      multipleFen,
      rows: page.map((row) => ({ ...EMPTY, kind: query.kind, ...VIEWS[query.kind](row) }) as Anomaly),
      pageInfo: { hasNextPage: rows.length > first, endCursor: last ? encodeCursor(`${last.k1}:${last.k2}`) : null },
    }) as Anomalies;
  },
};

function read(ctx: Context, kind: AnomalyKind, draw: Draw, p: Required<{ [K in keyof AnomalyParameters]: number }>): Promise<RawAnomaly[]> {
  switch (kind) {
    case AnomalyKind.CHARGED_AFTER_END:
      return anomalyRepository.chargedAfterEnd(ctx.db, draw);
    case AnomalyKind.IMPOSSIBLE_SCHEDULE:
      return anomalyRepository.impossibleSchedules(ctx.db, draw, p.maxSpeedKmh);
    case AnomalyKind.DEBITED_TO_ZERO:
      return anomalyRepository.debitedToZero(ctx.db, draw, p.months);
    case AnomalyKind.ROUND_ADJUSTMENT:
      return anomalyRepository.roundAdjustments(ctx.db, draw, p.multipleFen);
    default:
      return anomalyRepository.verifiedNotCharged(ctx.db, draw);
  }
}
