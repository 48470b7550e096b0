import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { boardCost, singleYearCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { RecordBudgetLineInput, SetLotteryFundRuleInput } from './funding.inputs';
import { fundingService } from './funding.service';
import { BudgetLine, FundingBoard, LotteryFundRule } from './funding.types';

@Resolver()
export class FundingResolver {
  @Query(() => [BudgetLine], {
    complexity: singleYearCost,
    description: 'A level’s budget lines of a year by source (资金来源): the current ones, or with history the corrected ones too.',
  })
  budgetLines(
    @Ctx() ctx: Context,
    @Arg('code') code: string,
    @Arg('year', () => Int) year: number,
    @Arg('history', { defaultValue: false, description: 'Include the lines a correction replaced.' }) history: boolean,
  ) {
    return fundingService.lines(ctx, code, year, history);
  }

  @Query(() => FundingBoard, {
    complexity: boardCost,
    description: 'A level’s funding of a year by source, own and over its subtree, with its lottery-fund check, and each child’s, ranked by the share of its lottery fund put into elderly care.',
  })
  funding(@Ctx() ctx: Context, @Arg('year', () => Int) year: number, @Arg('under', () => String, { nullable: true, description: 'Default the caller’s home.' }) under: string | null) {
    return fundingService.board(ctx, under, year);
  }

  @Mutation(() => BudgetLine, { description: 'Records a level’s budget line of a year; recording the same level, year, source and purpose again corrects it, the old line kept.' })
  recordBudgetLine(@Ctx() ctx: Context, @Arg('input') input: RecordBudgetLineInput) {
    return fundingService.recordLine(ctx, input);
  }

  @Mutation(() => LotteryFundRule, { description: 'Sets the share of its retained lottery fund (福彩公益金) a level states it puts into elderly care, from a year on; the rule from the same year is kept when corrected.' })
  setLotteryFundRule(@Ctx() ctx: Context, @Arg('input') input: SetLotteryFundRuleInput) {
    return fundingService.setRule(ctx, input);
  }
}
