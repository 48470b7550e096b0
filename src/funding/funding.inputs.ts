import { Field, InputType, Int } from 'type-graphql';
import { FenScalar } from '../kernel/money';
import { BudgetPurpose, FundingSource } from './funding.rules';

@InputType({ description: 'A level’s budget line of a year; recording the same level, year, source and purpose again corrects it (the old line is kept).' })
export class RecordBudgetLineInput {
  @Field({ description: 'The level whose budget it is, in the caller’s subtree.' })
  code: string;

  @Field(() => Int, { description: 'From 1949 through next year.' })
  year: number;

  @Field(() => FundingSource)
  source: FundingSource;

  @Field(() => BudgetPurpose, { description: 'RETAINED_TOTAL for the lottery fund the level retains, ELDERLY_CARE for what a source puts into elderly care.' })
  purpose: BudgetPurpose;

  @Field(() => FenScalar, { description: 'From 0 to 10,000,000,000,000 fen (1,000 亿元); the lottery fund’s elderly-care part not above its retained total.' })
  amountFen: number;

  @Field(() => String, { nullable: true, description: 'The budget document or account (文号), up to 200 characters.' })
  note?: string | null;
}

@InputType({ description: 'The share of its retained lottery fund a level states for elderly care, from a year on; setting the same level and year again corrects it (the old rule is kept).' })
export class SetLotteryFundRuleInput {
  @Field({ description: 'The level that states it, in the caller’s subtree.' })
  code: string;

  @Field(() => Int, { description: 'The first year it applies to (1949 through next year).' })
  fromYear: number;

  @Field(() => Int, { nullable: true, description: 'Whole percent from 1 to 100; null: from fromYear the level states no share.' })
  minPercent: number | null;

  @Field({ description: 'The document that states it, up to 200 characters.' })
  source: string;
}
