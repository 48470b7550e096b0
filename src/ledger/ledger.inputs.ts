import { Field, ID, InputType, Int } from 'type-graphql';
import { MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { SchemeKind } from '../policies/policy-kinds';

@InputType({ description: 'A manual correction of a recipient’s voucher account, for a second person to approve (maker-checker).' })
export class ProposeVoucherAdjustmentInput {
  @Field(() => ID)
  person: string;

  @Field(() => SchemeKind, { description: 'The voucher account: a service subsidy’s kind.' })
  schemeKind: SchemeKind;

  @Field({ description: 'The division code of the level whose funds take the other side: the person’s village or an ancestor of it, in the caller’s subtree.' })
  funder: string;

  @Field(() => FenScalar, { description: 'Fen added to the account (negative: taken back); not 0, at most 1,000,000 元 either way.' })
  amountFen: number;

  @Field({ description: 'Why, 1 to 500 characters: it stays with the posting.' })
  reason: string;
}

@InputType({ description: 'A level’s rules on its vouchers from a month on (docs/settlement.md).' })
export class SetLedgerRulesInput {
  @Field({ description: 'The level setting them: a node of the caller’s subtree.' })
  jurisdictionCode: string;

  @Field(() => MonthScalar, { description: 'In force from this month (not before this month): a level corrects its rules by setting them from a later month.' })
  fromMonth: string;

  @Field(() => Int, { description: 'The least share of a meal’s price the person pays, 0 to 100 percent; not below the rules in force above the level.' })
  mealOwnSharePercent: number;

  @Field({ description: 'Vouchers pay at most what the calendar year credited the account.' })
  yearCap: boolean;

  @Field({ description: 'A frozen account’s balance goes back to its funders at the next credit run.' })
  returnFrozen: boolean;

  @Field({ description: 'The document or decision, 1 to 2,000 characters.' })
  source: string;
}
