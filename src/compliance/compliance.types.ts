import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';

export enum ComplianceBasis {
  LIVE = 'LIVE',
  CLOSED = 'CLOSED',
}

registerEnumType(ComplianceBasis, {
  name: 'ComplianceBasis',
  description: 'Which figures of a month are shown.',
  valuesConfig: {
    LIVE: { description: 'As the orders stand now (the open month, or a closed one asked live).' },
    CLOSED: { description: 'As of the month’s close: what closing the month stored, unchanged by later orders until a re-close.' },
  },
});

export enum ComplianceOrder {
  LAGGARDS_FIRST = 'LAGGARDS_FIRST',
  CODE = 'CODE',
}

registerEnumType(ComplianceOrder, {
  name: 'ComplianceOrder',
  description: 'How to sort children by their compliance.',
  valuesConfig: {
    LAGGARDS_FIRST: { description: 'The reverse of the rank: the lowest share of recipients served as required first (no recipients last), then code.' },
    CODE: { description: 'Division code order.' },
  },
});

@ObjectType('CareCompliance', {
  simpleResolvers: true,
  description: 'A node’s visit compliance in a month: the recipients of its villages and their visits, counts only, no names.',
})
export class CareCompliance {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => ComplianceBasis)
  basis: ComplianceBasis;

  @Field(() => Boolean, { description: 'Whether the month is closed here (at the node or above it).' })
  closed: boolean;

  @Field(() => Int, { description: 'Recipients to serve: enrolled recipients whose month asks for visits (required or make-up owed); one asking none is not counted.' })
  recipients: number;

  @Field(() => Int, { description: 'Recipients whose verified visits cover their required visits and the make-up owed.' })
  recipientsMet: number;

  @Field(() => Float, { nullable: true, description: 'recipientsMet / recipients, 0 to 1; null without recipients.' })
  metShare: number | null;

  @Field(() => Int, { description: 'Visits required by the recipients’ care plans in the month.' })
  requiredVisits: number;

  @Field(() => Int, { description: 'Visits owed as make-up for the month before.' })
  makeUpVisits: number;

  @Field(() => Int, { description: 'Verified visits of the month (every order verified on a day of the month at a village of the node).' })
  verifiedVisits: number;

  @Field(() => Int)
  verifiedMinutes: number;

  @Field(() => Float, { description: 'verifiedMinutes / 60, to two decimals.' })
  verifiedHours: number;

  @Field(() => Int, { description: 'Void orders of the month.' })
  voidOrders: number;

  @Field(() => Float, { nullable: true, description: 'voidOrders / (verifiedVisits + voidOrders), 0 to 1; null without decided orders.' })
  voidRate: number | null;

  @Field(() => Int, { nullable: true, description: 'Place among the siblings, in a list of children (1 = highest metShare; equal figures share a place); null on a node read alone.' })
  rank: number | null;

  @Field(() => Int, { nullable: true, description: 'How many siblings (the node included) the rank is among.' })
  rankedAmong: number | null;

  /** Whether the children are read live whatever their closes. */
  live?: boolean;
}

@ObjectType('CountedVisit', { simpleResolvers: true, description: 'A verified visit counted in a recipient’s month.' })
export class CountedVisit {
  @Field(() => ID)
  orderId: number;

  @Field(() => DateScalar)
  serviceDay: string;

  @Field(() => Int)
  minutes: number;
}

@ObjectType('RecipientCareMonth', { simpleResolvers: true, description: 'A recipient’s month against their care plan: visits required and verified, the make-up owed and made up.' })
export class RecipientCareMonth {
  @Field(() => ID)
  personId: number;

  @Field(() => String, { description: 'The village the month counts at.' })
  villageCode: string;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => ComplianceBasis)
  basis: ComplianceBasis;

  @Field(() => Boolean, { description: 'Whether a plan or close of the month found the recipient enrolled; until then nothing is required.' })
  planned: boolean;

  @Field(() => Int, { description: 'Visits the care plan requires in the month.' })
  requiredVisits: number;

  @Field(() => Int, { description: 'Make-up owed for the month before (its shortfall, as closed, where its rules allow a make-up).' })
  makeUpOwed: number;

  @Field(() => Int)
  verifiedVisits: number;

  @Field(() => Int)
  verifiedMinutes: number;

  @Field(() => Int)
  voidOrders: number;

  @Field(() => Boolean, { description: 'Visits are due (required or owed) and the verified visits cover them all.' })
  met: boolean;

  @Field(() => Int, { description: 'Required visits of the month not verified (the make-up owed aside).' })
  shortfall: number;

  @Field(() => Boolean, { description: 'Whether the month’s rules let its shortfall be made up next month.' })
  makeUpAllowed: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description: 'When the next month owes this month’s shortfall: whether its verified visits cover its own requirement and the make-up; null when nothing is owed.',
  })
  madeUpNextMonth: boolean | null;

  @Field(() => Int, { description: 'Different service items of the recipient’s verified visits from January to the end of the month.' })
  distinctItemsThisYear: number;

  @Field(() => [CountedVisit], { description: 'The verified visits of the month, by day.' })
  visits: CountedVisit[];
}

@ObjectType('CareMonthRun', { simpleResolvers: true, description: 'What planning or closing a month stored at or below a node.' })
export class CareMonthRun {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => Int, { description: 'Recipients enrolled in the month at or below the node.' })
  enrolled: number;

  @Field(() => Int)
  requiredVisits: number;

  @Field(() => Int)
  makeUpVisits: number;

  @Field(() => Boolean)
  closed: boolean;
}
