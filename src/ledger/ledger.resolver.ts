import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { connectionCost, READ_COST } from '../graphql/limits';
import { ledgerService, MAX_POSTINGS } from './ledger.service';
import { AdjustmentState, LedgerRules, PersonVouchers, VoucherAdjustment, VoucherCreditRun, VoucherFigures } from './ledger.types';
import { ProposeVoucherAdjustmentInput, SetLedgerRulesInput } from './ledger.inputs';

@Resolver(() => VoucherFigures)
export class LedgerResolver {
  @Query(() => PersonVouchers, {
    complexity: connectionCost,
    description: 'A recipient’s voucher accounts (电子代金券, one per service-subsidy kind) with their latest postings, and what they paid themselves; each read audited.',
  })
  personVouchers(
    @Ctx() ctx: Context,
    @Arg('person', () => ID) person: string,
    @Arg('first', () => Int, { nullable: true, description: `Postings to list per account, latest first (1 to ${MAX_POSTINGS}, default 50).` }) first: number | null,
  ) {
    return ledgerService.personVouchers(ctx, person, first ?? 50);
  }

  @Query(() => VoucherFigures, { complexity: READ_COST, description: 'A node’s voucher money in a month: credits by funding level, charges, own payments and the balances at the month’s end.' })
  voucherFigures(@Ctx() ctx: Context, @Arg('at') at: string, @Arg('month', () => MonthScalar) month: string) {
    return ledgerService.figures(ctx, at, month);
  }

  @FieldResolver(() => [VoucherFigures], { complexity: READ_COST, description: 'The node’s children with their figures of the same month, in code order.' })
  children(@Ctx() ctx: Context, @Root() parent: VoucherFigures) {
    return ledgerService.children(ctx, parent);
  }

  @Query(() => [VoucherAdjustment], { complexity: connectionCost, description: 'Manual adjustments of the vouchers of people living under a node (default: the caller’s home), newest first.' })
  voucherAdjustments(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('state', () => AdjustmentState, { nullable: true }) state: AdjustmentState | null,
    @Arg('first', () => Int, { nullable: true, description: `At most this many (1 to ${MAX_POSTINGS}, default 50).` }) first: number | null,
  ) {
    return ledgerService.adjustments(ctx, under, state, first ?? 50);
  }

  @Mutation(() => VoucherAdjustment, { description: 'Proposes a manual adjustment of a recipient’s voucher account; it moves money only once another person approves it.' })
  proposeVoucherAdjustment(@Ctx() ctx: Context, @Arg('input') input: ProposeVoucherAdjustmentInput) {
    return ledgerService.proposeAdjustment(ctx, input);
  }

  @Mutation(() => VoucherAdjustment, { description: 'Approves (posts) or rejects a proposed adjustment; its proposer may not decide it.' })
  decideVoucherAdjustment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('approve') approve: boolean,
    @Arg('note', () => String, { nullable: true, description: '1 to 500 characters.' }) note: string | null,
  ) {
    return ledgerService.decideAdjustment(ctx, id, approve, note);
  }

  @Mutation(() => VoucherCreditRun, {
    description: 'Credits the month’s service-subsidy entitlements under a node to the recipients’ voucher accounts (电子代金券); run again, it posts only what changed.',
  })
  postVoucherCredits(@Ctx() ctx: Context, @Arg('at') at: string, @Arg('month', () => MonthScalar) month: string) {
    return ledgerService.postCredits(ctx, at, month);
  }

  @Query(() => LedgerRules, { complexity: READ_COST, description: 'The voucher rules in force at a node in a month: the nearest level’s, or the documents’ defaults.' })
  ledgerRules(@Ctx() ctx: Context, @Arg('at') at: string, @Arg('month', () => MonthScalar) month: string) {
    return ledgerService.rules(ctx, at, month);
  }

  @Mutation(() => LedgerRules, { description: 'A level sets its voucher rules from a month on: a meal’s own share, the year’s cap, returning frozen balances.' })
  setLedgerRules(@Ctx() ctx: Context, @Arg('input') input: SetLedgerRulesInput) {
    return ledgerService.setRules(ctx, input);
  }
}
