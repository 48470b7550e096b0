import DataLoader from 'dataloader';
import { actingRole } from '../access/actor';
import { denied, grantFor, requireReach, type Grant } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { ServiceItem } from '../care/care-kinds';
import { UNDOCUMENTED_DEFAULTS } from '../care/care-rule-kinds';
import { careRulesService } from '../care/care-rules.service';
import { maskPhone } from '../elderly/national-id';
import { maskAddress } from '../elderly/person.service';
import { parseCreditCode } from '../facilities/facility.rules';
import { facilityService } from '../facilities/facility.service';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { Capability, Role } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { AppError, BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import { parseDayField } from '../procedures/procedure.rules';
import { CaregiverBar } from '../providers/caregiver.rules';
import { caregiverService } from '../providers/caregiver.service';
import { contractService } from '../providers/contract.service';
import { MIN_VISIT_MINUTES } from '../providers/provider-kinds';
import { hashCardToken, parseCardToken, parseCoordinate, personReached } from './service-card.service';
import { distanceMetres, voidReasons, VisitVoidReason, type Place, type VisitStanding } from './verification.rules';
import type { BookWorkOrderInput, OfflineOrderInput, PlaceInput, SyncVisitEventInput, VisitEventInput } from './work-order.inputs';
import { workOrderRepository, type EventKind, type VisitEventRow, type WorkOrderFilter, type WorkOrderRow, type WorkOrderState } from './work-order.repository';
import { WorkOrderBooker, type VisitEventKind } from './work-order.types';

const NOT_IN_SCOPE = { denial: text('WORK_ORDER_NOT_IN_SCOPE') };
/** How far ahead of the server's clock a device's may run (a setting: the documents are silent). */
export const DEVICE_CLOCK_LEAD_MINUTES = 10;
/** How many events an offline batch may carry. */
export const MAX_SYNC_EVENTS = 100;
const MAX_AGENT_NAME = 50;
const MAX_CANCEL_REASON = 500;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MINUTE_MS = 60_000;

export interface WorkOrderListArgs extends PageArgs {
  under?: string | null;
  state?: WorkOrderState | null;
  from?: string | null;
  until?: string | null;
  caregiver?: string | null;
  provider?: string | null;
}

export interface VisitFactView {
  deviceAt: Date;
  serverAt: Date;
  distanceMetres: number | null;
  placeGiven: boolean;
  cardScanned: boolean;
}

export interface VisitOutcomeView {
  order: WorkOrderRow;
  reasons: VisitVoidReason[];
  replayed: boolean;
}

export interface SyncResultView {
  clientId: string;
  outcome: VisitOutcomeView | null;
  refusal: { code: string; field: string | null; message: string } | null;
}

const orderByIdLoader = (ctx: Context) =>
  new DataLoader<number, WorkOrderRow | null>(async (ids) => {
    const rows = await workOrderRepository.byIds(ctx.db, ids);
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  });

const eventsLoader = (ctx: Context) =>
  new DataLoader<number, VisitEventRow[]>(async (ids) => {
    const rows = await workOrderRepository.eventsOf(ctx.db, ids);
    return ids.map((id) => rows.filter((row) => row.orderId === id));
  });

const maskName = (name: string) => `${[...name][0] ?? ''}${'*'.repeat(Math.max([...name].length - 1, 1))}`;

// What of the recipient the caller sees: the provider and the caregiver of the order everything the visit
// needs; whoever reads people the name (phone and address masked: the person record unmasks them, audited);
// anyone else (finance, the leadership office) a masked name only.
function shown(grant: Grant, row: WorkOrderRow): WorkOrderRow {
  if (grant.organisationId !== null || grant.caregiverId !== null) return row;
  const { recipient } = row;
  if (actingRole(grant.actor, Capability.READ_PEOPLE) !== null) {
    return { ...row, recipient: { ...recipient, phone: recipient.phone && maskPhone(recipient.phone), address: recipient.address && maskAddress(recipient.address) } };
  }
  return { ...row, recipient: { id: recipient.id, name: maskName(recipient.name), phone: null, address: null } };
}

function parseItems(items: readonly ServiceItem[], field: string): ServiceItem[] {
  const order = Object.values(ServiceItem);
  const unique = order.filter((item) => items.includes(item));
  if (unique.length < 1) throw new BadUserInputError(field, `must name from 1 to ${order.length} service items`);
  return unique;
}

function parseClientId(raw: string, field: string): string {
  const id = raw.trim().toLowerCase();
  if (!UUID.test(id)) throw new BadUserInputError(field, 'must be a UUID');
  return id;
}

function parseDeviceAt(at: Date, field: string): Date {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new BadUserInputError(field, 'must be a moment');
  if (at.getTime() > Date.now() + DEVICE_CLOCK_LEAD_MINUTES * MINUTE_MS) throw new BadUserInputError(field, `must not be more than ${DEVICE_CLOCK_LEAD_MINUTES} minutes ahead of the server’s clock`);
  if (todayInChina(at) < '2000-01-01') throw new BadUserInputError(field, 'must not be before 2000');
  return at;
}

function parsePlace(place: PlaceInput | null | undefined, field: string): Place | null {
  if (place == null) return null;
  return { lat: parseCoordinate(place.lat, 90, `${field}.lat`), lng: parseCoordinate(place.lng, 180, `${field}.lng`) };
}

/** The order a write acts on, locked and named in its audit entry: one the write's grant reaches (FORBIDDEN alike for one out of reach and a missing one). */
async function lockOrder(write: Write, rawId: string, field: string): Promise<WorkOrderRow> {
  const id = parseId(rawId, field, 'a work order');
  write.target('WorkOrder', [id]);
  const row = await workOrderRepository.lock(write.tx, id);
  requireReach(write.grant!, [row], NOT_IN_SCOPE);
  write.at(await workOrderRepository.villageId(write.tx, row!.jurisdictionCode));
  return row!;
}

function requireState(order: WorkOrderRow, states: readonly WorkOrderState[], field: string): void {
  if (!states.includes(order.state)) throw new ConflictError(`the work order is ${order.state}, not ${states.join(' or ')}`, field);
}

/** The contract serving each item at the village on the day for the provider, or BAD_USER_INPUT naming the first item without one. */
async function contractsFor(ctx: Context, villageCode: string, organisationId: number, items: readonly ServiceItem[], day: string, field: string): Promise<number> {
  let first: number | null = null;
  for (const [i, item] of items.entries()) {
    const [contract] = await contractService.serving(ctx, villageCode, item, day, organisationId);
    if (!contract) throw new BadUserInputError(`${field}[${i}]`, `${item} is under no contract of the provider serving ${villageCode} on ${day}`);
    first ??= contract.id;
  }
  return first!;
}

/** How things stood on the visit's day, for `voidReasons`: the contract's minimums, the recipient, the caregiver, their other visits, the village's rules. */
async function standingOf(ctx: Context, order: WorkOrderRow, day: string, firstReceived: Date): Promise<{ standing: VisitStanding; contractId: number | null; cardHash: string | null }> {
  const village = order.jurisdictionCode;
  let contractId: number | null = null;
  const items = [];
  for (const item of order.items) {
    const contracts = await contractService.serving(ctx, village, item, day, order.organisationId);
    contractId ??= contracts[0]?.id ?? null;
    const lines = contracts.flatMap((c) => c.catalogue.filter((line) => line.item === item));
    items.push({ item, contracted: contracts.length > 0, minMinutes: Math.max(MIN_VISIT_MINUTES, ...lines.map((line) => line.minMinutes)) });
  }
  const recipient = (await workOrderRepository.recipientOn(ctx.db, order.personId, day, firstReceived))!;
  const caregiver = await caregiverService.get(ctx, String(order.caregiverId));
  const bars = (await caregiverService.standing(ctx, caregiver, village, day)).reasons;
  const rules = (await careRulesService.rulesAt(ctx, village, day))?.rules;
  const standing: VisitStanding = {
    items,
    recipient: { enrolled: recipient.enrolled, status: recipient.status, statusSince: recipient.statusSince, home: recipient.home, cardToken: recipient.cardHash },
    caregiver: { trained: !bars.includes(CaregiverBar.NOT_TRAINED), barred: bars.some((bar) => bar !== CaregiverBar.NOT_TRAINED) },
    caregiverVisits: await workOrderRepository.countedVisitsOf(ctx.db, order.caregiverId!, order.id),
    rules: {
      radiusMetres: rules?.checkInRadiusMetres ?? UNDOCUMENTED_DEFAULTS.checkInRadiusMetres,
      lateSyncDays: rules?.offlineSyncDays ?? UNDOCUMENTED_DEFAULTS.offlineSyncDays,
    },
    day,
  };
  return { standing, contractId, cardHash: recipient.cardHash };
}

/** The reasons of the visit as its events stand: final with a sign-out, else those knowable at the sign-in. */
async function judge(ctx: Context, order: WorkOrderRow, events: readonly VisitEventRow[]) {
  const checkIn = events.find((e) => e.kind === 'CHECK_IN')!;
  const checkOut = events.find((e) => e.kind === 'CHECK_OUT') ?? null;
  const day = todayInChina(checkIn.deviceAt);
  const { standing, contractId } = await standingOf(ctx, order, day, checkIn.serverAt);
  const placed = [checkIn, checkOut].find((e) => e !== null && e.lat !== null);
  const evidence = {
    checkInAt: checkIn.deviceAt,
    checkOutAt: checkOut?.deviceAt ?? null,
    receivedAt: (checkOut ?? checkIn).serverAt,
    place: placed ? { lat: placed.lat!, lng: placed.lng! } : null,
    scannedCard: checkIn.cardTokenHash ?? checkOut?.cardTokenHash ?? null,
  };
  const reasons = voidReasons(evidence, standing);
  return { reasons: checkOut ? reasons : reasons.filter((r) => r !== VisitVoidReason.NO_CHECK_OUT), contractId, evidence };
}

/** What a sign-in or sign-out answers: the order as it now stands and its reasons. */
async function outcomeOf(write: Write, orderId: number, replayed: boolean): Promise<VisitOutcomeView> {
  const [order] = await workOrderRepository.byIds(write.tx, [orderId]);
  if (order.state !== 'CHECKED_IN') return { order, reasons: order.voidReasons, replayed };
  const { reasons } = await judge(write.ctx, order, await workOrderRepository.eventsOf(write.tx, [orderId]));
  return { order, reasons, replayed };
}

interface EventDraft {
  kind: EventKind;
  clientId: string;
  deviceAt: Date;
  place: Place | null;
  cardToken: string | null;
}

function eventDraft(kind: EventKind, input: VisitEventInput | SyncVisitEventInput, field: string): EventDraft {
  return {
    kind,
    clientId: parseClientId(input.clientId, `${field}.clientId`),
    deviceAt: parseDeviceAt(input.deviceAt, `${field}.deviceAt`),
    place: parsePlace(input.place, `${field}.place`),
    cardToken: parseCardToken(input.cardToken, `${field}.cardToken`),
  };
}

/**
 * Records a sign-in or sign-out of the caller's own order and decides what follows: at sign-in the order is
 * CHECKED_IN (its day the sign-in's day in China); at sign-out it is VERIFIED or VOID with every reason. An
 * event already received (same caregiver and client id) writes nothing and answers as the order stands.
 */
async function recordEvent(write: Write, orderId: number, draft: EventDraft, field: string): Promise<VisitOutcomeView> {
  const { tx, grant } = write;
  const caregiverId = grant!.caregiverId!;
  const order = (await workOrderRepository.lock(tx, orderId))!;
  const sent = await workOrderRepository.eventByClientId(tx, caregiverId, draft.clientId);
  if (sent) {
    if (sent.orderId !== order.id || sent.kind !== draft.kind) throw new ConflictError(`the client id was used for another event (${sent.kind} of order ${sent.orderId})`, `${field}.clientId`);
    return outcomeOf(write, order.id, true);
  }
  requireState(order, draft.kind === 'CHECK_IN' ? ['ASSIGNED'] : ['CHECKED_IN'], `${field}.order`);
  const inserted = await workOrderRepository.insertEvent(tx, {
    orderId: order.id,
    kind: draft.kind,
    caregiverId,
    clientId: draft.clientId,
    deviceAt: draft.deviceAt,
    lat: draft.place?.lat ?? null,
    lng: draft.place?.lng ?? null,
    cardTokenHash: draft.cardToken === null ? null : hashCardToken(draft.cardToken),
    recordedBy: grant!.actor.userId,
  });
  if (!inserted) throw new ConflictError('the client id was used for another event', `${field}.clientId`);
  if (draft.kind === 'CHECK_IN') {
    await workOrderRepository.checkIn(tx, order.id, draft.deviceAt, todayInChina(draft.deviceAt), inserted.serverAt);
    write.detail({ event: inserted.id, kind: draft.kind, clientId: draft.clientId });
    return outcomeOf(write, order.id, false);
  }
  const events = await workOrderRepository.eventsOf(tx, [order.id]);
  const { reasons, contractId, evidence } = await judge(write.ctx, order, events);
  const length = Math.floor((draft.deviceAt.getTime() - evidence.checkInAt.getTime()) / MINUTE_MS);
  await workOrderRepository.decide(tx, order.id, { checkOutAt: draft.deviceAt, receivedAt: inserted.serverAt, minutes: length > 0 ? length : null, reasons, contractId });
  write.detail({ event: inserted.id, kind: draft.kind, clientId: draft.clientId, verdict: reasons.length === 0 ? 'VERIFIED' : 'VOID', reasons });
  return outcomeOf(write, order.id, false);
}

/** The order an offline device created, created once by its client id; the caller's organisation, assigned to the caller. */
async function offlineOrder(write: Write, input: OfflineOrderInput, field: string): Promise<number> {
  const { tx, ctx, grant } = write;
  const clientId = parseClientId(input.clientId, `${field}.clientId`);
  const caregiverId = grant!.caregiverId!;
  const existing = await workOrderRepository.byClientId(tx, clientId);
  if (existing) {
    if (existing.caregiverId !== caregiverId) throw denied(NOT_IN_SCOPE.denial);
    return existing.id;
  }
  const caregiver = await caregiverService.get(ctx, String(caregiverId));
  const items = parseItems(input.items, `${field}.items`);
  const person = await workOrderRepository.personVillage(tx, parseId(input.person, `${field}.person`, 'a person'));
  // A caregiver serves in the county they are based in.
  if (!person || !person.villageCode.startsWith(caregiver.jurisdictionCode.slice(0, 6))) throw denied(text('PERSON_NOT_IN_SCOPE'));
  const id = await workOrderRepository.insert(tx, {
    personId: person.id,
    villageCode: person.villageCode,
    organisationId: caregiver.organisationId,
    caregiverId,
    contractId: null,
    items,
    bookedAs: WorkOrderBooker.PROVIDER,
    bookedBy: grant!.actor.userId,
    agentName: null,
    plannedDay: todayInChina(),
    clientId,
    redoOf: null,
  });
  return id ?? (await workOrderRepository.byClientId(tx, clientId))!.id;
}

function refusalOf(error: unknown): SyncResultView['refusal'] {
  if (!(error instanceof AppError)) throw error;
  return { code: String(error.extensions.code), field: (error.extensions.field as string | undefined) ?? null, message: error.message };
}

export const workOrderService = {
  /** An order the caller may read (a provider: its organisation's; a caregiver: their own; others: their subtree's); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<WorkOrderRow> {
    const grant = grantFor(ctx, Capability.READ_WORK_ORDERS);
    const row = await loader(ctx, orderByIdLoader).load(parseId(rawId, 'id', 'a work order'));
    requireReach(grant, [row], NOT_IN_SCOPE);
    return shown(grant, row!);
  },

  /** Orders of recipients at or below `under` (default the caller's home; a caregiver: their own wherever), filtered, by id. */
  async list(ctx: Context, args: WorkOrderListArgs): Promise<Page<WorkOrderRow>> {
    const grant = grantFor(ctx, Capability.READ_WORK_ORDERS);
    const under = args.under ? (await jurisdictionService.get(ctx, args.under, 'under')).code : grant.code;
    let organisationId = grant.organisationId;
    if (args.provider != null) {
      const organisation = await facilityService.organisationWithCode(ctx.db, parseCreditCode(args.provider, 'provider'));
      const wanted = organisation?.id ?? -1;
      organisationId = organisationId === null || organisationId === wanted ? wanted : -1;
    }
    let caregiverId = grant.caregiverId;
    if (args.caregiver != null) {
      const wanted = parseId(args.caregiver, 'caregiver', 'a caregiver');
      caregiverId = caregiverId === null || caregiverId === wanted ? wanted : -1;
    }
    const from = args.from == null ? null : parseDayField(args.from, 'from');
    const until = args.until == null ? null : parseDayField(args.until, 'until', from ?? undefined);
    const filter: WorkOrderFilter = { underCode: grant.caregiverId === null ? under : '', organisationId, caregiverId, state: args.state ?? null, from, until };
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => workOrderRepository.search(ctx.db, filter, after, limit),
      count: () => workOrderRepository.count(ctx.db, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map((row) => shown(grant, row)),
    });
  },

  /** The sign-in or sign-out of an order as recorded (batched across a page). */
  async fact(ctx: Context, order: WorkOrderRow, kind: VisitEventKind): Promise<VisitFactView | null> {
    const event = (await loader(ctx, eventsLoader).load(order.id)).find((e) => e.kind === kind);
    if (!event) return null;
    const place = event.lat === null ? null : { lat: event.lat, lng: event.lng! };
    return {
      deviceAt: event.deviceAt,
      serverAt: event.serverAt,
      distanceMetres: place && event.home ? Math.round(distanceMetres(place, event.home)) : null,
      placeGiven: place !== null,
      cardScanned: event.cardTokenHash !== null,
    };
  },

  /**
   * Books a visit for a recipient of the caller's subtree with a provider under contract for the recipient's
   * village and every item on the planned day: by the provider (its own organisation), by the village worker,
   * or for the recipient's agent (named). A booking sent again with its clientId returns the same order.
   */
  async book(ctx: Context, input: BookWorkOrderInput): Promise<WorkOrderRow> {
    const id = await mutation(ctx, { action: 'workOrder.book', capability: Capability.BOOK_WORK_ORDERS }, async (write) => {
      const { tx, ctx, grant, target, at, detail } = write;
      target('WorkOrder', []);
      const person = await personReached(ctx, grant!, input.person, 'input.person');
      at(person.villageId);
      const provider = grant!.organisationId !== null;
      if ((input.bookedAs === WorkOrderBooker.PROVIDER) !== provider) {
        throw new BadUserInputError('input.bookedAs', provider ? 'must be PROVIDER for a provider’s booking' : 'PROVIDER is for a provider’s own booking');
      }
      if (input.bookedAs === WorkOrderBooker.VILLAGE_WORKER && !grant!.actor.roles.includes(Role.VILLAGE_WORKER)) {
        throw new BadUserInputError('input.bookedAs', 'VILLAGE_WORKER is for a village worker’s booking');
      }
      const agent = input.bookedAs === WorkOrderBooker.AGENT;
      const agentName = parseText(input.agentName, 'input.agentName', { required: agent, max: MAX_AGENT_NAME });
      if (!agent && agentName !== null) throw new BadUserInputError('input.agentName', 'is for an AGENT booking only');
      const items = parseItems(input.items, 'input.items');
      const plannedDay = parseDayField(input.plannedDay, 'input.plannedDay');
      const clientId = input.clientId == null ? null : parseClientId(input.clientId, 'input.clientId');
      const organisation = await facilityService.organisationWithCode(tx, parseCreditCode(input.provider, 'input.provider'));
      if (provider && organisation?.id !== grant!.organisationId) throw denied();
      if (!organisation) throw new BadUserInputError('input.provider', 'is under no contract serving the recipient’s village');
      if (clientId !== null) {
        const sent = await workOrderRepository.byClientId(tx, clientId);
        if (sent) {
          if (sent.personId !== person.id || sent.organisationId !== organisation.id) throw new ConflictError('the client id was used for another order', 'input.clientId');
          target('WorkOrder', [sent.id]);
          return sent.id;
        }
      }
      const contractId = await contractsFor(ctx, person.villageCode, organisation.id, items, plannedDay, 'input.items');
      const created = await workOrderRepository.insert(tx, {
        personId: person.id,
        villageCode: person.villageCode,
        organisationId: organisation.id,
        caregiverId: null,
        contractId,
        items,
        bookedAs: input.bookedAs,
        bookedBy: grant!.actor.userId,
        agentName,
        plannedDay,
        clientId,
        redoOf: null,
      });
      if (created === null) throw new ConflictError('the client id was used for another order', 'input.clientId');
      target('WorkOrder', [created]);
      detail({ person: person.id, provider: organisation.creditCode, items, plannedDay, bookedAs: input.bookedAs });
      return created;
    });
    return this.get(ctx, String(id));
  },

  /** Assigns a BOOKED (or reassigns an ASSIGNED) order of the caller's organisation to one of its caregivers. */
  async assign(ctx: Context, rawOrder: string, rawCaregiver: string): Promise<WorkOrderRow> {
    const id = await mutation(ctx, { action: 'workOrder.assign', capability: Capability.ASSIGN_WORK_ORDERS }, async (write) => {
      const order = await lockOrder(write, rawOrder, 'order');
      requireState(order, ['BOOKED', 'ASSIGNED'], 'order');
      const caregiver = await caregiverService.get(write.ctx, rawCaregiver);
      if (caregiver.organisationId !== order.organisationId) throw denied(text('CAREGIVER_NOT_IN_SCOPE'));
      await workOrderRepository.assign(write.tx, order.id, caregiver.id);
      write.detail({ caregiver: caregiver.id, previous: order.caregiverId });
      return order.id;
    });
    return this.get(ctx, String(id));
  },

  /** Cancels an order before its sign-in, with the reason. */
  async cancel(ctx: Context, rawOrder: string, rawReason: string): Promise<WorkOrderRow> {
    const id = await mutation(ctx, { action: 'workOrder.cancel', capability: Capability.BOOK_WORK_ORDERS }, async (write) => {
      const order = await lockOrder(write, rawOrder, 'order');
      const reason = parseText(rawReason, 'reason', { required: true, max: MAX_CANCEL_REASON })!;
      requireState(order, ['BOOKED', 'ASSIGNED'], 'order');
      await workOrderRepository.cancel(write.tx, order.id, reason);
      write.detail({ reason });
      return order.id;
    });
    return this.get(ctx, String(id));
  },

  /**
   * Redoes a VOID order («通知服務人員重新提供服務»): a new order of the same recipient, provider, items and
   * caregiver (ASSIGNED; BOOKED without one) on `plannedDay` (default today), under contract that day. Once only.
   */
  async redo(ctx: Context, rawOrder: string, rawDay: string | null | undefined): Promise<WorkOrderRow> {
    const id = await mutation(ctx, { action: 'workOrder.redo', capability: Capability.BOOK_WORK_ORDERS }, async (write) => {
      const order = await lockOrder(write, rawOrder, 'order');
      requireState(order, ['VOID'], 'order');
      if (order.redoneBy !== null) throw new ConflictError(`the work order is already redone by order ${order.redoneBy}`, 'order');
      const plannedDay = rawDay == null ? todayInChina() : parseDayField(rawDay, 'plannedDay');
      const contractId = await contractsFor(write.ctx, order.jurisdictionCode, order.organisationId, order.items, plannedDay, 'items');
      const created = await workOrderRepository.insert(write.tx, {
        personId: order.personId,
        villageCode: order.jurisdictionCode,
        organisationId: order.organisationId,
        caregiverId: order.caregiverId,
        contractId,
        items: order.items,
        bookedAs: order.bookedAs as WorkOrderBooker,
        bookedBy: write.grant!.actor.userId,
        agentName: order.agentName,
        plannedDay,
        clientId: null,
        redoOf: order.id,
      });
      if (created === null) throw new ConflictError('the work order is already redone', 'order');
      write.target('WorkOrder', [order.id, created]);
      write.detail({ redoneBy: created, plannedDay });
      return created;
    });
    return this.get(ctx, String(id));
  },

  /** The caller's sign-in at one of their ASSIGNED orders (CHECKED_IN, with the reasons already knowable). */
  async checkIn(ctx: Context, input: VisitEventInput): Promise<VisitOutcomeView> {
    return this.event(ctx, 'CHECK_IN', input, 'workOrder.checkIn');
  },

  /** The caller's sign-out at one of their CHECKED_IN orders: VERIFIED, or VOID with every reason. */
  async checkOut(ctx: Context, input: VisitEventInput): Promise<VisitOutcomeView> {
    return this.event(ctx, 'CHECK_OUT', input, 'workOrder.checkOut');
  },

  async event(ctx: Context, kind: EventKind, input: VisitEventInput, action: string): Promise<VisitOutcomeView> {
    const outcome = await mutation(ctx, { action, capability: Capability.RECORD_VISITS }, async (write) => {
      const id = parseId(input.order, 'input.order', 'a work order');
      write.target('WorkOrder', [id]);
      const draft = eventDraft(kind, input, 'input');
      await workOrderRepository.lockCaregiver(write.tx, write.grant!.caregiverId!);
      await lockOrder(write, String(id), 'input.order');
      return recordEvent(write, id, draft, 'input');
    });
    return { ...outcome, order: shown(grantFor(ctx, Capability.READ_WORK_ORDERS), outcome.order) };
  },

  /**
   * An offline device's batch: each event on its own (in the order of the devices' clocks, sign-ins first),
   * its order created offline made once by its client id; the same batch sent again writes nothing new.
   * Results come in the batch's order, a refused event with its code and field.
   */
  async sync(ctx: Context, events: readonly SyncVisitEventInput[]): Promise<SyncResultView[]> {
    grantFor(ctx, Capability.RECORD_VISITS);
    const reader = grantFor(ctx, Capability.READ_WORK_ORDERS);
    if (events.length < 1 || events.length > MAX_SYNC_EVENTS) throw new BadUserInputError('events', `must hold from 1 to ${MAX_SYNC_EVENTS} events`);
    const order = events.map((event, i) => ({ event, i })).sort((a, b) => {
      const at = (x: SyncVisitEventInput) => (x.deviceAt instanceof Date ? x.deviceAt.getTime() : 0);
      return at(a.event) - at(b.event) || (a.event.kind === b.event.kind ? a.i - b.i : a.event.kind === 'CHECK_IN' ? -1 : 1);
    });
    const results: SyncResultView[] = new Array(events.length);
    for (const { event, i } of order) {
      const field = `events[${i}]`;
      try {
        const outcome = await mutation(ctx, { action: 'workOrder.sync', capability: Capability.RECORD_VISITS }, async (write) => {
          write.target('WorkOrder', event.order == null ? [] : [event.order]);
          if ((event.order == null) === (event.newOrder == null)) throw new BadUserInputError(`${field}.order`, 'give exactly one of order and newOrder');
          const draft = eventDraft(event.kind as EventKind, event, field);
          await workOrderRepository.lockCaregiver(write.tx, write.grant!.caregiverId!);
          const id = event.newOrder != null ? await offlineOrder(write, event.newOrder, `${field}.newOrder`) : parseId(event.order!, `${field}.order`, 'a work order');
          await lockOrder(write, String(id), `${field}.order`);
          return recordEvent(write, id, draft, field);
        });
        results[i] = { clientId: event.clientId, outcome: { ...outcome, order: shown(reader, outcome.order) }, refusal: null };
      } catch (error) {
        results[i] = { clientId: event.clientId, outcome: null, refusal: refusalOf(error) };
      }
    }
    return results;
  },
};
