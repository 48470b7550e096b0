import type { DataSource } from 'typeorm';
import { careRulesService } from '../src/care/care-rules.service';
import { DEMO_COUNTY } from './demo-facilities';
import { DEMO_PROCEDURE_SINCE } from './demo-procedures';
import { actingAs } from './demo-targets';

/**
 * 江都区 follows the 江都 care rules template (seed 004 篇四 「服務頻次監管」, with 松岗's service classes of
 * 篇二 and 深圳's quarterly spot checks of 篇五; the template says which settings are its own) from the
 * day its review procedure is in force, defined through the service as its civil-affairs administrator would.
 */
export async function seedDemoCareRules(dataSource: DataSource, adminUsername: string): Promise<string> {
  const admin = await actingAs(dataSource, adminUsername);
  const rules = await careRulesService.define(admin, { jurisdictionCode: DEMO_COUNTY, effectiveFrom: DEMO_PROCEDURE_SINCE, fromTemplate: 'JIANGDU' });
  return rules.template!;
}
