import type { EntityManager } from 'typeorm';
import { denied, grantFor, requireAccess, requireReach, type Grant } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { lockForChange, recordFacilityChange } from './facility-rollups';
import { FacilityEventKind, FacilityService, FacilityStatus, FacilityType } from './facility-kinds';
import type { FacilityEvent, Organisation } from './facility.entity';
import type { CreateFacilityInput, OrganisationInput, UpdateFacilityInput } from './facility.inputs';
import { facilitiesInUnitLoader, facilityByIdLoader, facilityDinersLoader, facilityHistoryLoader, organisationByIdLoader } from './facility.loaders';
import { facilityRepository, type DinerMonth, type FacilityFacts, type FacilityFilter, type FacilityRow, type NewFacilityEvent } from './facility.repository';
import {
  checkLevel,
  checkTransition,
  figureState,
  FIRST_DAY,
  OPERATIONS_FIELDS,
  parseArea,
  parseBeds,
  parseCount,
  parseCreditCode,
  parseDay,
  parseFacilityId,
  parseName,
  parseServices,
  sameServices,
  unitOf,
} from './facility.rules';
import { text } from '../kernel/messages';
import { thisMonthInChina } from '../kernel/dates';

// Diner counts are kept from the first month a subsidy may be asked for.
const EARLIEST_DINER_MONTH = '2000-01';

// A facility is placed at its unit and, for a SERVICE_PROVIDER, reached only when its organisation operates it.
const NOT_IN_SCOPE = { denial: text('FACILITY_NOT_IN_SCOPE') };

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

async function organisationFor(tx: EntityManager, input: OrganisationInput, field: string): Promise<Organisation> {
  const creditCode = parseCreditCode(input.creditCode, `${field}.creditCode`);
  const name = parseName(input.name, `${field}.name`);
  const organisation = await facilityRepository.ensureOrganisation(tx, creditCode, name);
  if (!organisation) throw new ConflictError(`${creditCode} is registered under another name`, `${field}.name`);
  return organisation;
}

// The facility a mutation acts on, locked, when the mutation's grant reaches it; FORBIDDEN alike when it is missing.
async function lockReached(tx: EntityManager, grant: Grant, id: number): Promise<FacilityRow> {
  const row = await facilityRepository.lock(tx, id);
  requireReach(grant, [row], NOT_IN_SCOPE);
  return row!;
}

export const facilityService = {
  /** A facility the caller may see (a SERVICE_PROVIDER: one its organisation operates); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<FacilityRow> {
    const row = await loader(ctx, facilityByIdLoader).load(parseFacilityId(rawId, 'id'));
    requireAccess(ctx, Capability.READ_FACILITIES, [row], NOT_IN_SCOPE);
    return row!;
  },

  /** Facilities located at or below `under` (default the caller's home), oldest first. */
  async list(ctx: Context, args: FacilityListArgs): Promise<Page<FacilityRow>> {
    const grant = grantFor(ctx, Capability.READ_FACILITIES);
    const underCode = args.under ? (await jurisdictionService.get(ctx, args.under, 'under')).code : grant.code;
    const first = pageSize(args.first);
    const after = decodeCursor(args.after, (key) => /^[1-9]\d{0,9}$/.test(key));
    const search = args.search?.trim() || null;
    if (search !== null && search.length > 50) throw new BadUserInputError('search', 'must be at most 50 characters');
    let organisationId = grant.organisationId;
    if (args.operatorCreditCode) {
      const creditCode = parseCreditCode(args.operatorCreditCode, 'operatorCreditCode');
      const organisation = await facilityRepository.organisationByCode(ctx.db, creditCode);
      const wanted = organisation?.id ?? -1;
      organisationId = organisationId === null || organisationId === wanted ? wanted : -1;
    }
    const filter: FacilityFilter = {
      underCode,
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
    return mutation(ctx, { action: 'createFacility', capability: Capability.MANAGE_FACILITIES }, async ({ tx, ctx, grant, target, at, detail }) => {
      const { actor } = grant!;
      const name = parseName(input.name, 'input.name');
      const unit = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(unit.id);
      checkLevel(input.type, unit.level, 'input.jurisdictionCode');
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
      target('Facility', [id]);
      detail({ type: input.type, jurisdictionCode: unit.code, status, since });
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
      // A count given at registration is this month's (the subsidy pays each month by its own count).
      if (facts.dailyDiners !== null) return (await facilityRepository.recordDiners(tx, id, thisMonthInChina(), facts.dailyDiners, actor.userId)).row;
      const [created] = await facilityRepository.byIds(tx, [id]);
      return created;
    });
  },

  /** Moves a facility along its lifecycle on a day that is neither in the future nor before its latest history entry. */
  async transition(ctx: Context, rawId: string, to: FacilityStatus, on: string | null | undefined, rawNote: string | null | undefined): Promise<FacilityRow> {
    return mutation(ctx, { action: 'transitionFacility', capability: Capability.MANAGE_FACILITIES }, async ({ tx, grant, target, at, detail }) => {
      const { actor } = grant!;
      const id = parseFacilityId(rawId, 'id');
      target('Facility', [id]);
      const { row: locked, unit } = await lockForChange(tx, id);
      requireReach(grant!, [locked], NOT_IN_SCOPE);
      const row = locked!;
      at(row.jurisdictionId);
      checkTransition(row, to, 'to');
      const day = parseDay(on, 'on', row.lastEventOn > FIRST_DAY ? row.lastEventOn : FIRST_DAY);
      const note = rawNote?.trim() || null;
      if (note && note.length > 500) throw new BadUserInputError('note', 'must be at most 500 characters');
      detail({ from: row.status, to, on: day });
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
    });
  },

  /** Changes a facility's facts; a SERVICE_PROVIDER only the day-to-day ones of facilities its organisation operates. */
  async update(ctx: Context, rawId: string, input: UpdateFacilityInput): Promise<FacilityRow> {
    return mutation(ctx, { action: 'updateFacility', capability: Capability.EDIT_FACILITIES }, async ({ tx, grant, target, at, detail }) => {
      const { actor } = grant!;
      const id = parseFacilityId(rawId, 'id');
      target('Facility', [id]);
      const given = (Object.keys(input) as (keyof UpdateFacilityInput)[]).filter((field) => input[field] !== undefined && input[field] !== null);
      if (grant!.organisationId !== null) {
        const closed = given.find((field) => !OPERATIONS_FIELDS.has(field));
        if (closed) throw denied(`input.${closed}: a service provider may change only ${[...OPERATIONS_FIELDS].join(', ')}`);
      }
      const row = await lockReached(tx, grant!, id);
      at(row.jurisdictionId);
      detail({ fields: given });

      const changes: Partial<FacilityFacts> & { lastEventOn?: string } = {};
      if (input.name != null) changes.name = parseName(input.name, 'input.name');
      if (input.operator != null) changes.organisationId = (await organisationFor(tx, input.operator, 'input.operator')).id;
      if (input.operatingModel != null) changes.operatingModel = input.operatingModel;
      if (input.floorAreaM2 != null) changes.floorAreaM2 = parseArea(input.floorAreaM2, 'input.floorAreaM2');
      if (input.staff != null) changes.staff = parseCount(input.staff, 'input.staff');
      const diners = parseCount(input.dailyDiners, 'input.dailyDiners');
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
      // A count given here is this month's, recorded as recordFacilityDiners records it.
      const recorded = diners === null ? null : (await facilityRepository.recordDiners(tx, id, thisMonthInChina(), diners, actor.userId)).row;
      if (Object.keys(changes).length === 0) return recorded ?? row;
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
    });
  },

  /**
   * Records how many diners a facility the caller may edit (a SERVICE_PROVIDER: one its organisation
   * operates) had a day on average in `month` (from 2000-01 to this month), replacing the month's
   * earlier count; the facility's dailyDiners follows the latest month recorded.
   */
  async recordDiners(ctx: Context, rawId: string, month: string, rawDiners: number): Promise<FacilityRow> {
    return mutation(ctx, { action: 'recordFacilityDiners', capability: Capability.EDIT_FACILITIES }, async ({ tx, grant, target, at, detail }) => {
      const id = parseFacilityId(rawId, 'id');
      target('Facility', [id]);
      const diners = parseCount(rawDiners, 'diners')!;
      if (month < EARLIEST_DINER_MONTH) throw new BadUserInputError('month', `must not be before ${EARLIEST_DINER_MONTH}`);
      if (month > thisMonthInChina()) throw new BadUserInputError('month', 'must not be in the future: a count is recorded once the month has begun');
      const row = await lockReached(tx, grant!, id);
      at(row.jurisdictionId);
      const { previous, row: updated } = await facilityRepository.recordDiners(tx, id, month, diners, grant!.actor.userId);
      detail({ month, diners, previous });
      return updated;
    });
  },

  /** For another feature's mutation: the facility `rawId` names, locked, when `grant` reaches it; FORBIDDEN otherwise, whether or not it exists. */
  async lockReached(tx: EntityManager, grant: Grant, rawId: string, field: string): Promise<FacilityRow> {
    return lockReached(tx, grant, parseFacilityId(rawId, field));
  },

  /** The facility's recorded diner counts (of `year` only, when given), oldest month first (batched across a list). */
  async diners(ctx: Context, facility: FacilityRow, year?: number): Promise<DinerMonth[]> {
    const months = await loader(ctx, facilityDinersLoader).load(facility.id);
    return year === undefined ? months : months.filter((row) => row.month.startsWith(`${year}-`));
  },

  /** The facilities located in the same jurisdiction as `facility`, itself included, oldest first (batched across a list). */
  async besides(ctx: Context, facility: FacilityRow): Promise<FacilityRow[]> {
    return loader(ctx, facilitiesInUnitLoader).load(facility.jurisdictionId);
  },

  /** Returns when the caller may see `facility` under `capability` (a SERVICE_PROVIDER: one its organisation operates); FORBIDDEN otherwise. */
  assertVisible(ctx: Context, facility: FacilityRow, capability: Capability): void {
    requireAccess(ctx, capability, [facility], NOT_IN_SCOPE);
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

  /** The organisation with this credit code, registered now if it is new; CONFLICT when the code is registered under another name. */
  registerOrganisation(tx: EntityManager, input: OrganisationInput, field: string): Promise<Organisation> {
    return organisationFor(tx, input, field);
  },

  /** The registered organisation with this (checked) credit code, or null. */
  async organisationWithCode(db: EntityManager, creditCode: string): Promise<Organisation | null> {
    return facilityRepository.organisationByCode(db, creditCode);
  },

  async organisationById(ctx: Context, id: number): Promise<Organisation | null> {
    return loader(ctx, organisationByIdLoader).load(id);
  },
};

