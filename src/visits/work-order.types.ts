import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ServiceClass, ServiceItem } from '../care/care-kinds';
import { OrganisationNode } from '../facilities/facility.types';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { VisitVoidReason } from './verification.rules';

export enum WorkOrderStateValue {
  BOOKED = 'BOOKED',
  ASSIGNED = 'ASSIGNED',
  CHECKED_IN = 'CHECKED_IN',
  VERIFIED = 'VERIFIED',
  VOID = 'VOID',
  CANCELLED = 'CANCELLED',
}

export enum WorkOrderBooker {
  PROVIDER = 'PROVIDER',
  VILLAGE_WORKER = 'VILLAGE_WORKER',
  AGENT = 'AGENT',
}

export enum VisitEventKind {
  CHECK_IN = 'CHECK_IN',
  CHECK_OUT = 'CHECK_OUT',
}

registerEnumType(WorkOrderStateValue, {
  name: 'WorkOrderState',
  description: 'Where a work order stands: booked, assigned to a caregiver, checked in, then VERIFIED or VOID at check-out; or cancelled before check-in.',
});
registerEnumType(WorkOrderBooker, {
  name: 'WorkOrderBooker',
  description: 'Who booked the order: the provider, the village worker, or the recipient’s agent through the village worker or the civil-affairs office.',
});
registerEnumType(VisitEventKind, { name: 'VisitEventKind', description: 'A sign-in (簽入) or sign-out (簽出) of a visit.' });

@ObjectType({
  simpleResolvers: true,
  description:
    'The recipient as the order shows them: name, phone and address in full to the provider and caregiver of the order (what the visit needs); masked to the offices (the person record unmasks, audited); finance and the leadership office see a masked name only.',
})
export class WorkOrderRecipient {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  phone: string | null;

  @Field(() => String, { nullable: true })
  address: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'The caregiver an order is assigned to, as the order names them.' })
export class WorkOrderCaregiver {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field()
  workCardNumber: string;
}

@ObjectType({ simpleResolvers: true, description: 'What a sign-in or sign-out recorded: both clocks, how far from the registered home (never the home itself), and whether a card was scanned.' })
export class VisitFact {
  @Field({ description: 'The device’s clock at the event (an offline device’s clock is the witness of the visit).' })
  deviceAt: Date;

  @Field({ description: 'When the server received the event.' })
  serverAt: Date;

  @Field(() => Int, { nullable: true, description: 'Whole metres from the recipient’s registered place; null without coordinates or without a registered place.' })
  distanceMetres: number | null;

  @Field({ description: 'Whether the device sent coordinates.' })
  placeGiven: boolean;

  @Field({ description: 'Whether a service card’s QR code was scanned.' })
  cardScanned: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'A work order (服务工单): one home visit booked for a recipient with a provider, and its verification.' })
export class WorkOrder {
  @Field(() => ID)
  id: number;

  @Field(() => WorkOrderRecipient)
  recipient: WorkOrderRecipient;

  @Field(() => JurisdictionRef, { description: 'The recipient’s village.' })
  village: JurisdictionRef;

  @Field(() => OrganisationNode, { description: 'The provider organisation.' })
  provider: OrganisationNode;

  @Field(() => WorkOrderCaregiver, { nullable: true })
  caregiver: WorkOrderCaregiver | null;

  @Field(() => [ServiceItem])
  items: ServiceItem[];

  @Field(() => ServiceClass, {
    nullable: true,
    description: 'The recipient’s service class for the planned day’s month, as their plan shows it (free, low-paid, paid by the county’s rules); null without a plan that month. The contract prices the order by it.',
  })
  serviceClass: ServiceClass | null;

  @Field(() => DateScalar)
  plannedDay: string;

  @Field(() => WorkOrderStateValue)
  state: WorkOrderStateValue;

  @Field(() => WorkOrderBooker)
  bookedAs: WorkOrderBooker;

  @Field(() => String, { nullable: true, description: 'The recipient’s agent who asked for the visit (bookedAs AGENT).' })
  agentName: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day of the visit in China: the sign-in’s day on the device’s clock.' })
  serviceDay: string | null;

  @Field(() => Int, { nullable: true, description: 'The visit’s length on the device’s clock, whole minutes; it counts only when VERIFIED.' })
  minutes: number | null;

  @Field(() => [VisitVoidReason], { description: 'Why the visit is VOID (empty otherwise): docs/visits.md.' })
  voidReasons: VisitVoidReason[];

  @Field(() => String, { nullable: true })
  cancelReason: string | null;

  @Field(() => ID, { nullable: true, description: 'The VOID order this one redoes.' })
  redoOf: number | null;

  @Field(() => ID, { nullable: true, description: 'The order that redoes this VOID one.' })
  redoneBy: number | null;

  @Field(() => Int)
  version: number;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'What a sign-in or sign-out did: the order as it stands and its reasons.' })
export class VisitOutcome {
  @Field(() => WorkOrder)
  order: WorkOrder;

  @Field(() => [VisitVoidReason], {
    description: 'At check-out the verdict’s reasons (empty: VERIFIED); at check-in those already knowable (the recipient deceased, not enrolled, away from home…), so the device can warn.',
  })
  reasons: VisitVoidReason[];

  @Field({ description: 'True when the event had been received before (same caregiver and clientId): nothing new was written.' })
  replayed: boolean;
}

@ObjectType({ simpleResolvers: true, description: 'Why one event of a batch was refused.' })
export class SyncRefusal {
  @Field()
  code: string;

  @Field(() => String, { nullable: true })
  field: string | null;

  @Field()
  message: string;
}

@ObjectType({ simpleResolvers: true, description: 'The result of one event of an offline batch, in the batch’s order.' })
export class SyncResult {
  @Field()
  clientId: string;

  @Field(() => VisitOutcome, { nullable: true })
  outcome: VisitOutcome | null;

  @Field(() => SyncRefusal, { nullable: true })
  refusal: SyncRefusal | null;
}

@ObjectType({ simpleResolvers: true, description: 'A new service card: the token its QR code holds is shown this once; only its SHA-256 is kept.' })
export class IssuedServiceCard {
  @Field(() => ID)
  personId: number;

  @Field()
  token: string;

  @Field()
  issuedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A recipient’s registered place (personal data) and current card.' })
export class HomePlace {
  @Field(() => ID)
  personId: number;

  @Field(() => Float)
  lat: number;

  @Field(() => Float)
  lng: number;

  @Field()
  recordedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the current service card was issued; null without one.' })
  cardIssuedAt: Date | null;
}

export const { Edge: WorkOrderEdge, Connection: WorkOrderConnection } = connectionTypes(WorkOrder, 'WorkOrder');
