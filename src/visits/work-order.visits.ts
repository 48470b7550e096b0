import { denied, grantFor } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { UNDOCUMENTED_DEFAULTS } from '../care/care-rule-kinds';
import { careRulesService } from '../care/care-rules.service';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { AppError, BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { CaregiverBar } from '../providers/caregiver.rules';
import { caregiverService } from '../providers/caregiver.service';
import { contractService } from '../providers/contract.service';
import { MIN_VISIT_MINUTES } from '../providers/provider-kinds';
import { hashCardToken, parseCardToken } from './service-card.service';
import { voidReasons, VisitVoidReason, type Place, type VisitStanding } from './verification.rules';
import type { OfflineOrderInput, SyncVisitEventInput, VisitEventInput } from './work-order.inputs';
import { workOrderRepository, type EventFacts, type EventKind, type NewVisitEvent, type WorkOrderRow } from './work-order.repository';
import { MAX_SYNC_EVENTS, MINUTE_MS, NOT_IN_SCOPE, parseClientId, parseDeviceAt, parseItems, parsePlace, requireState, shown } from './work-order.rules';
import { lockOrder, serviceClassOn } from './work-order.service';
import { WorkOrderBooker } from './work-order.types';

// The visit itself: sign-in and sign-out by the order's caregiver, decided against how things stood on its
// day (src/visits/verification.rules.ts), and the offline device's batches.

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

/**
 * How things stood on the visit's day, for `voidReasons`: the contracts' minimums, the recipient (their card
 * current when the visit's first event arrived; null: now), the caregiver, the village's rules and, for a
 * visit with its end, the caregiver's other visits sharing its time. Read together, in one round trip.
 */
async function standingOf(
  ctx: Context,
  order: WorkOrderRow,
  day: string,
  firstReceived: Date | null,
  span: { start: Date; end: Date } | null,
): Promise<{ standing: VisitStanding; contractId: number | null }> {
  const village = order.jurisdictionCode;
  const [terms, recipient, bars, rules, caregiverVisits] = await Promise.all([
    contractService.servingTerms(ctx, village, order.items, day, order.organisationId),
    workOrderRepository.recipientOn(ctx.db, order.personId, day, firstReceived),
    caregiverService.barsOn(ctx, order.caregiverId!, village, day),
    careRulesService.rulesAt(ctx, village, day),
    span === null ? [] : workOrderRepository.overlappingVisitsOf(ctx.db, order.caregiverId!, order.id, span.start, span.end),
  ]);
  const items = order.items.map((item) => {
    const serving = terms.filter((t) => t.item === item);
    return { item, contracted: serving.length > 0, minMinutes: Math.max(MIN_VISIT_MINUTES, ...serving.map((t) => t.minMinutes)) };
  });
  // The order is charged to the contract serving its first item that has one.
  const contractId = order.items.map((item) => terms.find((t) => t.item === item)).find((t) => t !== undefined)?.contractId ?? null;
  const standing: VisitStanding = {
    items,
    recipient: { enrolled: recipient!.enrolled, status: recipient!.status, statusSince: recipient!.statusSince, home: recipient!.home, cardToken: recipient!.cardHash },
    caregiver: { trained: !bars.includes(CaregiverBar.NOT_TRAINED), barred: bars.some((bar) => bar !== CaregiverBar.NOT_TRAINED) },
    caregiverVisits,
    rules: {
      radiusMetres: rules?.rules.checkInRadiusMetres ?? UNDOCUMENTED_DEFAULTS.checkInRadiusMetres,
      lateSyncDays: rules?.rules.offlineSyncDays ?? UNDOCUMENTED_DEFAULTS.offlineSyncDays,
    },
    day,
  };
  return { standing, contractId };
}

/** The reasons of the visit as its events stand against `standing`: final with a sign-out, else those knowable at the sign-in. */
function verdictOf(standing: VisitStanding, checkIn: EventFacts, checkOut: EventFacts | null): VisitVoidReason[] {
  const placed = [checkIn, checkOut].find((e) => e !== null && e.lat !== null);
  const evidence = {
    checkInAt: checkIn.deviceAt,
    checkOutAt: checkOut?.deviceAt ?? null,
    receivedAt: (checkOut ?? checkIn).serverAt,
    place: placed ? { lat: placed.lat!, lng: placed.lng! } : null,
    scannedCard: checkIn.cardTokenHash ?? checkOut?.cardTokenHash ?? null,
  };
  const reasons = voidReasons(evidence, standing);
  return checkOut ? reasons : reasons.filter((r) => r !== VisitVoidReason.NO_CHECK_OUT);
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

/** The draft as it is recorded: the card scanned kept as its hash. */
function eventRecord(write: Write, order: WorkOrderRow, draft: EventDraft): NewVisitEvent {
  return {
    orderId: order.id,
    kind: draft.kind,
    caregiverId: write.grant!.caregiverId!,
    clientId: draft.clientId,
    deviceAt: draft.deviceAt,
    lat: draft.place?.lat ?? null,
    lng: draft.place?.lng ?? null,
    cardTokenHash: draft.cardToken === null ? null : hashCardToken(draft.cardToken),
    recordedBy: write.grant!.actor.userId,
  };
}

/** The facts of an event recorded at `serverAt`. */
function factsOf(event: NewVisitEvent, serverAt: Date): EventFacts {
  return { deviceAt: event.deviceAt, serverAt, lat: event.lat, lng: event.lng, cardTokenHash: event.cardTokenHash?.toString('hex') ?? null };
}

/**
 * The sign-in: recorded and the order CHECKED_IN (its day the sign-in's day in China) in one statement, sent
 * with the reads of the visit's standing; null when its client id was sent before.
 */
async function checkIn(write: Write, order: WorkOrderRow, event: NewVisitEvent): Promise<VisitOutcomeView | null> {
  const day = todayInChina(event.deviceAt);
  const [done, { standing }] = await Promise.all([workOrderRepository.checkIn(write.tx, event, day), standingOf(write.ctx, order, day, null, null)]);
  if (!done) return null;
  write.detail({ event: done.eventId, kind: event.kind, clientId: event.clientId });
  return { order: { ...order, ...done.change }, reasons: verdictOf(standing, factsOf(event, done.change.receivedAt!), null), replayed: false };
}

/**
 * The sign-out: recorded, sent with the reads of the sign-in and of the visit's standing (its day and span
 * from the order as checked in), then the verdict: VERIFIED, or VOID with every reason; null when its client
 * id was sent before.
 */
async function checkOut(write: Write, order: WorkOrderRow, event: NewVisitEvent): Promise<VisitOutcomeView | null> {
  const span = { start: order.checkInAt!, end: event.deviceAt };
  const [inserted, signIn, { standing, contractId }] = await Promise.all([
    workOrderRepository.insertEvent(write.tx, event),
    workOrderRepository.signInOf(write.tx, order.id),
    standingOf(write.ctx, order, order.serviceDay!, order.receivedAt, span),
  ]);
  if (!inserted) return null;
  const reasons = verdictOf(standing, signIn, factsOf(event, inserted.serverAt));
  const length = Math.floor((event.deviceAt.getTime() - signIn.deviceAt.getTime()) / MINUTE_MS);
  const change = await workOrderRepository.decide(write.tx, order.id, { checkOutAt: event.deviceAt, receivedAt: inserted.serverAt, minutes: length > 0 ? length : null, reasons, contractId });
  write.detail({ event: inserted.id, kind: event.kind, clientId: event.clientId, verdict: reasons.length === 0 ? 'VERIFIED' : 'VOID', reasons });
  return { order: { ...order, ...change }, reasons, replayed: false };
}

/** What a re-sent event answers: the order as it stands (locked), with its reasons (those knowable so far while it is CHECKED_IN). */
async function replayOf(write: Write, order: WorkOrderRow): Promise<VisitOutcomeView> {
  if (order.state !== 'CHECKED_IN') return { order, reasons: order.voidReasons, replayed: true };
  const signIn = await workOrderRepository.signInOf(write.tx, order.id);
  const { standing } = await standingOf(write.ctx, order, order.serviceDay!, signIn.serverAt, null);
  return { order, reasons: verdictOf(standing, signIn, null), replayed: true };
}

/**
 * Records a sign-in or sign-out of the caller's own order and decides what follows: at sign-in the order is
 * CHECKED_IN; at sign-out it is VERIFIED or VOID with every reason. An event already received (same caregiver
 * and client id) writes nothing and answers as the order stands. The order comes locked and in the caller's
 * reach (`lockOrder`).
 */
async function recordEvent(write: Write, order: WorkOrderRow, draft: EventDraft, field: string): Promise<VisitOutcomeView> {
  const expected = draft.kind === 'CHECK_IN' ? 'ASSIGNED' : 'CHECKED_IN';
  if (order.state === expected) {
    const event = eventRecord(write, order, draft);
    const outcome = draft.kind === 'CHECK_IN' ? await checkIn(write, order, event) : await checkOut(write, order, event);
    if (outcome) return outcome;
  }
  const sent = await workOrderRepository.eventByClientId(write.tx, write.grant!.caregiverId!, draft.clientId);
  if (sent) {
    if (sent.orderId !== order.id || sent.kind !== draft.kind) throw new ConflictError(`the client id was used for another event (${sent.kind} of order ${sent.orderId})`, `${field}.clientId`);
    return replayOf(write, order);
  }
  requireState(order, [expected], `${field}.order`);
  throw new ConflictError('the client id was used for another event', `${field}.clientId`);
}

/** The order an offline device created, created once by its client id: the caller's organisation, assigned to the caller, planned for the day of its first event. */
async function offlineOrder(write: Write, input: OfflineOrderInput, field: string, day: string): Promise<number> {
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
    serviceClass: await serviceClassOn(ctx, person.id, day),
    bookedAs: WorkOrderBooker.PROVIDER,
    bookedBy: grant!.actor.userId,
    agentName: null,
    plannedDay: day,
    clientId,
    redoOf: null,
  });
  return id ?? (await workOrderRepository.byClientId(tx, clientId))!.id;
}

function refusalOf(error: unknown): SyncResultView['refusal'] {
  if (!(error instanceof AppError)) throw error;
  return { code: String(error.extensions.code), field: (error.extensions.field as string | undefined) ?? null, message: error.message };
}


export const visitService = {
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
      // The caregiver's lock, then the order's: sent together.
      const [, order] = await Promise.all([workOrderRepository.lockCaregiver(write.tx, write.grant!.caregiverId!), lockOrder(write, String(id), 'input.order')]);
      return recordEvent(write, order, draft, 'input');
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
          const id = event.newOrder != null ? await offlineOrder(write, event.newOrder, `${field}.newOrder`, todayInChina(draft.deviceAt)) : parseId(event.order!, `${field}.order`, 'a work order');
          return recordEvent(write, await lockOrder(write, String(id), `${field}.order`), draft, field);
        });
        results[i] = { clientId: event.clientId, outcome: { ...outcome, order: shown(reader, outcome.order) }, refusal: null };
      } catch (error) {
        results[i] = { clientId: event.clientId, outcome: null, refusal: refusalOf(error) };
      }
    }
    return results;
  },
};
