import { grantFor } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { byShareDescending, competitionRanks } from '../kernel/ranking';
import { parseText } from '../kernel/text';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { RecordBudgetLineInput, SetLotteryFundRuleInput } from './funding.inputs';
import { fundingRepository, type LotteryRuleRow, type SourceSumRow } from './funding.repository';
import {
  BudgetPurpose,
  checkAmount,
  checkBudgetYear,
  checkPercent,
  checkPurpose,
  FundingSource,
  lotteryShare,
  lotteryStatus,
  MAX_FUNDING_TEXT,
} from './funding.rules';
import type { BudgetLine, FundingBoard, FundingFigures, LotteryFundRule, RankedFunding } from './funding.types';

const LOTTERY = FundingSource.LOTTERY_WELFARE_FUND;
type Ref = { code: string; name: string; level: JurisdictionLevel };
const ref = (node: { code: string; name: string; level: string }): Ref => ({ code: node.code, name: node.name, level: node.level as JurisdictionLevel });
// Rows carry their level as JSON; the API answers it as a JurisdictionRef.
const withRef = <T extends { jurisdiction: { code: string; name: string; level: string } }>(row: T) => ({ ...row, jurisdiction: ref(row.jurisdiction) });

/** A node's figures from its summed lines and the rule in force. */
function figuresOf(sums: readonly SourceSumRow[], rule: LotteryRuleRow | null): FundingFigures {
  const find = (source: FundingSource, purpose: BudgetPurpose) => sums.find((row) => row.source === source && row.purpose === purpose);
  const bySource = Object.values(FundingSource).map((source) => {
    const row = find(source, BudgetPurpose.ELDERLY_CARE);
    return { source, ownFen: row?.ownFen ?? 0, subtreeFen: row?.subtreeFen ?? 0 };
  });
  // The level's own lottery lines: the rule is about the fund it retains, not its children's.
  const own = (purpose: BudgetPurpose) => {
    const row = find(LOTTERY, purpose);
    return row?.hasOwn ? row.ownFen : null;
  };
  const figures = { retainedFen: own(BudgetPurpose.RETAINED_TOTAL), elderlyCareFen: own(BudgetPurpose.ELDERLY_CARE), percentRequired: rule?.minPercent ?? null };
  return {
    bySource,
    ownTotalFen: bySource.reduce((total, row) => total + row.ownFen, 0),
    subtreeTotalFen: bySource.reduce((total, row) => total + row.subtreeFen, 0),
    lottery: {
      ...figures,
      share: lotteryShare(figures),
      rule: rule && withRef(rule),
      status: lotteryStatus(figures),
    },
  };
}

/** Children by the share of their lottery fund put into elderly care, highest first (equal shares share a rank), those without a share last and unranked; ties by code. */
function ranked(children: { node: Ref; figures: FundingFigures }[]): RankedFunding[] {
  const ranks = competitionRanks(children, (a, b) => byShareDescending(a.figures.lottery.share, b.figures.lottery.share));
  return children
    .map((child, i) => ({ ...child, rank: child.figures.lottery.share === null ? null : ranks[i] }))
    .sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || (a.node.code < b.node.code ? -1 : 1));
}

export const fundingService = {
  /**
   * Records a level's budget line of a year (RECORD_FUNDING over the level); the line of the same level,
   * year, source and purpose it corrects is superseded and kept. The lottery fund's elderly-care part may
   * not exceed the total the level retains.
   */
  async recordLine(ctx: Context, input: RecordBudgetLineInput): Promise<BudgetLine> {
    const id = await mutation(ctx, { action: 'budgetLine.record', capability: Capability.RECORD_FUNDING }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      const node = await jurisdictionService.get(inside, input.code, 'input.code');
      at(node.id);
      const year = checkBudgetYear(input.year, 'input.year');
      const purpose = checkPurpose(input.source, input.purpose, 'input.purpose');
      const amountFen = checkAmount(input.amountFen, 'input.amountFen');
      const note = parseText(input.note, 'input.note', { required: false, max: MAX_FUNDING_TEXT });
      await fundingRepository.lock(tx, node.id);
      if (input.source === LOTTERY) {
        const other = purpose === BudgetPurpose.ELDERLY_CARE ? BudgetPurpose.RETAINED_TOTAL : BudgetPurpose.ELDERLY_CARE;
        const otherFen = await fundingRepository.currentAmount(tx, node.id, year, LOTTERY, other);
        const [part, total] = purpose === BudgetPurpose.ELDERLY_CARE ? [amountFen, otherFen] : [otherFen, amountFen];
        if (part !== null && total !== null && part > total) {
          throw new BadUserInputError('input.amountFen', `the lottery fund’s elderly-care part (${part} fen) may not exceed the total the level retains (${total} fen)`);
        }
      }
      const recorded = await fundingRepository.recordLine(tx, { nodeId: node.id, year, source: input.source, purpose, amountFen, note }, grant!.actor.userId);
      target('BudgetLine', [recorded.id]);
      detail({ code: node.code, year, source: input.source, purpose, amountFen, note, supersedes: recorded.supersedes });
      return recorded.id;
    });
    return withRef(await fundingRepository.lineById(ctx.db, id));
  },

  /** Sets the share of its retained lottery fund a level states for elderly care from a year on (RECORD_FUNDING over the level); the rule from the same year is superseded and kept. */
  async setRule(ctx: Context, input: SetLotteryFundRuleInput): Promise<LotteryFundRule> {
    const id = await mutation(ctx, { action: 'lotteryFundRule.set', capability: Capability.RECORD_FUNDING }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      const node = await jurisdictionService.get(inside, input.code, 'input.code');
      at(node.id);
      const fromYear = checkBudgetYear(input.fromYear, 'input.fromYear');
      const minPercent = checkPercent(input.minPercent ?? null, 'input.minPercent');
      const source = parseText(input.source, 'input.source', { required: true, max: MAX_FUNDING_TEXT })!;
      await fundingRepository.lock(tx, node.id);
      const recorded = await fundingRepository.recordRule(tx, { nodeId: node.id, fromYear, minPercent, source }, grant!.actor.userId);
      target('LotteryFundRule', [recorded.id]);
      detail({ code: node.code, fromYear, minPercent, source, supersedes: recorded.supersedes });
      return recorded.id;
    });
    return withRef(await fundingRepository.ruleById(ctx.db, id));
  },

  /** A level's budget lines of a year (READ_BUDGET_LINES over it): the current ones, or with `history` the corrected ones too. */
  async lines(ctx: Context, code: string, rawYear: number, history: boolean): Promise<BudgetLine[]> {
    grantFor(ctx, Capability.READ_BUDGET_LINES);
    const node = await jurisdictionService.get(ctx, code, 'code');
    const year = checkBudgetYear(rawYear, 'year');
    return (await fundingRepository.lines(ctx.db, node.id, year, history)).map(withRef);
  },

  /** A level's funding of a year (default the caller's home) and each child's, ranked by the share of the lottery fund put into elderly care; three statements however many children. */
  async board(ctx: Context, under: string | null | undefined, rawYear: number): Promise<FundingBoard> {
    grantFor(ctx, Capability.READ_FUNDING_FIGURES);
    const node = under ? await jurisdictionService.get(ctx, under, 'under') : await jurisdictionService.home(ctx);
    const year = checkBudgetYear(rawYear, 'year');
    const nodes = await fundingRepository.nodeAndChildren(ctx.db, node.id);
    const ids = nodes.map((row) => row.id);
    const [sums, rules] = await Promise.all([fundingRepository.sums(ctx.db, ids, year), fundingRepository.rulesInForce(ctx.db, ids, year)]);
    const figuresAt = (row: { id: number; code: string }) =>
      figuresOf(
        sums.filter((sum) => sum.nodeId === row.id),
        rules.find((rule) => rule.jurisdiction.code === row.code) ?? null,
      );
    const [self, ...children] = nodes;
    return {
      node: ref(self),
      year,
      figures: figuresAt(self),
      children: ranked(children.map((child) => ({ node: ref(child), figures: figuresAt(child) }))),
    };
  },
};
