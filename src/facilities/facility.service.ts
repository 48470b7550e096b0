import type { EntityManager } from 'typeorm';
import { codeInScope } from '../access/actor';
import { type Actor } from '../kernel/actor';
import { rolesWith } from '../access/roles';
import { Capability, Role } from '../kernel/actor';
import { requireActor, requireCapability } from '../access/scope';
import { audited } from '../audit/audit.service';
import { changing } from '../db/shared-cache';
import { loader, type Context } from '../kernel/context';
import { pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError, ForbiddenError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { levelOfCode } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { creditCodeProblem } from './credit-code';
import { lockForChange, recordFacilityChange, type FacilityFigureState } from './facility-rollups';
import {
  FACILITY_LEVELS,
  FACILITY_TYPE_NAMES,
  FacilityEventKind,
  FacilityService,
  FacilityStatus,
  FacilityType,
  NEXT_STATUSES,
} from './facility-kinds';
import type { FacilityEvent, Organisation } from './facility.entity';
import type { BedsInput, CreateFacilityInput, OrganisationInput, UpdateFacilityInput } from './facility.inputs';
import { facilityByIdLoader, facilityHistoryLoader, organisationByIdLoader } from './facility.loaders';
import { facilityRepository, type FacilityFacts, type FacilityFilter, type FacilityRow, type NewFacilityEvent } from './facility.repository';
import { text } from '../kernel/messages';

const NOT_IN_SCOPE = text('FACILITY_NOT_IN_SCOPE');
// The earliest day a history entry may carry.
const FIRST_DAY = '1949-10-01';
const MAX_COUNT = 1_000_000;
// Facts a SERVICE_PROVIDER reports for the facilities it operates; the rest is the civil-affairs office's.
const OPERATIONS_FIELDS = new Set<keyof UpdateFacilityInput>(['services', 'servicesSince', 'beds', 'staff', 'dailyDiners']);

export interface FacilityListArgs {
  under?: string | null;
  type?: FacilityType | null;
  status?: FacilityStatus | null;
  service?: FacilityService | null;
  operatorCreditCode?: string | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

/** How much of the facility register the caller sees under a capability. */
interface FacilityAccess {
  actor: Actor;
  /** Every facility of the subtree (civil affairs and oversight roles) … */
  full: boolean;
  /** … or only those of this organisation (a SERVICE_PROVIDER; -1 when the user has none). */
  organisationId: number;
}

function facilityAccess(ctx: Context, capability: Capability): FacilityAccess {
  const actor = requireActor(ctx);
  const roles = rolesWith(actor.roles, capability);
  if (roles.length === 0) throw new ForbiddenError();
  const full = roles.some((role) => role !== Role.SERVICE_PROVIDER);
  return { actor, full, organisationId: full ? -1 : (actor.organisationId ?? -1) };
}

function canSee(access: FacilityAccess, row: FacilityRow): boolean {
  return codeInScope(access.actor, row.jurisdictionCode) && (access.full || row.organisationId === access.organisationId);
}

function parseId(raw: string, field: string): number {
  const trimmed = raw.trim();
  if (!/^[1-9]\d{0,9}$/.test(trimmed) || Number(trimmed) > 2 ** 31 - 1) throw new BadUserInputError(field, 'is not a facility id');
  return Number(trimmed);
}

function parseName(raw: string, field: string): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > 100) throw new BadUserInputError(field, 'must be 1 to 100 characters');
  return name;
}

function parseCount(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_COUNT) throw new BadUserInputError(field, text('WHOLE_NUMBER_UP_TO', { max: MAX_COUNT }));
  return value;
}

function parseArea(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0 || value > 10_000_000 || Math.abs(value * 100 - Math.round(value * 100)) > 1e-6) {
    throw new BadUserInputError(field, 'must be from 0 to 10,000,000 m² with at most 2 decimals');
  }
  return value;
}

function parseBeds(beds: BedsInput, field: string): { bedsTotal: number; bedsNursing: number; bedsDementia: number } {
  const bedsTotal = parseCount(beds.total, `${field}.total`)!;
  const bedsNursing = parseCount(beds.nursing, `${field}.nursing`)!;
  const bedsDementia = parseCount(beds.dementia, `${field}.dementia`)!;
  if (bedsNursing > bedsTotal) throw new BadUserInputError(`${field}.nursing`, 'must not exceed the total');
  if (bedsDementia > bedsTotal) throw new BadUserInputError(`${field}.dementia`, 'must not exceed the total');
  return { bedsTotal, bedsNursing, bedsDementia };
}

function parseServices(services: readonly FacilityService[]): FacilityService[] {
  const chosen = new Set(services);
  return Object.values(FacilityService).filter((service) => chosen.has(service));
}

/** A history day (default today): a real day, not in the future, not before `notBefore`. */
function parseDay(raw: string | null | undefined, field: string, notBefore: string = FIRST_DAY): string {
  const day = pastDay(raw ?? todayInChina(), field);
  if (day < notBefore) {
    throw new BadUserInputError(
      field,
      notBefore === FIRST_DAY ? `must not be before ${FIRST_DAY}` : `must not be before the latest history entry (${notBefore})`,
    );
  }
  return day;
}

function parseCreditCode(raw: string, field: string): string {
  const creditCode = raw.trim().toUpperCase();
  const problem = creditCodeProblem(creditCode);
  if (problem) throw new BadUserInputError(field, problem);
  return creditCode;
}

async function organisationFor(tx: EntityManager, input: OrganisationInput, field: string): Promise<Organisation> {
  const creditCode = parseCreditCode(input.creditCode, `${field}.creditCode`);
  const name = parseName(input.name, `${field}.name`);
  const organisation = await facilityRepository.ensureOrganisation(tx, creditCode, name);
  if (!organisation) throw new ConflictError(`${creditCode} is registered under another name`, `${field}.name`);
  return organisation;
}

function figureState(row: Pick<FacilityRow, 'type' | 'status' | 'services' | 'bedsTotal' | 'bedsNursing' | 'bedsDementia'>): FacilityFigureState {
  return {
    type: row.type,
    status: row.status,
    services: row.services,
    beds: { total: row.bedsTotal, nursing: row.bedsNursing, dementia: row.bedsDementia },
  };
}

function unitOf(row: Pick<FacilityRow, 'jurisdictionId' | 'jurisdictionCode'>) {
  return { id: row.jurisdictionId, code: row.jurisdictionCode, level: levelOfCode(row.jurisdictionCode)! };
}

const sameServices = (a: readonly FacilityService[], b: readonly FacilityService[]) =>
  a.length === b.length && a.every((service) => b.includes(service));

export const facilityService = {
  /** A facility the caller may see (a SERVICE_PROVIDER: one its organisation operates); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<FacilityRow> {
    const access = facilityAccess(ctx, Capability.READ_FACILITIES);
    const row = await loader(ctx, facilityByIdLoader).load(parseId(rawId, 'id'));
    if (!row || !canSee(access, row)) throw new ForbiddenError(NOT_IN_SCOPE);
    return row;
  },

  /** Facilities located at or below `under` (default the caller's home), oldest first. */
  async list(ctx: Context, args: FacilityListArgs): Promise<Page<FacilityRow>> {
    const access = facilityAccess(ctx, Capability.READ_FACILITIES);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const first = pageSize(args.first);
    const after = decodeCursor(args.after, (key) => /^[1-9]\d{0,9}$/.test(key));
    const search = args.search?.trim() || null;
    if (search !== null && search.length > 50) throw new BadUserInputError('search', 'must be at most 50 characters');
    let organisationId: number | null = access.full ? null : access.organisationId;
    if (args.operatorCreditCode) {
      const creditCode = parseCreditCode(args.operatorCreditCode, 'operatorCreditCode');
      const organisation = await facilityRepository.organisationByCode(ctx.db, creditCode);
      const wanted = organisation?.id ?? -1;
      organisationId = organisationId === null || organisationId === wanted ? wanted : -1;
    }
    const filter: FacilityFilter = {
      underCode: under.code,
      organisationId,
      type: args.type ?? null,
      status: args.status ?? null,
      service: args.service ?? null,
      nameContains: search,
    };
    const rows = await facilityRepository.search(ctx.db, filter, after === null ? null : Number(after), first + 1);
    return toPage(rows, first, (row) => String(row.id), () => facilityRepository.count(ctx.db, filter));
  },

  /** Registers a facility in the caller's subtree, in its status since a date (default: planned, today). */
  async create(ctx: Context, input: CreateFacilityInput): Promise<FacilityRow> {
    const actor = requireActor(ctx);
    return changing(ctx.dataSource, () => audited(ctx, 'createFacility', Capability.MANAGE_FACILITIES, async (tx, draft, ctx) => {
      requireCapability(ctx, Capability.MANAGE_FACILITIES);
      draft.targetType = 'Facility';
      const name = parseName(input.name, 'input.name');
      const unit = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = unit.id;
      const levels = FACILITY_LEVELS[input.type];
      if (!levels.includes(unit.level)) {
        throw new BadUserInputError(
          'input.jurisdictionCode',
          `a ${input.type} (${FACILITY_TYPE_NAMES[input.type]}) belongs to a ${levels.join(' or ')}, not a ${unit.level}`,
        );
      }
      const status = input.status ?? FacilityStatus.PLANNED;
      if (status === FacilityStatus.CLOSED) throw new BadUserInputError('input.status', 'a facility cannot be registered as CLOSED');
      const since = parseDay(input.since, 'input.since');
      const services = parseServices(input.services ?? []);
      const facts: FacilityFacts = {
        name,
        organisationId: input.operator ? (await organisationFor(tx, input.operator, 'input.operator')).id : null,
        operatingModel: input.operatingModel ?? null,
        services,
        floorAreaM2: parseArea(input.floorAreaM2, 'input.floorAreaM2'),
        ...(input.beds ? parseBeds(input.beds, 'input.beds') : { bedsTotal: 0, bedsNursing: 0, bedsDementia: 0 }),
        staff: parseCount(input.staff, 'input.staff'),
        dailyDiners: parseCount(input.dailyDiners, 'input.dailyDiners'),
      };
      const id = await facilityRepository.insert(tx, { ...facts, type: input.type, jurisdictionId: unit.id, status, statusSince: since });
      draft.targetIds = [String(id)];
      draft.detail = { type: input.type, jurisdictionCode: unit.code, status, since };
      await facilityRepository.insertEvent(tx, {
        facilityId: id,
        kind: FacilityEventKind.REGISTERED,
        occurredOn: since,
        fromStatus: null,
        status,
        services,
        note: null,
        recordedBy: actor.userId,
      });
      await recordFacilityChange(tx, {
        unit: { id: unit.id, code: unit.code, level: unit.level },
        before: null,
        after: figureState({ ...facts, type: input.type, status }),
        historyChanged: true,
        unitHistory: () => facilityRepository.unitHistory(tx, unit.id),
      });
      const [created] = await facilityRepository.byIds(tx, [id]);
      return created;
    }));
  },

  /** Moves a facility along its lifecycle on a day that is neither in the future nor before its latest history entry. */
  async transition(ctx: Context, rawId: string, to: FacilityStatus, on: string | null | undefined, rawNote: string | null | undefined): Promise<FacilityRow> {
    const actor = requireActor(ctx);
    return changing(ctx.dataSource, () => audited(ctx, 'transitionFacility', Capability.MANAGE_FACILITIES, async (tx, draft, ctx) => {
      const access = facilityAccess(ctx, Capability.MANAGE_FACILITIES);
      draft.targetType = 'Facility';
      const id = parseId(rawId, 'id');
      draft.targetIds = [String(id)];
      const { row, unit } = await lockForChange(tx, id);
      if (!row || !canSee(access, row)) throw new ForbiddenError(NOT_IN_SCOPE);
      draft.jurisdictionId = row.jurisdictionId;
      // Already there: a repeated or concurrent request for the same move, which has been made once.
      if (row.status === to) throw new ConflictError(`the facility is already ${to} since ${row.statusSince}`, 'to');
      const allowed = NEXT_STATUSES[row.status];
      if (!allowed.includes(to)) {
        throw new BadUserInputError(
          'to',
          allowed.length === 0
            ? `the facility is ${row.status}, which is final`
            : `a ${row.status} facility can become ${allowed.join(' or ')}, not ${to}`,
        );
      }
      const day = parseDay(on, 'on', row.lastEventOn > FIRST_DAY ? row.lastEventOn : FIRST_DAY);
      const note = rawNote?.trim() || null;
      if (note && note.length > 500) throw new BadUserInputError('note', 'must be at most 500 characters');
      draft.detail = { from: row.status, to, on: day };
      // The update and the roll-ups go out together: the roll-ups know the new state and entry already.
      const [updated] = await Promise.all([
        facilityRepository.update(
          tx,
          id,
          { status: to, statusSince: day, lastEventOn: day },
          { kind: FacilityEventKind.TRANSITION, occurredOn: day, fromStatus: row.status, status: to, services: row.services, note, recordedBy: actor.userId },
        ),
        recordFacilityChange(tx, {
          unit: unitOf(row),
          before: figureState(row),
          after: figureState({ ...row, status: to }),
          historyChanged: true,
          locked: { ...unit, history: [...unit.history, { facilityId: id, day, status: to, services: row.services, type: row.type }] },
        }),
      ]);
      return updated;
    }));
  },

  /** Changes a facility's facts; a SERVICE_PROVIDER only the day-to-day ones of facilities its organisation operates. */
  async update(ctx: Context, rawId: string, input: UpdateFacilityInput): Promise<FacilityRow> {
    const actor = requireActor(ctx);
    return changing(ctx.dataSource, () => audited(ctx, 'updateFacility', Capability.EDIT_FACILITIES, async (tx, draft, ctx) => {
      const access = facilityAccess(ctx, Capability.EDIT_FACILITIES);
      draft.targetType = 'Facility';
      const id = parseId(rawId, 'id');
      draft.targetIds = [String(id)];
      const given = (Object.keys(input) as (keyof UpdateFacilityInput)[]).filter((field) => input[field] !== undefined && input[field] !== null);
      if (!access.full) {
        const closed = given.find((field) => !OPERATIONS_FIELDS.has(field));
        if (closed) throw new ForbiddenError(`input.${closed}: a service provider may change only ${[...OPERATIONS_FIELDS].join(', ')}`);
      }
      const row = await lockVisible(tx, access, id);
      draft.jurisdictionId = row.jurisdictionId;
      draft.detail = { fields: given };

      const changes: Partial<FacilityFacts> & { lastEventOn?: string } = {};
      if (input.name != null) changes.name = parseName(input.name, 'input.name');
      if (input.operator != null) changes.organisationId = (await organisationFor(tx, input.operator, 'input.operator')).id;
      if (input.operatingModel != null) changes.operatingModel = input.operatingModel;
      if (input.floorAreaM2 != null) changes.floorAreaM2 = parseArea(input.floorAreaM2, 'input.floorAreaM2');
      if (input.staff != null) changes.staff = parseCount(input.staff, 'input.staff');
      if (input.dailyDiners != null) changes.dailyDiners = parseCount(input.dailyDiners, 'input.dailyDiners');
      if (input.beds != null) Object.assign(changes, parseBeds(input.beds, 'input.beds'));
      if (input.servicesSince != null && input.services == null) {
        throw new BadUserInputError('input.servicesSince', 'is given only with new services');
      }
      let entry: NewFacilityEvent | undefined;
      if (input.services != null) {
        const services = parseServices(input.services);
        if (!sameServices(services, row.services)) {
          const since = parseDay(input.servicesSince, 'input.servicesSince', row.lastEventOn);
          entry = { kind: FacilityEventKind.SERVICES_CHANGED, occurredOn: since, fromStatus: null, status: row.status, services, note: null, recordedBy: actor.userId };
          changes.services = services;
          changes.lastEventOn = since;
        }
      }
      if (Object.keys(changes).length === 0) return row;
      const updated = await facilityRepository.update(tx, id, changes, entry);
      const servicesChanged = entry !== undefined;
      if (servicesChanged || input.beds != null) {
        await recordFacilityChange(tx, {
          unit: unitOf(row),
          before: figureState(row),
          after: figureState(updated),
          historyChanged: servicesChanged,
          unitHistory: () => facilityRepository.unitHistory(tx, row.jurisdictionId),
        });
      }
      return updated;
    }));
  },

  /** Returns when the caller may see `facility` under `capability` (a SERVICE_PROVIDER: one its organisation operates); FORBIDDEN otherwise. */
  assertVisible(ctx: Context, facility: FacilityRow, capability: Capability): void {
    if (!canSee(facilityAccess(ctx, capability), facility)) throw new ForbiddenError(NOT_IN_SCOPE);
  },

  /** The facility's history, oldest first (batched across a list). */
  async history(ctx: Context, facility: FacilityRow): Promise<FacilityEvent[]> {
    return loader(ctx, facilityHistoryLoader).load(facility.id);
  },

  async operator(ctx: Context, facility: FacilityRow): Promise<Organisation | null> {
    return facility.organisationId === null ? null : loader(ctx, organisationByIdLoader).load(facility.organisationId);
  },

  async jurisdiction(ctx: Context, facility: FacilityRow): Promise<Jurisdiction | null> {
    return jurisdictionService.byId(ctx, facility.jurisdictionId);
  },

  /** The registered organisation with this credit code, or BAD_USER_INPUT naming `field`. */
  async organisationByCode(db: EntityManager, rawCode: string, field: string): Promise<Organisation> {
    const creditCode = parseCreditCode(rawCode, field);
    const organisation = await facilityRepository.organisationByCode(db, creditCode);
    if (!organisation) throw new BadUserInputError(field, `no organisation with credit code ${creditCode} operates a facility yet`);
    return organisation;
  },

  async organisationById(ctx: Context, id: number): Promise<Organisation | null> {
    return loader(ctx, organisationByIdLoader).load(id);
  },
};

async function lockVisible(tx: EntityManager, access: FacilityAccess, id: number): Promise<FacilityRow> {
  const row = await facilityRepository.lock(tx, id);
  if (!row || !canSee(access, row)) throw new ForbiddenError(NOT_IN_SCOPE);
  return row;
}
