import DataLoader from 'dataloader';
import { denied, grantFor, requireReach } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import type { ServiceClass, ServiceItem } from '../care/care-kinds';
import { carePlanService } from '../care/care-plan.service';
import { parseCreditCode } from '../facilities/facility.rules';
import { facilityService } from '../facilities/facility.service';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { Capability, Role } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import { parseDayField } from '../procedures/procedure.rules';
import { caregiverService } from '../providers/caregiver.service';
import { contractService } from '../providers/contract.service';
import { personReached } from './service-card.service';
import { distanceMetres } from './verification.rules';
import type { BookWorkOrderInput } from './work-order.inputs';
import { workOrderRepository, type VisitEventRow, type WorkOrderFilter, type WorkOrderRow, type WorkOrderState } from './work-order.repository';
import { MAX_AGENT_NAME, MAX_CANCEL_REASON, NOT_IN_SCOPE, parseClientId, parseItems, requireState, shown } from './work-order.rules';
import { WorkOrderBooker, type VisitEventKind } from './work-order.types';

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


/** The order a write acts on, locked and named in its audit entry: one the write's grant reaches (FORBIDDEN alike for one out of reach and a missing one). */
export async function lockOrder(write: Write, rawId: string, field: string): Promise<WorkOrderRow> {
  const id = parseId(rawId, field, 'a work order');
  write.target('WorkOrder', [id]);
  const row = await workOrderRepository.lock(write.tx, id);
  requireReach(write.grant!, [row], NOT_IN_SCOPE);
  write.at(row!.village.id);
  return row!;
}

/**
 * The service class of an order for the recipient on its planned day: their plan's for the day's month, as
 * the county's rules decide it by their categories and age («無償服務的對象為…“三無”老人;低償服務的對象為…高齡老人、
 * 特殊羣體老人», seed 004 篇二); null when they have no plan that month.
 */
export function serviceClassOn(ctx: Context, personId: number, day: string): Promise<ServiceClass | null> {
  return carePlanService.serviceClassOf(ctx, personId, day.slice(0, 7));
}

/** The contract serving each item at the village on the day for the provider (the first's id), or BAD_USER_INPUT naming the first item without one. */
export async function contractsFor(ctx: Context, villageCode: string, organisationId: number, items: readonly ServiceItem[], day: string, field: string): Promise<number> {
  const terms = await contractService.servingTerms(ctx, villageCode, items, day, organisationId);
  for (const [i, item] of items.entries()) {
    if (!terms.some((t) => t.item === item)) throw new BadUserInputError(`${field}[${i}]`, `${item} is under no contract of the provider serving ${villageCode} on ${day}`);
  }
  return terms.find((t) => t.item === items[0])!.contractId;
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
      // The agent may phone the village worker, the office or the provider («服務商接到轄區內老人服務需求後»).
      const provider = grant!.organisationId !== null;
      if (input.bookedAs === WorkOrderBooker.PROVIDER && !provider) throw new BadUserInputError('input.bookedAs', 'PROVIDER is for a provider’s own booking');
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
        serviceClass: await serviceClassOn(ctx, person.id, plannedDay),
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
        serviceClass: await serviceClassOn(write.ctx, order.personId, plannedDay),
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
};
