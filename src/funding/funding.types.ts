import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { FenScalar } from '../kernel/money';
import { BudgetPurpose, FundingSource, LotteryRuleStatus } from './funding.rules';

@ObjectType({ simpleResolvers: true, description: 'A level’s budget line of a year: what one source puts into elderly care (or the lottery fund it retains).' })
export class BudgetLine {
  @Field(() => ID)
  id: string;

  @Field(() => JurisdictionRef, { description: 'The level whose budget it is.' })
  jurisdiction: JurisdictionRef;

  @Field(() => Int)
  year: number;

  @Field(() => FundingSource)
  source: FundingSource;

  @Field(() => BudgetPurpose)
  purpose: BudgetPurpose;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => String, { nullable: true, description: 'The budget document or account it comes from (文号), up to 200 characters.' })
  note: string | null;

  @Field({ description: 'Who recorded it.' })
  recordedBy: string;

  @Field()
  recordedAt: Date;

  @Field(() => ID, { nullable: true, description: 'The line this one corrected.' })
  supersedes: string | null;

  @Field(() => Date, { nullable: true, description: 'When a correction replaced it; null while current.' })
  supersededAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'The share of its retained lottery fund (福彩公益金) a level states it puts into elderly care, from a year on.' })
export class LotteryFundRule {
  @Field(() => ID)
  id: string;

  @Field(() => JurisdictionRef)
  jurisdiction: JurisdictionRef;

  @Field(() => Int, { description: 'The first year it applies to; it holds until a rule from a later year.' })
  fromYear: number;

  @Field(() => Int, { nullable: true, description: 'At least this percent of the retained fund goes to elderly care; null: from fromYear the level states no share.' })
  minPercent: number | null;

  @Field({ description: 'The document that states it (e.g. «市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展»).' })
  source: string;

  @Field()
  recordedBy: string;

  @Field()
  recordedAt: Date;

  @Field(() => ID, { nullable: true, description: 'The rule this one corrected.' })
  supersedes: string | null;

  @Field(() => Date, { nullable: true, description: 'When a correction replaced it; null while current.' })
  supersededAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'What one source puts into elderly care in a year: at the level itself and over its whole subtree.' })
export class SourceAmount {
  @Field(() => FundingSource)
  source: FundingSource;

  @Field(() => FenScalar, { description: 'The level’s own current line (0 when none).' })
  ownFen: number;

  @Field(() => FenScalar, { description: 'The current lines of the level and every level below it.' })
  subtreeFen: number;
}

@ObjectType({ simpleResolvers: true, description: 'A level’s lottery fund of a year against the share it states for elderly care.' })
export class LotteryFundCheck {
  @Field(() => FenScalar, { nullable: true, description: 'The lottery fund the level retains (denominator); null when not recorded.' })
  retainedFen: number | null;

  @Field(() => FenScalar, { nullable: true, description: 'Of it, what goes to elderly care (numerator); null when not recorded.' })
  elderlyCareFen: number | null;

  @Field(() => Float, { nullable: true, description: 'elderlyCareFen / retainedFen; null without both or with nothing retained.' })
  share: number | null;

  @Field(() => LotteryFundRule, { nullable: true, description: 'The rule in force for the year; null: none.' })
  rule: LotteryFundRule | null;

  @Field(() => Int, { nullable: true, description: 'The rule’s minPercent; null without a rule.' })
  percentRequired: number | null;

  @Field(() => LotteryRuleStatus)
  status: LotteryRuleStatus;
}

@ObjectType({ simpleResolvers: true, description: 'A level’s funding of a year: by source (own and over the subtree) and its lottery check.' })
export class FundingFigures {
  @Field(() => [SourceAmount], { description: 'Every source, in the enum’s order, zeros included (the lottery fund’s elderly-care part, not its retained total).' })
  bySource: SourceAmount[];

  @Field(() => FenScalar, { description: 'All sources at the level itself.' })
  ownTotalFen: number;

  @Field(() => FenScalar, { description: 'All sources over the subtree.' })
  subtreeTotalFen: number;

  @Field(() => LotteryFundCheck)
  lottery: LotteryFundCheck;
}

@ObjectType({ simpleResolvers: true, description: 'A child’s funding and its rank among its siblings by the share of its lottery fund put into elderly care.' })
export class RankedFunding {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => FundingFigures)
  figures: FundingFigures;

  @Field(() => Int, { nullable: true, description: '1 for the highest share; equal shares share a rank; null without a share.' })
  rank: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A level’s funding of a year and its children’s, ranked.' })
export class FundingBoard {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => Int)
  year: number;

  @Field(() => FundingFigures)
  figures: FundingFigures;

  @Field(() => [RankedFunding], { description: 'The children, ranked (those without a share last, by code); none for a village.' })
  children: RankedFunding[];
}
