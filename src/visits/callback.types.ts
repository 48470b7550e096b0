import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { CallbackKind, Satisfaction } from './callback.rules';

@ObjectType({ simpleResolvers: true, description: 'A call-back of a work order (回訪): a recorded fact, never changed.' })
export class OrderCallback {
  @Field(() => ID)
  id: number;

  @Field(() => ID, { description: 'The work order called back.' })
  orderId: number;

  @Field(() => CallbackKind)
  kind: CallbackKind;

  @Field(() => ID, { nullable: true, description: 'The draw that picked the order (ONLINE only).' })
  drawId: number | null;

  @Field(() => DateScalar, { description: 'The day of the visit called back.' })
  serviceDay: string;

  @Field(() => DateScalar)
  calledOn: string;

  @Field()
  reached: boolean;

  @Field(() => Satisfaction, { nullable: true })
  satisfaction: Satisfaction | null;

  @Field()
  belowStandard: boolean;

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field({ description: 'Whether this call-back voided the order (it was VERIFIED and found below standard).' })
  voidedOrder: boolean;

  @Field()
  recordedBy: string;

  @Field()
  recordedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A county’s draw of a day’s verified orders for its online call-backs: stored once, reproducible from its seed.' })
export class CallbackDraw {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef)
  county: JurisdictionRef;

  @Field(() => DateScalar, { description: 'The day whose orders were drawn.' })
  day: string;

  @Field({ description: '32 hex digits: each order’s place is SHA-256 of `${seed}:${orderId}` (docs/oversight.md).' })
  seed: string;

  @Field(() => Int, { description: 'The share drawn, in percent: onlineCallbackPercent of the care rules in force at the county that day.' })
  percent: number;

  @Field(() => Int, { description: 'The orders drawn from: the county’s VERIFIED orders of the day when drawn.' })
  populationSize: number;

  @Field(() => [ID], { description: 'The orders drawn from, by id.' })
  populationIds: number[];

  @Field(() => [ID], { description: 'The orders drawn, in draw order: ceil(percent × populationSize / 100) of them.' })
  orderIds: number[];

  @Field()
  drawnAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Call-backs of the verified orders of a node and a day range (counts of orders, never a person).' })
export class CallbackFigures {
  @Field(() => Int, { description: 'Orders whose visit was verified: VERIFIED, or voided by a call-back.' })
  verifiedOrders: number;

  @Field(() => Int, { description: 'Of them, called back by their provider.' })
  providerCallbacks: number;

  @Field(() => Float, { nullable: true, description: 'providerCallbacks / verifiedOrders; null without orders.' })
  providerShare: number | null;

  @Field(() => Int, { description: 'Of them, drawn for an online call-back.' })
  drawnOrders: number;

  @Field(() => Int, { description: 'Of them, called back online by the county.' })
  onlineCallbacks: number;

  @Field(() => Float, { nullable: true, description: 'onlineCallbacks / verifiedOrders; null without orders.' })
  onlineShare: number | null;

  @Field(() => Int, { description: 'Of them, voided by a call-back (VOIDED_ON_CALLBACK).' })
  voidedOnCallback: number;

  @Field(() => Int, { description: 'Call-backs (of either kind) answering DISSATISFIED.' })
  dissatisfied: number;
}

@ObjectType({ simpleResolvers: true, description: 'A node’s call-back figures.' })
export class NodeCallbackFigures {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => CallbackFigures)
  figures: CallbackFigures;

  @Field(() => Int, {
    nullable: true,
    description: 'Place among the siblings: 1 for the highest providerShare, then onlineShare; equal figures share a place; null without verified orders.',
  })
  rank: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Call-back rates at a node over a day range, with each child’s.' })
export class CallbackRates {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar)
  to: string;

  @Field(() => Int, { nullable: true, description: 'providerCallbackPercent of the care rules in force at the node on `to`; null: none.' })
  providerPercentRequired: number | null;

  @Field(() => Int, { nullable: true, description: 'onlineCallbackPercent of the care rules in force at the node on `to`; null: none.' })
  onlinePercentRequired: number | null;

  @Field(() => CallbackFigures)
  figures: CallbackFigures;

  @Field(() => [NodeCallbackFigures], { description: 'Each child of the node, in code order, ranked among themselves (none for a village).' })
  children: NodeCallbackFigures[];
}
