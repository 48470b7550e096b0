import type { DataSource } from 'typeorm';
import { fundingService } from '../src/funding/funding.service';
import { BudgetPurpose, FundingSource } from '../src/funding/funding.rules';
import { todayInChina } from '../src/kernel/dates';
import { DEMO_COUNTY } from './demo-facilities';
import { actingAs } from './demo-targets';

/** 扬州市, where the demo's finance bureau sits: 江都区's city. */
export const DEMO_CITY = '3210';

/** Seed 003, word for word: the rule 江都区 records as its own, with the document it comes from. */
export const DEMO_LOTTERY_RULE_SOURCE = '示例: seed 003 «市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展»';

/**
 * This year's funding of 扬州市 and 江都区 in seed 004's «三個一點» (the city's lottery fund, the district's
 * budget, society and the people served), recorded through the service as the city's finance bureau would,
 * and seed 003's 55 % rule for 江都区's own lottery fund. The amounts are examples (every note says so), not
 * figures of any document. Returns how many lines were recorded.
 */
export async function seedDemoFunding(dataSource: DataSource, financeUsername: string): Promise<number> {
  const finance = await actingAs(dataSource, financeUsername);
  const year = Number(todayInChina().slice(0, 4));
  await fundingService.setRule(finance, { code: DEMO_COUNTY, fromYear: year, minPercent: 55, source: DEMO_LOTTERY_RULE_SOURCE });
  const lines: [string, FundingSource, BudgetPurpose, number][] = [
    [DEMO_CITY, FundingSource.LOTTERY_WELFARE_FUND, BudgetPurpose.RETAINED_TOTAL, 80_000_000_00],
    [DEMO_CITY, FundingSource.LOTTERY_WELFARE_FUND, BudgetPurpose.ELDERLY_CARE, 46_000_000_00],
    [DEMO_COUNTY, FundingSource.LOTTERY_WELFARE_FUND, BudgetPurpose.RETAINED_TOTAL, 12_000_000_00],
    [DEMO_COUNTY, FundingSource.LOTTERY_WELFARE_FUND, BudgetPurpose.ELDERLY_CARE, 7_200_000_00],
    [DEMO_COUNTY, FundingSource.GENERAL_BUDGET, BudgetPurpose.ELDERLY_CARE, 15_000_000_00],
    [DEMO_COUNTY, FundingSource.SOCIAL_DONATION, BudgetPurpose.ELDERLY_CARE, 800_000_00],
    [DEMO_COUNTY, FundingSource.INDIVIDUAL, BudgetPurpose.ELDERLY_CARE, 2_400_000_00],
  ];
  for (const [code, source, purpose, amountFen] of lines) {
    await fundingService.recordLine(finance, { code, year, source, purpose, amountFen, note: '示例数据（非文件数字）' });
  }
  return lines.length;
}
