import type { DataSource } from 'typeorm';
import { addMonths, thisMonthInChina } from '../src/kernel/dates';
import { ledgerService } from '../src/ledger/ledger.service';
import { entitlementRunService } from '../src/policies/entitlement-run.service';
import { DEMO_COUNTY } from './demo-facilities';
import { actingAs } from './demo-targets';

/**
 * The towns' monthly voucher credit in 江都区 (seed 004 篇四: «各鎮以電子代金券的形式把政府購買服務補貼充入市民卡補貼賬户»),
 * for last month and this month, after each month's entitlement run, as the district's civil-affairs
 * administration would post them; the visits after it are charged to the vouchers. Returns the postings made.
 */
export async function seedDemoVouchers(dataSource: DataSource, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  let postings = 0;
  for (const month of [addMonths(thisMonthInChina(), -1), thisMonthInChina()]) {
    await entitlementRunService.run(admin, DEMO_COUNTY, month);
    postings += (await ledgerService.postCredits(admin, DEMO_COUNTY, month)).postings;
  }
  return postings;
}
