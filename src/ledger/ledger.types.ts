import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { LevelAmount } from '../policies/entitlement-run.types';
import { SchemeKind } from '../policies/policy-kinds';

export enum LedgerCause {
  CREDIT = 'CREDIT',
  CHARGE = 'CHARGE',
  REVERSAL = 'REVERSAL',
  FREEZE_RETURN = 'FREEZE_RETURN',
  ADJUSTMENT = 'ADJUSTMENT',
  SETTLEMENT = 'SETTLEMENT',
}

registerEnumType(LedgerCause, {
  name: 'LedgerCause',
  description: 'Why money moved: every posting names its cause.',
  valuesConfig: {
    CREDIT: { description: 'The month’s voucher credit of a person and scheme (电子代金券充入), or its correction after a rerun.' },
    CHARGE: { description: 'A verified order charged at its contract’s price: from the voucher account, the rest paid by the person.' },
    REVERSAL: { description: 'A charge reversed because its order was voided after it was verified.' },
    FREEZE_RETURN: { description: 'A frozen account’s balance returned to its funders.' },
    ADJUSTMENT: { description: 'A manual adjustment, made by one person and approved by another.' },
    SETTLEMENT: { description: 'An approved settlement statement: a village’s vouchers moved from the provider’s account to what its funders owe.' },
  },
});

export enum AdjustmentState {
  PROPOSED = 'PROPOSED',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}

registerEnumType(AdjustmentState, {
  name: 'AdjustmentState',
  description: 'Where a manual adjustment stands: proposed by one person, approved (posted) or rejected by another.',
});

@ObjectType('VoucherPosting', { simpleResolvers: true, description: 'One posting as it moved one account.' })
export class VoucherPosting {
  @Field(() => ID)
  id: string;

  @Field(() => LedgerCause)
  cause: LedgerCause;

  @Field(() => MonthScalar, { description: 'The month the movement belongs to (a credit’s month, an order’s service month, a void’s month).' })
  month: string;

  @Field(() => FenScalar, { description: 'What the posting moved on this account: positive in, negative out.' })
  amountFen: number;

  @Field(() => ID, { nullable: true, description: 'The work order charged or reversed.' })
  orderId: number | null;

  @Field(() => ID, { nullable: true, description: 'The scheme credited.' })
  schemeId: number | null;

  @Field(() => ID, { nullable: true, description: 'The posting this one reverses.' })
  reversesId: string | null;

  @Field()
  createdAt: Date;
}

@ObjectType('VoucherAccount', { simpleResolvers: true, description: 'One of a recipient’s voucher accounts (补贴账户): one per service-subsidy kind.' })
export class VoucherAccount {
  @Field(() => SchemeKind)
  schemeKind: SchemeKind;

  @Field(() => FenScalar, { description: 'The balance: the sum of the account’s postings; it carries over from month to month (余额可结转使用).' })
  balanceFen: number;

  @Field(() => MonthScalar, { nullable: true, description: 'Frozen after this month (补贴账户自动冻结): no later credit, no charge of a later service month.' })
  frozenAfter: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day of the event that froze it.' })
  frozenOn: string | null;

  @Field(() => [VoucherPosting], { description: 'Its latest postings, latest first.' })
  postings: VoucherPosting[];
}

@ObjectType('PersonVouchers', { simpleResolvers: true, description: 'A recipient’s vouchers: personal data, each read audited.' })
export class PersonVouchers {
  @Field(() => ID)
  personId: number;

  @Field(() => FenScalar, { description: 'What the voucher accounts hold together.' })
  balanceFen: number;

  @Field(() => FenScalar, { description: 'What the person paid themselves when the vouchers fell short (个人账户承担).' })
  ownPaidFen: number;

  @Field(() => [VoucherAccount], { description: 'In the order orders are charged to them; none before the first credit.' })
  accounts: VoucherAccount[];
}

@ObjectType('VoucherCreditRun', { simpleResolvers: true, description: 'A month’s voucher credits posted under a node.' })
export class VoucherCreditRun {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => Int, { description: 'Postings made: one per person and scheme whose credit changed (none on a rerun that changes nothing).' })
  postings: number;

  @Field(() => FenScalar, { description: 'Net fen this run added to voucher accounts (negative when a correction took some back).' })
  creditedFen: number;

  @Field(() => Int, { description: 'People whose difference was withheld: a frozen account, or a take-back larger than the balance.' })
  withheld: number;

  @Field(() => FenScalar, { description: 'Frozen balances returned to their funders by this run, where the level’s rules say so (returnFrozen).' })
  returnedFen: number;
}

@ObjectType('LedgerRules', { simpleResolvers: true, description: 'The rules a level sets on its vouchers, as in force at a node in a month; with none set, the documents’.' })
export class LedgerRules {
  @Field(() => String, { nullable: true, description: 'The level that set them (null: none did, these are the documents’ defaults).' })
  code: string | null;

  @Field(() => String, { nullable: true })
  name: string | null;

  @Field(() => MonthScalar, { nullable: true, description: 'In force from this month.' })
  fromMonth: string | null;

  @Field(() => Int, { description: 'The least share of a meal’s price, in percent, the person pays themselves (default 50: «原则上个人缴费部分应不低于用餐成本的50%», seed 000).' })
  mealOwnSharePercent: number;

  @Field({ description: 'Vouchers pay at most what the calendar year credited the account (default on: «個人全年結算金額不得超過服務對象本人全年服務金額,超出部分由個人自行負擔», seed 004 篇四).' })
  yearCap: boolean;

  @Field({ description: 'A frozen account’s balance goes back to its funders at the next credit run (default off: the documents say only that the account is frozen, 补贴账户自动冻结).' })
  returnFrozen: boolean;

  @Field(() => String, { nullable: true, description: 'The document or decision the level set them by.' })
  source: string | null;

  @Field(() => String, { nullable: true })
  setBy: string | null;

  @Field(() => Date, { nullable: true })
  setAt: Date | null;
}

@ObjectType('VoucherFigures', { simpleResolvers: true, description: 'A node’s voucher money in a month, summed over its villages: no names.' })
export class VoucherFigures {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => FenScalar, { description: 'Credited to voucher accounts in the month (net of corrections).' })
  creditedFen: number;

  @Field(() => [LevelAmount], { description: 'The month’s credits by funding level, highest first; they add up to creditedFen.' })
  funders: LevelAmount[];

  @Field(() => FenScalar, { description: 'Charged to voucher accounts for the month’s orders, net of reversals.' })
  voucherChargedFen: number;

  @Field(() => FenScalar, { description: 'Paid by the recipients themselves for the month’s orders, net of reversals.' })
  ownPaidFen: number;

  @Field(() => FenScalar)
  returnedFen: number;

  @Field(() => FenScalar)
  adjustedFen: number;

  @Field(() => FenScalar, { description: 'The voucher balances at the month’s end (everything through the month).' })
  balanceFen: number;
}

@ObjectType('VoucherAdjustment', { simpleResolvers: true, description: 'A manual adjustment of a voucher account: who proposed it, who decided, and its posting once approved.' })
export class VoucherAdjustment {
  @Field(() => ID)
  id: number;

  @Field(() => ID)
  personId: number;

  @Field(() => SchemeKind)
  schemeKind: SchemeKind;

  @Field({ description: 'The division code of the level whose funds take the other side.' })
  funderCode: string;

  @Field(() => FenScalar)
  amountFen: number;

  @Field()
  reason: string;

  @Field(() => AdjustmentState)
  state: AdjustmentState;

  @Field({ description: 'The username of who proposed it.' })
  proposedBy: string;

  @Field()
  proposedAt: Date;

  @Field(() => String, { nullable: true, description: 'The username of who approved or rejected it: never the proposer.' })
  decidedBy: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => String, { nullable: true })
  decisionNote: string | null;

  @Field(() => ID, { nullable: true, description: 'The ADJUSTMENT posting, once approved.' })
  postingId: string | null;
}
