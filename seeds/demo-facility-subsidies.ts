import type { DataSource } from 'typeorm';
import { FacilityService, FacilityType } from '../src/facilities/facility-kinds';
import { JurisdictionLevel } from '../src/kernel/division-codes';
import { tierRule, type TierRule } from '../src/policies/scheme-rules';
import { SCHEME_PARAMETER_DEFAULTS, SchemeKind, TierCombination } from '../src/policies/policy-kinds';
import { policyRepository, type NewVersion } from '../src/policies/policy.repository';

/**
 * The demo town with seed 000's facility subsidies: 仙女镇, where the demo civil-affairs staff works. Its
 * mutual-aid centers span the picture: some operated all of 2025 with meals, some were accepted in 2025
 * and opened too late in the year, some are still being built.
 */
export const DEMO_SUBSIDY_TOWN = '321012100';

const facilityTier = (name: string, amountFen: number, rule: Partial<TierRule>): Omit<TierRule, 'id'> => tierRule({ position: 1, name, amountFen, ...rule });

const version = (tier: Omit<TierRule, 'id'>): NewVersion => ({
  fromMonth: '2024-01',
  toMonth: null,
  combination: TierCombination.HIGHEST,
  exclusionGroup: null,
  ...SCHEME_PARAMETER_DEFAULTS,
  // seed 000: 「原则上，每个村（居）委会补助一个养老中心」 (the demo has one center per village: none is turned away).
  oneFacilityPerVillage: true,
  // 镇将补助: the town pays.
  funding: [{ level: JurisdictionLevel.TOWN, weight: 1 }],
  tiers: [tier],
});

/**
 * Seed 000's two facility subsidies, set and paid by the demo town: an amount once for a mutual-aid
 * center with meal service accepted (验收合格): 「对2024年建成并经验收合格的实行助餐等服务的城乡互助养老服务中心，将一次性兜底保障」,
 * which names no sum, so the 10,000 元 is an example of the demo, not policy; and 50 元 per diner a
 * month (each month by its own diner count) for one that operated at least 260 days in a row with meals; each
 * pays one center per village. Returns how many schemes were set.
 */
export async function seedDemoFacilitySubsidies(dataSource: DataSource): Promise<number> {
  const schemes: [string, SchemeKind, NewVersion][] = [
    [
      '互助养老服务中心建设一次性补助',
      SchemeKind.FACILITY_CONSTRUCTION,
      version(
        // Example amount: seed 000 names none.
        facilityTier('建成并经验收合格的助餐互助养老服务中心（示例金额）', 1_000_000, {
          facilityTypes: [FacilityType.MUTUAL_AID_CENTER],
          requiredServices: [FacilityService.MEALS],
        }),
      ),
    ],
    [
      '互助养老服务中心运营补助',
      SchemeKind.FACILITY_OPERATING,
      version(
        // seed 000: 「对每个持续运营260天以上的实行助餐等服务的互助养老服务中心，镇将补助50元/人/月」.
        facilityTier('持续运营260天以上·50元/人/月', 5000, {
          facilityTypes: [FacilityType.MUTUAL_AID_CENTER],
          requiredServices: [FacilityService.MEALS],
          minOperatingDays: 260,
        }),
      ),
    ],
  ];
  await dataSource.transaction(async (tx) => {
    const [town] = await tx.query(`SELECT id FROM jurisdiction WHERE code = $1`, [DEMO_SUBSIDY_TOWN]);
    for (const [name, kind, first] of schemes) {
      const id = await policyRepository.insertScheme(tx, town.id, name, kind, null);
      await policyRepository.insertVersion(tx, id!, first, null);
    }
  });
  return schemes.length;
}
