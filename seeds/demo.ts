import { registerFeatureHooks } from '../src/app/schema';
import type { DataSource } from 'typeorm';
import { Role } from '../src/kernel/actor';
import { rebuildRollups } from '../src/coverage/rollup.rebuild';
import { readSetting, writeSetting } from '../src/db/settings';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { jurisdictionRepository } from '../src/jurisdictions/jurisdiction.repository';
import { hashPassword } from '../src/users/password';
import { DEMO_COUNTY, DEMO_ORGANISATIONS, seedDemoFacilities } from './demo-facilities';
import { DEMO_SUBSIDY_TOWN, seedDemoFacilitySubsidies } from './demo-facility-subsidies';
import { seedDemoPeople } from './demo-people';
import { seedDemoProcedures } from './demo-procedures';
import { seedDemoCareRules } from './demo-care';
import { seedDemoCases } from './demo-cases';
import { seedDemoEnrolments } from './demo-enrolments';
import { seedDemoTargets } from './demo-targets';
import { DEMO_CAREGIVER_USERNAME, seedDemoCaregivers } from './demo-caregivers';
import { seedDemoProviders } from './demo-providers';
import { DEMO_VISIT_TOWN, seedDemoVisits } from './demo-visits';
import { seedDemoVouchers } from './demo-vouchers';
import { seedDemoSettlement } from './demo-settlement';
import { DEMO_CITY, seedDemoFunding } from './demo-funding';
import { userRepository } from '../src/users/user.repository';

/** Demo only: every demo user signs in with this password. Never seed these in production. */
export const DEMO_PASSWORD = 'yiyang-demo';

/** The demo province: all of Jiangsu, so every level has real children. */
export const DEMO_PROVINCE = '32';

// One user per role, at the level that role works at: Jiangsu 32, 扬州市 3210, 江都区 321012,
// 仙女镇 321012100 and 东苑社区居委会 321012100001.
export const DEMO_USERS: { role: Role; jurisdictionCode: string }[] = [
  { role: Role.PLATFORM_ADMIN, jurisdictionCode: '32' },
  { role: Role.LEADERSHIP_OFFICE, jurisdictionCode: '32' },
  { role: Role.LEADERSHIP_OFFICE, jurisdictionCode: '321012' },
  { role: Role.FINANCE, jurisdictionCode: DEMO_CITY },
  { role: Role.ANALYST, jurisdictionCode: '3210' },
  { role: Role.CIVIL_AFFAIRS_ADMIN, jurisdictionCode: '321012' },
  { role: Role.SERVICE_PROVIDER, jurisdictionCode: '321012' },
  { role: Role.ASSESSOR, jurisdictionCode: '321012' },
  { role: Role.CIVIL_AFFAIRS_STAFF, jurisdictionCode: '321012100' },
  { role: Role.VILLAGE_WORKER, jurisdictionCode: '321012100001' },
];

/** `civil-affairs-admin@321012`: the role in lower kebab case, @, the jurisdiction code. */
export function demoUsername(role: Role, jurisdictionCode: string): string {
  return `${role.toLowerCase().replace(/_/g, '-')}@${jurisdictionCode}`;
}

/**
 * Loads the demo data once into an empty database: Jiangsu's real tree, one user per role, and the
 * facilities of 江都区 with their histories, its elderly people, the subsidy schemes of 江都区 (each
 * with its source; no floor: demo-people.ts says why), the facility subsidies of one of its towns, its
 * review procedure and intake windows, four applications, the enrolments of the people who qualify
 * (applications approved before the platform), its provider library with one contract, two caregivers of the
 * demo provider and one caregiver's login, its care rules from the 江都 template, and the visits of the days
 * before in one town with their call-backs and a spot check, and this year's funding of 扬州市 and 江都区 by source with seed 003's lottery-fund rule for
 * 江都区 (each added on the next start to a database seeded before them).
 */
export async function seedDemo(dataSource: DataSource): Promise<{ seeded: boolean; usernames: string[] }> {
  // The demo writes through the features' services, some of which call others through the hooks the composition root registers.
  registerFeatureHooks();
  // The caregiver's login comes with the caregiver it stands for (demo-caregivers.ts).
  const usernames = [...DEMO_USERS.map((u) => demoUsername(u.role, u.jurisdictionCode)), DEMO_CAREGIVER_USERNAME];
  if (await readSetting(dataSource, 'demo_seeded')) {
    const users = await seedUsers(dataSource);
    const facilities = await seedFacilitiesOnce(dataSource);
    const people = await seedPeopleOnce(dataSource);
    const subsidies = await seedFacilitySubsidiesOnce(dataSource);
    const procedures = await seedProceduresOnce(dataSource);
    const enrolments = await seedEnrolmentsOnce(dataSource);
    const targets = await seedTargetsOnce(dataSource);
    const cases = await seedCasesOnce(dataSource);
    const providers = await seedProvidersOnce(dataSource);
    const care = await seedCareRulesOnce(dataSource);
    const caregivers = await seedCaregiversOnce(dataSource);
    const vouchers = await seedVouchersOnce(dataSource);
    const visits = await seedVisitsOnce(dataSource);
    const funding = await seedFundingOnce(dataSource);
    const settlement = await seedSettlementOnce(dataSource);
    return { seeded: users || facilities || people || subsidies || targets || procedures || cases || enrolments || providers || care || caregivers || vouchers || visits || funding || settlement, usernames };
  }
  await importDivisions(dataSource, { under: DEMO_PROVINCE });
  await seedUsers(dataSource);
  await writeSetting(dataSource, 'demo_seeded', { at: new Date().toISOString(), province: DEMO_PROVINCE });
  await seedFacilitiesOnce(dataSource);
  await seedPeopleOnce(dataSource);
  await seedFacilitySubsidiesOnce(dataSource);
  await seedProceduresOnce(dataSource);
  await seedEnrolmentsOnce(dataSource);
  await seedTargetsOnce(dataSource);
  await seedCasesOnce(dataSource);
  await seedProvidersOnce(dataSource);
  await seedCareRulesOnce(dataSource);
  await seedCaregiversOnce(dataSource);
  await seedVouchersOnce(dataSource);
  await seedVisitsOnce(dataSource);
  await seedFundingOnce(dataSource);
  await seedSettlementOnce(dataSource);
  return { seeded: true, usernames };
}

/** The demo users that do not exist yet (a database seeded before a user was added gets it); whether any was added. */
async function seedUsers(dataSource: DataSource): Promise<boolean> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  return dataSource.transaction(async (tx) => {
    const homes = await jurisdictionRepository.byCodes(tx, DEMO_USERS.map((u) => u.jurisdictionCode));
    let added = false;
    for (const user of DEMO_USERS) {
      const created = await userRepository.insert(tx, {
        username: demoUsername(user.role, user.jurisdictionCode),
        displayName: `Demo ${user.role}`,
        passwordHash,
        jurisdictionId: homes.find((home) => home.code === user.jurisdictionCode)!.id,
        roles: [user.role],
      });
      added ||= created !== null;
    }
    return added;
  });
}

async function seedCaregiversOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_caregivers_seeded')) return false;
  const caregivers = await seedDemoCaregivers(dataSource, demoUsername(Role.SERVICE_PROVIDER, DEMO_COUNTY), DEMO_PASSWORD);
  await writeSetting(dataSource, 'demo_caregivers_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, caregivers });
  return true;
}

async function seedVouchersOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_vouchers_seeded')) return false;
  const postings = await seedDemoVouchers(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_vouchers_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, postings });
  return true;
}

async function seedVisitsOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_visits_seeded')) return false;
  const orders = await seedDemoVisits(dataSource, {
    townStaff: demoUsername(Role.CIVIL_AFFAIRS_STAFF, DEMO_VISIT_TOWN),
    provider: demoUsername(Role.SERVICE_PROVIDER, DEMO_COUNTY),
    caregiver: DEMO_CAREGIVER_USERNAME,
  });
  await writeSetting(dataSource, 'demo_visits_seeded', { at: new Date().toISOString(), town: DEMO_VISIT_TOWN, orders });
  return true;
}

async function seedSettlementOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_settlement_seeded')) return false;
  const providers = (await readSetting(dataSource, 'demo_providers_seeded')) as { contract: number } | null;
  if (!providers) return false;
  const statement = await seedDemoSettlement(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY), providers.contract);
  await writeSetting(dataSource, 'demo_settlement_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, statement });
  return true;
}

async function seedFundingOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_funding_seeded')) return false;
  const lines = await seedDemoFunding(dataSource, demoUsername(Role.FINANCE, DEMO_CITY));
  await writeSetting(dataSource, 'demo_funding_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, lines });
  return true;
}

async function seedTargetsOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_targets_seeded')) return false;
  const targets = await seedDemoTargets(
    dataSource,
    demoUsername(Role.LEADERSHIP_OFFICE, DEMO_COUNTY),
    demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY),
  );
  await writeSetting(dataSource, 'demo_targets_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, targets });
  return true;
}

async function seedProceduresOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_procedures_seeded')) return false;
  const windows = await seedDemoProcedures(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_procedures_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, windows });
  return true;
}

async function seedCareRulesOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_care_rules_seeded')) return false;
  const template = await seedDemoCareRules(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_care_rules_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, template });
  return true;
}

async function seedCasesOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_cases_seeded')) return false;
  const cases = await seedDemoCases(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY), demoUsername(Role.ASSESSOR, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_cases_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, cases });
  return true;
}

async function seedProvidersOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_providers_seeded')) return false;
  const contract = await seedDemoProviders(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_providers_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, contract });
  return true;
}

async function seedEnrolmentsOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_enrolments_seeded')) return false;
  const people = await seedDemoEnrolments(dataSource, demoUsername(Role.CIVIL_AFFAIRS_ADMIN, DEMO_COUNTY));
  await writeSetting(dataSource, 'demo_enrolments_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, people });
  return true;
}

async function seedFacilitySubsidiesOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_facility_subsidies_seeded')) return false;
  const schemes = await seedDemoFacilitySubsidies(dataSource);
  await writeSetting(dataSource, 'demo_facility_subsidies_seeded', { at: new Date().toISOString(), town: DEMO_SUBSIDY_TOWN, schemes });
  return true;
}

async function seedPeopleOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_people_seeded')) {
    // People seeded before they were counted in the roll-ups: count them once, from the registry.
    if (await readSetting(dataSource, 'demo_people_counted')) return false;
    await rebuildRollups(dataSource);
    await writeSetting(dataSource, 'demo_people_counted', { at: new Date().toISOString() });
    return true;
  }
  const people = await seedDemoPeople(dataSource);
  await writeSetting(dataSource, 'demo_people_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, people });
  await writeSetting(dataSource, 'demo_people_counted', { at: new Date().toISOString() });
  return true;
}

async function seedFacilitiesOnce(dataSource: DataSource): Promise<boolean> {
  if (await readSetting(dataSource, 'demo_facilities_seeded')) return false;
  const facilities = await seedDemoFacilities(dataSource);
  // The demo SERVICE_PROVIDER works for the first demo operator.
  await dataSource.query(
    `UPDATE app_user SET organisation_id = (SELECT id FROM organisation WHERE credit_code = $1) WHERE username = $2`,
    [DEMO_ORGANISATIONS[0].creditCode, demoUsername(Role.SERVICE_PROVIDER, DEMO_COUNTY)],
  );
  await writeSetting(dataSource, 'demo_facilities_seeded', { at: new Date().toISOString(), county: DEMO_COUNTY, facilities });
  return true;
}
