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
import { workOrderRepository, type EventKind, type VisitEventRow, type WorkOrderRow } from './work-order.repository';
import { MAX_SYNC_EVENTS, MINUTE_MS, NOT_IN_SCOPE, parseClientId, parseDeviceAt, parseItems, parsePlace, requireState, shown } from './work-order.rules';
import { lockOrder } from './work-order.service';
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
 * The order comes locked and in the caller's reach (`lockOrder`).
 */
async function recordEvent(write: Write, order: WorkOrderRow, draft: EventDraft, field: string): Promise<VisitOutcomeView> {
  const { tx, grant } = write;
  const caregiverId = grant!.caregiverId!;
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
      await workOrderRepository.lockCaregiver(write.tx, write.grant!.caregiverId!);
      return recordEvent(write, await lockOrder(write, String(id), 'input.order'), draft, 'input');
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
