import type { DataSource, EntityManager } from 'typeorm';
import { figureFactsOf, recordPeopleChanges } from '../src/elderly/person-rollups';
import { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from '../src/elderly/elderly-kinds';
import { nationalIdCheck } from '../src/elderly/national-id';
import { validUntil } from '../src/elderly/person.service';
import { addMonths, thisMonthInChina, todayInChina } from '../src/kernel/dates';
import { JurisdictionLevel } from '../src/kernel/division-codes';
import { tierRule, type TierRule } from '../src/policies/scheme-rules';
import { JIANGDU_HARDSHIP } from '../src/care/care-rule-kinds';
import { LastMonthRule, SCHEME_PARAMETER_DEFAULTS, SchemeKind, TierCombination } from '../src/policies/policy-kinds';
import { policyRepository, type NewVersion } from '../src/policies/policy.repository';
import { DEMO_COUNTY } from './demo-facilities';

export const DEMO_PEOPLE_PER_VILLAGE = 2;

// A fixed pseudo-random sequence: the demo is the same on every machine.
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗';
const GIVEN = ['桂英', '秀兰', '玉兰', '德明', '永福', '国华', '金凤', '长林', '宝珍', '志刚', '淑珍', '春生'];
// 江都区's 困難老人 categories (seed 004 篇四 三(一)1), as its care rules read them.
const HARDSHIP = JIANGDU_HARDSHIP;
const ALL_LEVELS = Object.values(AbilityLevel);

// seed 004 篇四, both subsidies: 「户籍在江都且長期(原則上指半年以上)居住在户籍地」.
const tier = (position: number, name: string, amountFen: number, rule: Partial<TierRule>): Omit<TierRule, 'id'> =>
  tierRule({ position, name, amountFen, hukouRequired: true, minResidentMonths: 6, ...rule });

/**
 * 江都区's parameters (seed 004 篇四). requiresApplication: 「符合規定條件並願意接受政府購買居家養老服務的老年人,須到户籍所在地村(社區)提出申請」.
 * lastMonth: 「對於服務對象中出現遷離、去世…應立即核銷平台人員信息、停止提供服務」 (nothing for the month of the event).
 * assessmentValidMonths: the document sets no period, so an assessment counts until a newer one.
 * firstMonth: the document is silent; the default setting (MONTH_OF_APPROVAL) is an example, not policy.
 */
const JIANGDU_PARAMETERS = {
  ...SCHEME_PARAMETER_DEFAULTS,
  requiresApplication: true,
  lastMonth: LastMonthRule.STOP_IN_MONTH_OF_EVENT,
  assessmentValidMonths: null,
};

/**
 * 江都区's two service subsidies (seed 004 篇四), both bought services (政府购买居家养老服务), not cash
 * allowances. No floor is seeded: the 90–99 岁 ≥ 50 元 of seed 001 (「90―99岁老人每人每月不低于50元」) is a
 * template of another province's plan, not Jiangsu's, and binds a cash 高龄津贴, which the demo does not have.
 */
async function seedSchemes(dataSource: DataSource): Promise<void> {
  await dataSource.transaction(async (tx) => {
    const [county] = await tx.query(`SELECT id FROM jurisdiction WHERE code = $1`, [DEMO_COUNTY]);
    // seed 004 篇四 「政府購買居家養老服務補貼資金由區、鎮財政按總資金7:3的比例承擔」.
    const funding = [
      { level: JurisdictionLevel.COUNTY, weight: 7 },
      { level: JurisdictionLevel.TOWN, weight: 3 },
    ];
    const group = '江都区居家养老服务补贴';
    // 「根據自理(能力完好)、半失能(輕度失能和中度失能)、失能(重度失能)類別,按照每人每月80元、150元、260元的標準給予補貼」:
    // 失智 (DEMENTIA) is in none of them; the document does not place it.
    const abilities: [string, number, AbilityLevel[]][] = [
      ['自理', 8000, [AbilityLevel.INTACT]],
      ['半失能', 15000, [AbilityLevel.MILD, AbilityLevel.MODERATE]],
      ['失能', 26000, [AbilityLevel.SEVERE]],
    ];
    const hardship: NewVersion = {
      fromMonth: '2024-01',
      toMonth: null,
      combination: TierCombination.HIGHEST,
      exclusionGroup: group,
      ...JIANGDU_PARAMETERS,
      funding,
      // 「城鄉散居特困老人、低保家庭老人、失獨家庭老人、重點優撫對象和特殊貢獻(如市級以上勞模)老人、孤寡老人、空巢獨居老人」.
      tiers: [
        ...abilities.map(([name, amount, levels], i) => tier(i + 1, `困难老人·${name}`, amount, { minAge: 60, categoriesAny: HARDSHIP, abilities: levels })),
        ...abilities.map(([name, amount, levels], i) =>
          tier(i + 4, `空巢独居老人·${name}`, amount, { minAge: 60, livingSituations: [LivingSituation.EMPTY_NEST, LivingSituation.ALONE], abilities: levels }),
        ),
      ],
    };
    // 「年滿80週歲及以上…的高齡老人,在完成生活能力評估後,按照每人每月60元的標準給予補貼」: any level, once assessed.
    const oldAge: NewVersion = {
      fromMonth: '2024-01',
      toMonth: null,
      combination: TierCombination.HIGHEST,
      exclusionGroup: group,
      ...JIANGDU_PARAMETERS,
      funding,
      tiers: [tier(1, '80周岁及以上', 6000, { minAge: 80, abilities: ALL_LEVELS })],
    };
    for (const [name, kind, version] of [
      ['困难老人养老服务补贴', SchemeKind.HARDSHIP_CARE_SUBSIDY, hardship],
      ['高龄老年人养老服务补贴', SchemeKind.HOME_CARE_SUBSIDY, oldAge],
    ] as const) {
      const id = await policyRepository.insertScheme(tx, county.id, name, kind, null);
      await policyRepository.insertVersion(tx, id!, version, null);
    }
  });
}

/**
 * People in every village of 江都区: ages 60–99, some in hardship categories, most assessed, a few
 * who died or moved away this past year; loaded set-wise and counted in the roll-ups as the CSV
 * import will be, in one transaction.
 */
async function seedPeople(dataSource: DataSource): Promise<number> {
  return dataSource.transaction((tx) => seedPeopleIn(tx));
}

async function seedPeopleIn(tx: EntityManager): Promise<number> {
  const random = generator(20_241_231);
  // Statuses draw from their own sequence, so that everything else stays as it was before they were added.
  const statusRandom = generator(20_251_123);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const villages: { id: number; code: string }[] = await tx.query(
    `SELECT id, code FROM jurisdiction WHERE level = 'VILLAGE' AND code LIKE $1 ORDER BY code`,
    [`${DEMO_COUNTY}%`],
  );
  const today = todayInChina();
  const people: unknown[][] = [];
  const extras: { categories: HardshipCategory[]; ability: AbilityLevel | null; assessedOn: string }[] = [];
  const statuses: { status: PersonStatus; since: string | null }[] = [];
  let sequence = 0;
  for (const village of villages) {
    for (let n = 0; n < DEMO_PEOPLE_PER_VILLAGE; n += 1) {
      sequence += 1;
      const age = 60 + Math.floor(random() * random() * 40);
      const birth = `${Number(today.slice(0, 4)) - age - 1}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const male = random() < 0.45;
      const order = String(((sequence * 2) % 998) + (male ? 1 : 0)).padStart(3, '0');
      const first17 = `${DEMO_COUNTY}${birth.replace(/-/g, '')}${order}`;
      const living = random() < 0.25 ? [pick([LivingSituation.EMPTY_NEST, LivingSituation.ALONE, LivingSituation.LEFT_BEHIND])] : [];
      people.push([
        first17 + nationalIdCheck(first17),
        `${pick([...SURNAMES])}${pick(GIVEN)}`,
        male ? 'MALE' : 'FEMALE',
        birth,
        `139${String(10_000_000 + sequence * 7919).slice(-8)}`,
        `江苏省扬州市江都区${village.code.slice(9)}号`,
        village.id,
        `${2000 + Math.floor(random() * 24)}-01-01`,
        living,
      ]);
      const leaving = statusRandom();
      statuses.push(
        leaving < 0.05
          ? { status: leaving < 0.03 ? PersonStatus.DECEASED : PersonStatus.MOVED_AWAY, since: `${addMonths(thisMonthInChina(), -1 - Math.floor(statusRandom() * 12))}-10` }
          : { status: PersonStatus.ACTIVE, since: null },
      );
      extras.push({
        categories: random() < 0.2 ? [pick(HARDSHIP)] : [],
        ability: random() < 0.85 ? pick([AbilityLevel.INTACT, AbilityLevel.INTACT, AbilityLevel.MILD, AbilityLevel.MODERATE, AbilityLevel.SEVERE, AbilityLevel.DEMENTIA]) : null,
        assessedOn: `${addMonths(thisMonthInChina(), -Math.floor(random() * 9))}-05`,
      });
    }
  }
  const column = (i: number) => people.map((row) => row[i]);
  const ids: { id: number; nationalId: string }[] = await tx.query(
    `INSERT INTO person (national_id, name, sex, birth_date, phone, address, village_id, hukou_jurisdiction_id, resident_since, living_situations,
       status, status_since)
     SELECT p.nid, p.name, p.sex::sex, p.birth::date, p.phone, p.address, p.village, p.village, p.since::date,
       CASE WHEN p.living IS NULL THEN '{}' ELSE ARRAY[p.living]::living_situation[] END, p.status::person_status, p.status_since::date
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::text[])
       WITH ORDINALITY AS p (nid, name, sex, birth, phone, address, village, since, living, status, status_since, n)
     ORDER BY p.n ON CONFLICT (national_id) DO NOTHING RETURNING id, national_id AS "nationalId"`,
    [
      ...[0, 1, 2, 3, 4, 5, 6, 7].map(column),
      people.map((row) => (row[8] as string[])[0] ?? null),
      statuses.map((s) => s.status),
      statuses.map((s) => s.since),
    ],
  );
  // Categories and assessments of everyone in two statements.
  const extraOf = new Map(people.map((row, i) => [row[0] as string, extras[i]]));
  const categories = ids.flatMap(({ id, nationalId }) => extraOf.get(nationalId)!.categories.map((category) => ({ id, category })));
  await tx.query(
    `INSERT INTO person_category (person_id, category, valid_from)
     SELECT c.person_id, c.category::hardship_category, '2023-01-01' FROM unnest($1::int[], $2::text[]) AS c (person_id, category)`,
    [categories.map((c) => c.id), categories.map((c) => c.category)],
  );
  const assessed = ids
    .map(({ id, nationalId }) => ({ id, ...extraOf.get(nationalId)! }))
    .filter((a) => a.ability !== null && a.assessedOn <= today);
  await tx.query(
    `INSERT INTO ability_assessment (person_id, level, assessed_on, valid_until, assessor)
     SELECT a.person_id, a.level::ability_level, a.assessed_on, a.valid_until, '江都区老年人能力评估中心'
     FROM unnest($1::int[], $2::text[], $3::date[], $4::date[]) AS a (person_id, level, assessed_on, valid_until)`,
    [assessed.map((a) => a.id), assessed.map((a) => a.ability), assessed.map((a) => a.assessedOn), assessed.map((a) => validUntil(a.assessedOn, 6))],
  );
  await recordPeopleChanges(tx, [], await figureFactsOf(tx, ids.map(({ id }) => id)));
  return ids.length;
}

/** The demo's subsidy schemes and people of 江都区; returns how many people were registered. */
export async function seedDemoPeople(dataSource: DataSource): Promise<number> {
  await seedSchemes(dataSource);
  return seedPeople(dataSource);
}
