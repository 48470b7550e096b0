import { Field, Float, ID, InputType } from 'type-graphql';
import { ServiceItem } from '../care/care-kinds';
import { DateScalar } from '../kernel/dates';
import { VisitEventKind, WorkOrderBooker } from './work-order.types';

@InputType({ description: 'Coordinates from the device (WGS-84 degrees).' })
export class PlaceInput {
  @Field(() => Float)
  lat: number;

  @Field(() => Float)
  lng: number;
}

@InputType()
export class BookWorkOrderInput {
  @Field(() => ID, { description: 'The recipient, living in the caller’s subtree.' })
  person: string;

  @Field({ description: 'Credit code of the provider organisation (a provider: its own), under contract for the recipient’s village and every item on the planned day.' })
  provider: string;

  @Field(() => [ServiceItem], { description: '1 to 6 items; repeats are dropped.' })
  items: ServiceItem[];

  @Field(() => DateScalar)
  plannedDay: string;

  @Field(() => WorkOrderBooker, { description: 'PROVIDER for a provider’s own booking; VILLAGE_WORKER for a village worker’s; AGENT for the recipient’s agent who phoned (the village worker, the office or the provider).' })
  bookedAs: WorkOrderBooker;

  @Field(() => String, { nullable: true, description: 'The agent’s name, 1 to 50 characters: required with AGENT, refused otherwise.' })
  agentName?: string | null;

  @Field(() => String, { nullable: true, description: 'A UUID from the client: a booking sent again with it returns the same order.' })
  clientId?: string | null;
}

@InputType({ description: 'A sign-in or sign-out by the order’s caregiver.' })
export class VisitEventInput {
  @Field(() => ID)
  order: string;

  @Field({ description: 'A UUID from the device, unique per caregiver: an event sent again with it is the same event.' })
  clientId: string;

  @Field({ description: 'The device’s clock at the event; not more than 10 minutes ahead of the server’s.' })
  deviceAt: Date;

  @Field(() => PlaceInput, { nullable: true })
  place?: PlaceInput | null;

  @Field(() => String, { nullable: true, description: 'The token read from the recipient’s service card QR code.' })
  cardToken?: string | null;
}

@InputType({ description: 'An order a caregiver’s device created offline (organisation: the caregiver’s).' })
export class OfflineOrderInput {
  @Field({ description: 'The device’s UUID for the order: a batch sent again creates it once.' })
  clientId: string;

  @Field(() => ID, { description: 'The recipient, living in the caregiver’s county.' })
  person: string;

  @Field(() => [ServiceItem])
  items: ServiceItem[];
}

@InputType({ description: 'One event of an offline batch: for an existing `order`, or for a `newOrder` created offline (exactly one of the two).' })
export class SyncVisitEventInput {
  @Field(() => VisitEventKind)
  kind: VisitEventKind;

  @Field(() => ID, { nullable: true })
  order?: string | null;

  @Field(() => OfflineOrderInput, { nullable: true })
  newOrder?: OfflineOrderInput | null;

  @Field()
  clientId: string;

  @Field()
  deviceAt: Date;

  @Field(() => PlaceInput, { nullable: true })
  place?: PlaceInput | null;

  @Field(() => String, { nullable: true })
  cardToken?: string | null;
}
