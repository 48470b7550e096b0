import { registerEnumType } from 'type-graphql';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';

/** Where a budget line's money comes from (资金来源: seed 001 «各级财政一般预算…福利彩票公益金…社会捐助资金…其他渠道», seed 004 «三個一點», seed 003 «农村集体经济收益»). */
export enum FundingSource {
  LOTTERY_WELFARE_FUND = 'LOTTERY_WELFARE_FUND',
  GENERAL_BUDGET = 'GENERAL_BUDGET',
  SOCIAL_DONATION = 'SOCIAL_DONATION',
  INDIVIDUAL = 'INDIVIDUAL',
  COLLECTIVE_ECONOMY = 'COLLECTIVE_ECONOMY',
  OTHER = 'OTHER',
}

/** What a budget line stands for. */
export enum BudgetPurpose {
  ELDERLY_CARE = 'ELDERLY_CARE',
  RETAINED_TOTAL = 'RETAINED_TOTAL',
}

/** How a level's lottery fund stands against the share it states for elderly care. */
export enum LotteryRuleStatus {
  NO_RULE = 'NO_RULE',
  NO_DATA = 'NO_DATA',
  MET = 'MET',
  NOT_MET = 'NOT_MET',
}

registerEnumType(FundingSource, {
  name: 'FundingSource',
  description: 'Where money for elderly care comes from (资金来源).',
  valuesConfig: {
    LOTTERY_WELFARE_FUND: { description: '福彩公益金 — the welfare lottery fund the level retains' },
    GENERAL_BUDGET: { description: '一般预算 — the level’s general public budget (财政)' },
    SOCIAL_DONATION: { description: '社会捐助 — donations of enterprises, charities and society' },
    INDIVIDUAL: { description: '个人 — what the people served pay themselves' },
    COLLECTIVE_ECONOMY: { description: '村集体经济 — the income of a village’s collective economy' },
    OTHER: { description: '其他渠道 — any other channel' },
  },
});

registerEnumType(BudgetPurpose, {
  name: 'BudgetPurpose',
  description: 'What a budget line counts.',
  valuesConfig: {
    ELDERLY_CARE: { description: '用于养老服务 — the amount the source puts into elderly care' },
    RETAINED_TOTAL: { description: '留存总额 — the whole lottery fund the level retains (LOTTERY_WELFARE_FUND only)' },
  },
});

registerEnumType(LotteryRuleStatus, {
  name: 'LotteryRuleStatus',
  description: 'Whether a level puts the share of its retained lottery fund it states into elderly care.',
  valuesConfig: {
    NO_RULE: { description: 'The level states no share for the year' },
    NO_DATA: { description: 'A rule, but the retained total or the elderly-care part is not recorded (or the total is 0)' },
    MET: { description: 'elderly care ≥ the share of the retained total' },
    NOT_MET: { description: 'elderly care < the share of the retained total' },
  },
});

/** The first year a line or a rule may be for. */
export const FIRST_FUNDING_YEAR = 1949;
/** The longest note of a line and source of a rule. */
export const MAX_FUNDING_TEXT = 200;

/** A budget year: from 1949 through next year in China (budgets are drawn up the year before); BAD_USER_INPUT naming `field` otherwise. */
export function checkBudgetYear(year: number, field: string): number {
  const last = Number(todayInChina().slice(0, 4)) + 1;
  if (!Number.isInteger(year) || year < FIRST_FUNDING_YEAR || year > last) {
    throw new BadUserInputError(field, `must be a year from ${FIRST_FUNDING_YEAR} to ${last}`);
  }
  return year;
}

// A bound of the input, not a rule: 1,000 亿元 a line, so that the sums of a whole province's lines stay exact
// integers (Number.MAX_SAFE_INTEGER is about 900 such lines).
export const MAX_LINE_FEN = 10_000_000_000_000;

/** An amount from 0 fen to MAX_LINE_FEN. */
export function checkAmount(fen: number, field: string): number {
  if (!Number.isSafeInteger(fen) || fen < 0 || fen > MAX_LINE_FEN) throw new BadUserInputError(field, `must be a whole number of fen from 0 to ${MAX_LINE_FEN}`);
  return fen;
}

/** A share of the retained lottery fund, in whole percent from 1 to 100 (null: no rule). */
export function checkPercent(percent: number | null, field: string): number | null {
  if (percent === null) return null;
  if (!Number.isInteger(percent) || percent < 1 || percent > 100) throw new BadUserInputError(field, 'must be a whole percent from 1 to 100, or null for no rule');
  return percent;
}

/** Only the lottery fund has a retained total of which elderly care is a part. */
export function checkPurpose(source: FundingSource, purpose: BudgetPurpose, field: string): BudgetPurpose {
  if (purpose === BudgetPurpose.RETAINED_TOTAL && source !== FundingSource.LOTTERY_WELFARE_FUND) {
    throw new BadUserInputError(field, 'RETAINED_TOTAL is the lottery fund’s only: other sources record what they put into elderly care');
  }
  return purpose;
}

/** The lottery check of one level and year. */
export interface LotteryFigures {
  retainedFen: number | null;
  elderlyCareFen: number | null;
  percentRequired: number | null;
}

/** The share of the retained fund put into elderly care (null without both amounts or with nothing retained). */
export function lotteryShare({ retainedFen, elderlyCareFen }: LotteryFigures): number | null {
  return retainedFen === null || elderlyCareFen === null || retainedFen === 0 ? null : elderlyCareFen / retainedFen;
}

/** Met when elderly care × 100 ≥ percent × retained, in whole fen (no float decides it). */
export function lotteryStatus(figures: LotteryFigures): LotteryRuleStatus {
  const { retainedFen, elderlyCareFen, percentRequired } = figures;
  if (percentRequired === null) return LotteryRuleStatus.NO_RULE;
  if (retainedFen === null || elderlyCareFen === null || retainedFen === 0) return LotteryRuleStatus.NO_DATA;
  return BigInt(elderlyCareFen) * 100n >= BigInt(percentRequired) * BigInt(retainedFen) ? LotteryRuleStatus.MET : LotteryRuleStatus.NOT_MET;
}
