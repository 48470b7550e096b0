import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';

export enum SettlementState {
  DRAFT = 'DRAFT',
  REVIEWED = 'REVIEWED',
  APPROVED = 'APPROVED',
}

registerEnumType(SettlementState, {
  name: 'SettlementState',
  description: 'Where a settlement statement stands (服務結算每月一次, seed 004 篇四).',
  valuesConfig: {
    DRAFT: { description: 'Prepared; the towns check their part (由各鎮核實上報數據). Prepared again, it is recomputed and the checks start over.' },
    REVIEWED: { description: 'Every town checked it and the purchasing level’s civil-affairs office reviewed it; finance approves it.' },
    APPROVED: { description: 'Approved by finance: kept as it is, its vouchers now payable by the funders.' },
  },
});

@ObjectType('SettlementTown', { simpleResolvers: true, description: 'A town’s part of a statement, which the town checks.' })
export class SettlementTown {
  @Field({ description: 'The town’s division code.' })
  code: string;

  @Field()
  name: string;

  @Field(() => Int, { description: 'Orders charged less orders reversed.' })
  orders: number;

  @Field(() => FenScalar)
  priceFen: number;

  @Field(() => FenScalar)
  voucherFen: number;

  @Field(() => FenScalar)
  ownFen: number;

  @Field(() => String, { nullable: true, description: 'Who checked it for the town.' })
  checkedBy: string | null;

  @Field(() => Date, { nullable: true })
  checkedAt: Date | null;
}

@ObjectType('SettlementShare', { simpleResolvers: true, description: 'What one funding level pays of a village’s or the statement’s vouchers.' })
export class SettlementShare {
  @Field({ description: 'The funder’s division code.' })
  code: string;

  @Field()
  name: string;

  @Field(() => JurisdictionLevel)
  level: JurisdictionLevel;

  @Field(() => FenScalar)
  amountFen: number;
}

@ObjectType('SettlementVillage', { simpleResolvers: true, description: 'A village’s vouchers in a statement and how the funders split them.' })
export class SettlementVillage {
  @Field()
  code: string;

  @Field(() => FenScalar, { description: 'The vouchers settled for the village: the sum of its shares.' })
  voucherFen: number;

  @Field(() => [SettlementShare])
  shares: SettlementShare[];
}

@ObjectType('SettlementItem', { simpleResolvers: true, description: 'A charge (or a reversal, negative) a statement settles.' })
export class SettlementItem {
  @Field(() => ID, { description: 'The ledger posting settled.' })
  postingId: string;

  @Field(() => ID)
  orderId: number;

  @Field(() => ID)
  personId: number;

  @Field()
  villageCode: string;

  @Field(() => DateScalar)
  serviceDay: string;

  @Field({ description: 'A reversal of a charge (the order was voided): its amounts are negative.' })
  reversal: boolean;

  @Field(() => FenScalar, { description: 'The contract’s price of the order.' })
  priceFen: number;

  @Field(() => FenScalar, { description: 'Paid from the vouchers: what the funders settle.' })
  voucherFen: number;

  @Field(() => FenScalar, { description: 'Paid by the person (the vouchers short, a meal’s own share, or past the year’s amount).' })
  ownFen: number;
}

@ObjectType('SettlementStatement', { simpleResolvers: true, description: 'A provider’s month under one contract: its verified orders at the contract’s prices, what the vouchers paid and who funds them.' })
export class SettlementStatement {
  @Field(() => ID)
  id: number;

  @Field(() => ID, { description: 'The service contract.' })
  contractId: number;

  @Field({ description: 'The provider’s name.' })
  provider: string;

  @Field({ description: 'The provider’s unified social credit code.' })
  providerCode: string;

  @Field({ description: 'The purchasing level (the contract’s jurisdiction) by division code.' })
  code: string;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => SettlementState)
  state: SettlementState;

  @Field(() => Int, { description: 'Orders charged less orders reversed.' })
  orders: number;

  @Field(() => FenScalar, { description: 'The orders at the contract’s prices.' })
  priceFen: number;

  @Field(() => FenScalar, { description: 'Paid from the vouchers: what the statement settles, and the sum of the funders’ shares.' })
  voucherFen: number;

  @Field(() => FenScalar, { description: 'Paid by the people themselves: not settled by the funders.' })
  ownFen: number;

  @Field(() => [SettlementShare], { description: 'What each funder pays in all: the sum of its village shares, and the largest-remainder split of the total by the cost shares.' })
  funders: SettlementShare[];

  @Field(() => [SettlementTown])
  towns: SettlementTown[];

  @Field(() => String, { nullable: true })
  preparedBy: string | null;

  @Field()
  preparedAt: Date;

  @Field(() => String, { nullable: true })
  reviewedBy: string | null;

  @Field(() => Date, { nullable: true })
  reviewedAt: Date | null;

  @Field(() => String, { nullable: true })
  approvedBy: string | null;

  @Field(() => Date, { nullable: true })
  approvedAt: Date | null;

  /** The caller's subtree prefix, narrowing the items and villages listed. */
  within: string;
}

@ObjectType('SettlementQuarter', { simpleResolvers: true, description: 'A quarter’s funds (资金结算每季一次): what each funding level under a node owes providers by the statements approved for the quarter’s months.' })
export class SettlementQuarter {
  @Field()
  code: string;

  @Field(() => Int)
  year: number;

  @Field(() => Int)
  quarter: number;

  @Field(() => Int, { description: 'Approved statements of the quarter’s months with a funder under the node.' })
  statements: number;

  @Field(() => FenScalar, { description: 'The sum over the funders listed.' })
  totalFen: number;

  @Field(() => [SettlementShare], { description: 'Each funder under the node, highest level first, then by code.' })
  funders: SettlementShare[];
}
