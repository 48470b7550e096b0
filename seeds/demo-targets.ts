import type { DataSource } from 'typeorm';
import type { Context } from '../src/kernel/context';
import { thisMonthInChina } from '../src/kernel/dates';
import { entitlementRunService } from '../src/policies/entitlement-run.service';
import { TargetComparator, TargetMetric, TargetPhase } from '../src/targets/target-kinds';
import { targetService } from '../src/targets/target.service';
import { userRepository } from '../src/users/user.repository';
import { userService } from '../src/users/user.service';
import { issueToken } from '../src/users/token';
import { DEMO_COUNTY } from './demo-facilities';

/** The demo town held to full village coverage: 浦头镇, the smallest town of 江都区 with a village of its own (14). */
export const DEMO_TARGET_TOWN = '321012120';

/** A request context acting as the demo user `username`, as the API builds it from a signed-in user's token. */
export async function actingAs(dataSource: DataSource, username: string): Promise<Context> {
  const [user] = await dataSource.query(`SELECT id FROM app_user WHERE username = $1`, [username]);
  const row = (await userRepository.actorById(dataSource.manager, user.id))!;
  const base = { dataSource, db: dataSource.manager, requestId: 'demo-seed', clientAddress: '127.0.0.1', locale: 'en' as const, loaders: new Map() };
  return { ...base, actor: await userService.authenticate(base, issueToken(row.id, row.tokenVersion).token) };
}

/**
 * The targets of the seeds for 江都区, set through the services as its leadership office would set
 * them: the county's village coverage split among its towns; one town reaching all of its villages by
 * the end of 2024 (seed 000's "11个行政村全覆盖", on a real town of 14); ≥ 10 % of the elderly receiving a
 * subsidy (seed 004) after this month's entitlement run; dementia beds ≥ 5 % (seed 001). Returns how
 * many targets were set.
 */
export async function seedDemoTargets(dataSource: DataSource, officeUsername: string, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  await entitlementRunService.run(admin, DEMO_COUNTY, thisMonthInChina());

  const office = await actingAs(dataSource, officeUsername);
  const coverage = await targetService.create(office, {
    jurisdictionCode: DEMO_COUNTY,
    title: '村级养老服务设施覆盖率达到60%',
    metric: TargetMetric.VILLAGE_SERVICE,
    comparator: TargetComparator.AT_LEAST,
    threshold: 60,
    startsOn: '2024-01-01',
    deadline: '2026-12-31',
    responsibleUnit: '江都区民政局',
    phases: [
      { phase: TargetPhase.MOBILISATION, startsOn: '2024-01-01', endsOn: '2024-03-31' },
      { phase: TargetPhase.IMPLEMENTATION, startsOn: '2024-04-01', endsOn: '2026-09-30' },
      { phase: TargetPhase.EVALUATION, startsOn: '2026-10-01', endsOn: '2026-12-31' },
    ],
  });
  const towns: { code: string }[] = await dataSource.query(
    `SELECT code FROM jurisdiction WHERE parent_id = (SELECT id FROM jurisdiction WHERE code = $1) ORDER BY code`,
    [DEMO_COUNTY],
  );
  await targetService.allocate(
    office,
    coverage.id,
    towns.map(({ code }) => ({ jurisdictionCode: code, threshold: code === DEMO_TARGET_TOWN ? 100 : null })),
  );
  await targetService.create(office, {
    jurisdictionCode: DEMO_TARGET_TOWN,
    title: '浦头镇14个村(社区)养老服务设施全覆盖',
    metric: TargetMetric.VILLAGE_SERVICE,
    comparator: TargetComparator.AT_LEAST,
    threshold: 100,
    startsOn: '2024-01-01',
    deadline: '2024-12-31',
    responsibleUnit: '浦头镇人民政府',
  });
  await targetService.create(office, {
    jurisdictionCode: DEMO_COUNTY,
    title: '享受政府购买居家养老服务老人占比不低于10%',
    metric: TargetMetric.SUBSIDY_RECIPIENT_SHARE,
    comparator: TargetComparator.AT_LEAST,
    threshold: 10,
    startsOn: '2025-01-01',
    deadline: '2026-12-31',
    responsibleUnit: '江都区民政局',
  });
  await targetService.create(office, {
    jurisdictionCode: DEMO_COUNTY,
    title: '认知障碍照护床位占比不低于5%',
    metric: TargetMetric.DEMENTIA_BED_SHARE,
    comparator: TargetComparator.AT_LEAST,
    threshold: 5,
    startsOn: '2025-01-01',
    deadline: '2026-12-31',
    responsibleUnit: '江都区民政局',
  });
  return 4;
}
