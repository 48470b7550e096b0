import type { DataSource } from 'typeorm';
import { procedureRepository } from '../src/procedures/procedure.repository';
import { procedureService } from '../src/procedures/procedure.service';
import { DEMO_COUNTY } from './demo-facilities';
import { actingAs } from './demo-targets';

/**
 * 江都区's intake windows (集中申报) of 2026: seed 004 篇四 takes new recipients every half year
 * (「新增對象每半年新增一次,做到集中申報、集中審批、集中評估」). The first half's window follows the days of
 * its 「調查摸底及申請審批階段(5月31日—6月30日)」; the second half's days are the demo's own.
 */
export const DEMO_INTAKE_WINDOWS = [
  { name: '2026年上半年集中申報', opens: '2026-05-31', closes: '2026-06-30' },
  { name: '2026年下半年集中申報', opens: '2026-11-30', closes: '2026-12-31' },
];

/** The day 江都区's procedure is in force from in the demo. */
export const DEMO_PROCEDURE_SINCE = '2025-01-01';

/**
 * 江都区 follows the 江都 template, defined through the service as its civil-affairs administrator would;
 * the windows, wholly or partly past, are written as stored (the API opens only windows that have not
 * closed). Returns how many windows were opened.
 */
export async function seedDemoProcedures(dataSource: DataSource, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  await procedureService.define(admin, { jurisdictionCode: DEMO_COUNTY, effectiveFrom: DEMO_PROCEDURE_SINCE, fromTemplate: 'JIANGDU' });
  await dataSource.transaction(async (tx) => {
    const [{ id }] = await tx.query(`SELECT id FROM jurisdiction WHERE code = $1`, [DEMO_COUNTY]);
    for (const window of DEMO_INTAKE_WINDOWS) await procedureRepository.insertWindow(tx, id, window.name, window.opens, window.closes, admin.actor!.userId);
  });
  return DEMO_INTAKE_WINDOWS.length;
}
