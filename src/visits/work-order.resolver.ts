import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { PageArgs } from '../kernel/pagination';
import { serviceCardService } from './service-card.service';
import { BookWorkOrderInput, SyncVisitEventInput, VisitEventInput } from './work-order.inputs';
import type { WorkOrderRow, WorkOrderState } from './work-order.repository';
import { workOrderService } from './work-order.service';
import { visitService } from './work-order.visits';
import { HomePlace, IssuedServiceCard, SyncResult, VisitEventKind, VisitFact, VisitOutcome, WorkOrder, WorkOrderConnection, WorkOrderStateValue } from './work-order.types';

@ArgsType()
class WorkOrderListArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction whose recipients’ orders to list; default the caller’s home (a caregiver: their own orders wherever).' })
  under?: string | null;

  @Field(() => WorkOrderStateValue, { nullable: true })
  state?: WorkOrderState | null;

  @Field(() => DateScalar, { nullable: true, description: 'First day (the service day, else the planned day).' })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'Last day (the service day, else the planned day).' })
  until?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only this caregiver’s orders.' })
  caregiver?: string | null;

  @Field(() => String, { nullable: true, description: 'Credit code of the provider organisation.' })
  provider?: string | null;
}

@Resolver(() => WorkOrder)
export class WorkOrderResolver {
  @Query(() => WorkOrder, { description: 'A work order the caller may read: a provider its organisation’s, a caregiver their own, others their subtree’s.' })
  workOrder(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return workOrderService.get(ctx, id);
  }

  @Query(() => WorkOrderConnection, { complexity: connectionCost, description: 'Work orders the caller may read, of recipients at or below `under`, by id.' })
  workOrders(@Ctx() ctx: Context, @Args() args: WorkOrderListArgs) {
    return workOrderService.list(ctx, args);
  }

  @Query(() => HomePlace, { nullable: true, description: 'A recipient’s registered place and current service card (personal data); null when none is recorded.' })
  homePlace(@Ctx() ctx: Context, @Arg('person', () => ID) person: string) {
    return serviceCardService.homePlace(ctx, person);
  }

  @Mutation(() => HomePlace, { description: 'Records a recipient’s registered place: sign-ins are compared with it within the county’s radius.' })
  setHomePlace(@Ctx() ctx: Context, @Arg('person', () => ID) person: string, @Arg('lat', () => Float) lat: number, @Arg('lng', () => Float) lng: number) {
    return serviceCardService.setHomePlace(ctx, person, lat, lng);
  }

  @Mutation(() => IssuedServiceCard, { description: 'Issues a recipient a new service card, replacing the current one; the token (what the QR code holds) is shown this once.' })
  issueServiceCard(@Ctx() ctx: Context, @Arg('person', () => ID) person: string) {
    return serviceCardService.issue(ctx, person);
  }

  @Mutation(() => WorkOrder, { description: 'Books a visit with a provider under contract for the recipient’s village and items on the planned day.' })
  bookWorkOrder(@Ctx() ctx: Context, @Arg('input') input: BookWorkOrderInput) {
    return workOrderService.book(ctx, input);
  }

  @Mutation(() => WorkOrder, { description: 'Assigns an order of the caller’s organisation to one of its caregivers.' })
  assignWorkOrder(@Ctx() ctx: Context, @Arg('order', () => ID) order: string, @Arg('caregiver', () => ID) caregiver: string) {
    return workOrderService.assign(ctx, order, caregiver);
  }

  @Mutation(() => WorkOrder, { description: 'Cancels an order before its sign-in.' })
  cancelWorkOrder(@Ctx() ctx: Context, @Arg('order', () => ID) order: string, @Arg('reason') reason: string) {
    return workOrderService.cancel(ctx, order, reason);
  }

  @Mutation(() => WorkOrder, { description: 'Redoes a VOID order once: a new order of the same recipient, provider, items and caregiver.' })
  redoWorkOrder(@Ctx() ctx: Context, @Arg('order', () => ID) order: string, @Arg('plannedDay', () => DateScalar, { nullable: true }) plannedDay: string | null) {
    return workOrderService.redo(ctx, order, plannedDay);
  }

  @Mutation(() => VisitOutcome, { description: 'The caregiver’s sign-in (簽入) at one of their orders.' })
  checkIn(@Ctx() ctx: Context, @Arg('input') input: VisitEventInput) {
    return visitService.checkIn(ctx, input);
  }

  @Mutation(() => VisitOutcome, { description: 'The caregiver’s sign-out (簽出): the order is VERIFIED or VOID with its reasons.' })
  checkOut(@Ctx() ctx: Context, @Arg('input') input: VisitEventInput) {
    return visitService.checkOut(ctx, input);
  }

  @Mutation(() => [SyncResult], { description: 'An offline device’s batch of sign-ins and sign-outs, orders created offline among them; sent again, it writes nothing new.' })
  syncVisits(@Ctx() ctx: Context, @Arg('events', () => [SyncVisitEventInput]) events: SyncVisitEventInput[]) {
    return visitService.sync(ctx, events);
  }
}

// The visit's facts, apart from the mutations of the same names: one statement for the events of a page.
@Resolver(() => WorkOrder)
export class WorkOrderFactsResolver {
  @FieldResolver(() => VisitFact, { nullable: true, description: 'The sign-in as recorded.' })
  checkIn(@Ctx() ctx: Context, @Root() order: WorkOrderRow) {
    return workOrderService.fact(ctx, order, VisitEventKind.CHECK_IN);
  }

  @FieldResolver(() => VisitFact, { nullable: true, description: 'The sign-out as recorded.' })
  checkOut(@Ctx() ctx: Context, @Root() order: WorkOrderRow) {
    return workOrderService.fact(ctx, order, VisitEventKind.CHECK_OUT);
  }
}
