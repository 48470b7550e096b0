import type { DataSource } from 'typeorm';
import { thisMonthInChina } from '../src/kernel/dates';
import { settlementService } from '../src/ledger/settlement.service';
import { actingAs } from './demo-targets';

/**
 * The demo provider's statement of this month under its contract, prepared by 江都区's civil-affairs
 * administration after the visits (seed 004 篇四: «服務結算每月一次…由各鎮核實上報數據,並及時和服務商結算»): a
 * DRAFT for 仙女镇 to check, the district to review and finance to approve. Returns its id.
 */
export async function seedDemoSettlement(dataSource: DataSource, adminUsername: string, contractId: number): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  return (await settlementService.prepare(admin, String(contractId), thisMonthInChina())).id;
}
