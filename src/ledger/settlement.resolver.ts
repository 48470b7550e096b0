import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { connectionCost, READ_COST, singleYearCost } from '../graphql/limits';
import { MAX_SETTLEMENT_ROWS, settlementService } from './settlement.service';
import { SettlementItem, SettlementQuarter, SettlementState, SettlementStatement, SettlementVillage } from './settlement.types';

@Resolver(() => SettlementStatement)
export class SettlementResolver {
  @Query(() => SettlementStatement, { complexity: READ_COST, description: 'A settlement statement, reached from its purchasing level or one of its towns; a provider reads its own.' })
  settlementStatement(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return settlementService.statement(ctx, id);
  }

  @Query(() => [SettlementStatement], { complexity: connectionCost, description: 'Settlement statements under a node (default: the caller’s home), newest month first; a provider’s own only.' })
  settlementStatements(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('month', () => MonthScalar, { nullable: true }) month: string | null,
    @Arg('state', () => SettlementState, { nullable: true }) state: SettlementState | null,
    @Arg('first', () => Int, { nullable: true, description: `At most this many (1 to ${MAX_SETTLEMENT_ROWS}, default 50).` }) first: number | null,
  ) {
    return settlementService.statements(ctx, under ?? null, month ?? null, state ?? null, first ?? 50);
  }

  @FieldResolver(() => [SettlementItem], { complexity: connectionCost, description: 'The charges and reversals settled, within the caller’s subtree, in posting order.' })
  items(
    @Ctx() ctx: Context,
    @Root() statement: SettlementStatement,
    @Arg('first', () => Int, { nullable: true, description: `At most this many (1 to ${MAX_SETTLEMENT_ROWS}, default 100).` }) first: number | null,
    @Arg('after', () => ID, { nullable: true, description: 'The last posting id of the previous page.' }) after: string | null,
  ) {
    return settlementService.items(ctx, statement, after ?? null, first ?? 100);
  }

  @FieldResolver(() => [SettlementVillage], { complexity: READ_COST, description: 'Each village’s vouchers and how its funders split them, within the caller’s subtree.' })
  villages(@Ctx() ctx: Context, @Root() statement: SettlementStatement) {
    return settlementService.villages(ctx, statement);
  }

  @Query(() => SettlementQuarter, { complexity: singleYearCost, description: 'What each funding level under a node owes providers for a quarter, by the statements approved for its months.' })
  settlementQuarter(@Ctx() ctx: Context, @Arg('at') at: string, @Arg('year', () => Int) year: number, @Arg('quarter', () => Int) quarter: number) {
    return settlementService.quarter(ctx, at, year, quarter);
  }

  @Mutation(() => SettlementStatement, { description: 'Prepares (or prepares again, starting its checks over) a contract’s statement of a month; an approved one is kept.' })
  prepareSettlement(@Ctx() ctx: Context, @Arg('contract', () => ID) contract: string, @Arg('month', () => MonthScalar) month: string) {
    return settlementService.prepare(ctx, contract, month);
  }

  @Mutation(() => SettlementStatement, { description: 'A town’s civil-affairs office confirms its part of a draft statement (由各鎮核實上報數據).' })
  checkSettlementTown(@Ctx() ctx: Context, @Arg('statement', () => ID) statement: string, @Arg('town') town: string) {
    return settlementService.checkTown(ctx, statement, town);
  }

  @Mutation(() => SettlementStatement, { description: 'The purchasing level reviews a draft every town has checked.' })
  reviewSettlement(@Ctx() ctx: Context, @Arg('statement', () => ID) statement: string) {
    return settlementService.review(ctx, statement);
  }

  @Mutation(() => SettlementStatement, { description: 'Finance approves a reviewed statement (never its reviewer): it is kept as it is and its vouchers become what the funders owe.' })
  approveSettlement(@Ctx() ctx: Context, @Arg('statement', () => ID) statement: string) {
    return settlementService.approve(ctx, statement);
  }
}
