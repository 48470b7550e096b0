import type { DataSource } from 'typeorm';
import { rebuildRollups } from '../src/coverage/rollup.rebuild';
import { creditCodeCheck } from '../src/facilities/credit-code';
import { FacilityService, FacilityStatus, FacilityType, NEXT_STATUSES, OperatingModel } from '../src/facilities/facility-kinds';
import { todayInChina } from '../src/kernel/dates';

/** The demo county: 江都区, whose town and village figures the demo users see. */
export const DEMO_COUNTY = '321012';

const organisation = (serial: string, name: string) => {
  const prefix = `52321012${serial}`;
  return { creditCode: prefix + creditCodeCheck(prefix), name };
};

/** The demo operators; the demo SERVICE_PROVIDER works for the first. */
export const DEMO_ORGANISATIONS = [
  organisation('MJ0000011', '江都区颐养居家养老服务中心'),
  organisation('MJ0000029', '扬州市江都区仙城为老服务社'),
  organisation('MJ0000037', '江都区邵伯镇互助养老协会'),
];

const LIFECYCLE: FacilityStatus[] = [
  FacilityStatus.PLANNED,
  FacilityStatus.UNDER_CONSTRUCTION,
  FacilityStatus.BUILT,
  FacilityStatus.ACCEPTED,
  FacilityStatus.OPERATING,
];

const VILLAGE_TYPES = [
  FacilityType.MUTUAL_AID_CENTER,
  FacilityType.COMMUNITY_STATION,
  FacilityType.HAPPINESS_HOME,
  FacilityType.MEAL_TABLE,
  FacilityType.DAY_CARE_CENTER,
  FacilityType.ACTIVITY_CENTER,
];

interface SeedFacility {
  name: string;
  type: FacilityType;
  code: string;
  organisation: number;
  services: FacilityService[];
  beds: [number, number, number];
  /** Statuses with the day each began, oldest first. */
  steps: [FacilityStatus, string][];
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * A dated history through the lifecycle up to `target`, starting on `start`, with `gap` days between
 * steps; an OPERATING facility may have been suspended for a while on the way.
 */
function history(target: FacilityStatus, start: string, gap: number, suspendedOnce: boolean): [FacilityStatus, string][] {
  const steps: [FacilityStatus, string][] = [];
  let day = start;
  const path = target === FacilityStatus.SUSPENDED ? [...LIFECYCLE, FacilityStatus.SUSPENDED] : LIFECYCLE.slice(0, LIFECYCLE.indexOf(target) + 1);
  for (const status of path) {
    steps.push([status, day]);
    day = addDays(day, gap);
  }
  if (suspendedOnce && target === FacilityStatus.OPERATING) {
    steps.push([FacilityStatus.SUSPENDED, day], [FacilityStatus.OPERATING, addDays(day, 45)]);
  }
  return steps;
}

// A fixed spread of outcomes, so that every town shows a different, non-trivial picture.
const VILLAGE_OUTCOMES: (FacilityStatus | null)[] = [
  FacilityStatus.OPERATING,
  FacilityStatus.OPERATING,
  null,
  FacilityStatus.OPERATING,
  FacilityStatus.UNDER_CONSTRUCTION,
  FacilityStatus.OPERATING,
  FacilityStatus.SUSPENDED,
  FacilityStatus.OPERATING,
  null,
  FacilityStatus.ACCEPTED,
  FacilityStatus.OPERATING,
  FacilityStatus.PLANNED,
  FacilityStatus.OPERATING,
  FacilityStatus.BUILT,
];

function demoFacilities(towns: { code: string; name: string }[], villages: { code: string; name: string }[]): SeedFacility[] {
  const facilities: SeedFacility[] = [
    {
      name: '江都区居家养老服务指导中心',
      type: FacilityType.COUNTY_GUIDANCE_CENTER,
      code: DEMO_COUNTY,
      organisation: 0,
      services: [FacilityService.HOME_VISITS, FacilityService.EMERGENCY, FacilityService.COMPANIONSHIP],
      beds: [0, 0, 0],
      steps: history(FacilityStatus.OPERATING, '2022-03-01', 120, false),
    },
  ];
  towns.forEach((town, t) => {
    // Most towns run a center; a few are still building theirs.
    const centerStatus =
      t === 3 ? FacilityStatus.UNDER_CONSTRUCTION : t === 9 ? FacilityStatus.ACCEPTED : t === 12 ? FacilityStatus.PLANNED : FacilityStatus.OPERATING;
    facilities.push({
      name: `${town.name}养老服务中心`,
      type: FacilityType.TOWN_CENTER,
      code: town.code,
      organisation: t % 3,
      services: [FacilityService.MEALS, FacilityService.DAY_CARE, FacilityService.BATHING, FacilityService.REHABILITATION],
      beds: [20, 12, 2],
      steps: history(centerStatus, addDays('2022-06-01', 37 * t), 90, t % 5 === 0),
    });
    if (t % 2 === 0) {
      facilities.push({
        name: `${town.name}敬老院`,
        type: FacilityType.TOWNSHIP_NURSING_HOME,
        code: town.code,
        organisation: 0,
        services: [FacilityService.MEALS, FacilityService.MEDICAL, FacilityService.REHABILITATION],
        beds: [60 + 10 * t, 36 + 4 * t, t % 4 === 0 ? 6 : 2],
        steps: history(FacilityStatus.OPERATING, '2022-01-10', 60, false),
      });
    }
  });
  villages.forEach((village, v) => {
    const outcome = VILLAGE_OUTCOMES[(v * 5 + Math.floor(v / 14)) % VILLAGE_OUTCOMES.length];
    if (outcome === null) return;
    const type = VILLAGE_TYPES[v % VILLAGE_TYPES.length];
    const meals = type === FacilityType.MUTUAL_AID_CENTER || type === FacilityType.MEAL_TABLE || v % 3 === 0;
    const short = type === FacilityType.MEAL_TABLE ? '老饭桌' : type === FacilityType.COMMUNITY_STATION ? '养老服务站' : type === FacilityType.HAPPINESS_HOME ? '幸福院' : type === FacilityType.DAY_CARE_CENTER ? '日间照料中心' : type === FacilityType.ACTIVITY_CENTER ? '老年活动中心' : '互助养老中心';
    facilities.push({
      name: `${village.name.replace(/(村民委员会|村委会|居民委员会|社区居委会|居委会)$/, '')}${short}`,
      type,
      code: village.code,
      organisation: v % 3,
      services: meals ? [FacilityService.MEALS, FacilityService.RECREATION] : [FacilityService.RECREATION, FacilityService.COMPANIONSHIP],
      beds: [0, 0, 0],
      steps: history(outcome, addDays('2023-01-05', (v * 11) % 700), 40 + (v % 4) * 15, v % 9 === 0),
    });
  });
  return facilities;
}

/** Loads the demo facilities of 江都区 with their histories once, then rebuilds every node's figures. */
export async function seedDemoFacilities(dataSource: DataSource): Promise<number> {
  const today = todayInChina();
  const towns: { code: string; name: string }[] = await dataSource.query(
    `SELECT code, name FROM jurisdiction WHERE level = 'TOWN' AND code LIKE $1 ORDER BY code`,
    [`${DEMO_COUNTY}%`],
  );
  const villages: { code: string; name: string }[] = await dataSource.query(
    `SELECT code, name FROM jurisdiction WHERE level = 'VILLAGE' AND code LIKE $1 ORDER BY code`,
    [`${DEMO_COUNTY}%`],
  );
  const facilities = demoFacilities(towns, villages)
    .map((facility) => ({ ...facility, steps: facility.steps.filter(([, day]) => day <= today) }))
    .filter((facility) => facility.steps.length > 0);

  await dataSource.transaction(async (tx) => {
    const ids: number[] = [];
    for (const org of DEMO_ORGANISATIONS) {
      const [row] = await tx.query(
        `INSERT INTO organisation (credit_code, name) VALUES ($1, $2)
         ON CONFLICT (credit_code) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
        [org.creditCode, org.name],
      );
      ids.push(row.id);
    }
    for (const facility of facilities) {
      const [status, since] = facility.steps.at(-1)!;
      const [row] = await tx.query(
        `INSERT INTO facility (name, type, jurisdiction_id, organisation_id, operating_model, services, floor_area_m2,
           beds_total, beds_nursing, beds_dementia, staff, daily_diners, status, status_since, last_event_on)
         SELECT $1, $2, id, $3, $4, $5::facility_service[], $6, $7, $8, $9, $10, $11, $12, $13, $13 FROM jurisdiction WHERE code = $14
         RETURNING id`,
        [
          facility.name,
          facility.type,
          ids[facility.organisation],
          facility.organisation === 0 ? OperatingModel.PUBLIC_BUILT_PRIVATE_RUN : OperatingModel.ENTRUSTED,
          facility.services,
          facility.type === FacilityType.MEAL_TABLE ? 120 : 320,
          ...facility.beds,
          facility.beds[0] > 0 ? Math.ceil(facility.beds[0] / 5) : 2,
          facility.services.includes(FacilityService.MEALS) ? 30 : null,
          status,
          since,
          facility.code,
        ],
      );
      let previous = null as FacilityStatus | null;
      for (const [step, day] of facility.steps) {
        if (previous !== null && !NEXT_STATUSES[previous].includes(step)) throw new Error(`demo history ${previous} → ${step} is not a lifecycle step`);
        await tx.query(
          `INSERT INTO facility_event (facility_id, kind, occurred_on, from_status, status, services)
           VALUES ($1, $2, $3, $4, $5, $6::facility_service[])`,
          [row.id, previous === null ? 'REGISTERED' : 'TRANSITION', day, previous, step, facility.services],
        );
        previous = step;
      }
      // A center with meals reports its diners every month from its first entry on (the operating subsidy pays each month by its own count).
      if (facility.services.includes(FacilityService.MEALS)) {
        await tx.query(
          `INSERT INTO facility_diners (facility_id, month, diners)
           SELECT $1, m::date, 30 FROM generate_series(date_trunc('month', $2::date), date_trunc('month', $3::date), interval '1 month') AS m`,
          [row.id, facility.steps[0][1], today],
        );
      }
    }
  });
  await rebuildRollups(dataSource);
  return facilities.length;
}
