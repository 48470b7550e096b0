import { Role } from '../../src/kernel/actor';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { rollupRepository } from '../../src/rollups/rollup.repository';
import { PEOPLE_KEYS } from '../../src/elderly/person-figures';
import { ageOn, nationalIdCheck } from '../../src/elderly/national-id';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';
import { dayNumber, dayOf, generator } from '../support/random';

/**
 * Random registrations, category changes, assessments (some lapsing, some superseded), deaths and
 * moves, most of them back-dated, through the API on SMALL_TREE; after every batch, every node's
 * stored people counts — today, as of past days and on days to come (birthdays, expiries) — must
 * equal a recomputation from the registry's tables done here, day by day, from scratch.
 */

const h = useHarness();
jest.setTimeout(240_000);

const SEED = Number(process.env.CONSISTENCY_SEED ?? 20251123);
const BATCHES = 5;
const OPERATIONS_PER_BATCH = 60;
const FIRST_DAY = '2015-01-01';


const later = (a: string, b: string) => (a > b ? a : b);

const CATEGORIES = ['MINIMUM_LIVING_ALLOWANCE', 'LOW_INCOME', 'BEREAVED_PARENTS', 'DISABILITY', 'CHILDLESS_WIDOWED'];
const LEVELS = ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'];
const BANDS: [string, number][] = [
  ['UNDER_60', 0],
  ['AGE_60_69', 60],
  ['AGE_70_79', 70],
  ['AGE_80_89', 80],
  ['AGE_90_99', 90],
  ['AGE_100_PLUS', 100],
];

interface PersonRow {
  id: number;
  village: string;
  birth: string;
  residentSince: string | null;
  createdAt: Date;
  status: string;
  statusSince: string | null;
}
interface CategoryRow {
  personId: number;
  category: string;
  validFrom: string;
  validTo: string | null;
}
interface AssessmentRow {
  personId: number;
  level: string;
  assessedOn: string;
  validUntil: string;
}
interface Registry {
  people: PersonRow[];
  categories: CategoryRow[];
  assessments: AssessmentRow[];
}

async function readRegistry(): Promise<Registry> {
  const people: PersonRow[] = await h.db.query(
    `SELECT p.id, v.code AS village, to_char(p.birth_date, 'YYYY-MM-DD') AS birth, to_char(p.resident_since, 'YYYY-MM-DD') AS "residentSince",
       p.created_at AS "createdAt", p.status, to_char(p.status_since, 'YYYY-MM-DD') AS "statusSince"
     FROM person p JOIN jurisdiction v ON v.id = p.village_id ORDER BY p.id`,
  );
  const categories: CategoryRow[] = await h.db.query(
    `SELECT person_id AS "personId", category, to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo"
     FROM person_category ORDER BY id`,
  );
  const assessments: AssessmentRow[] = await h.db.query(
    `SELECT person_id AS "personId", level, to_char(assessed_on, 'YYYY-MM-DD') AS "assessedOn", to_char(valid_until, 'YYYY-MM-DD') AS "validUntil"
     FROM ability_assessment ORDER BY assessed_on, id`,
  );
  return { people, categories, assessments };
}

/**
 * Every node's figures on `day`, worked out person by person from the definition: counted from the
 * residence day (else the day registered, in China) until moved away or died; age in completed years
 * that day; the latest assessment made by then unless past its validUntil; every category a record covers.
 */
function expectedCounts(registry: Registry, nodeCodes: string[], day: string): Map<string, number> {
  const figures = new Map<string, number>();
  for (const person of registry.people) {
    const start = person.residentSince ?? todayInChina(person.createdAt);
    const counted = start <= day && (person.status === 'ACTIVE' || day < person.statusSince!);
    if (!counted) continue;
    const keys = ['people:total'];
    const age = ageOn(person.birth, day);
    keys.push(`people:age:${[...BANDS].reverse().find(([, from]) => age >= from)![0]}`);
    const made = registry.assessments.filter((a) => a.personId === person.id && a.assessedOn <= day);
    const latest = made[made.length - 1];
    keys.push(`people:ability:${latest && latest.validUntil >= day ? latest.level : 'NOT_ASSESSED'}`);
    const inForce = registry.categories.filter((c) => c.personId === person.id && c.validFrom <= day && (c.validTo === null || day < c.validTo));
    for (const category of new Set(inForce.map((c) => c.category))) keys.push(`people:category:${category}`);
    for (const code of nodeCodes.filter((code) => person.village.startsWith(code))) {
      for (const key of keys) figures.set(`${code}|${key}`, (figures.get(`${code}|${key}`) ?? 0) + 1);
    }
  }
  return figures;
}

async function storedCounts(day: string): Promise<Map<string, number>> {
  const rows: { code: string; key: string; value: number }[] = await h.db.query(
    `SELECT j.code, c.key, sum(c.delta)::int AS value FROM rollup_change c JOIN jurisdiction j ON j.id = c.node_id
     WHERE c.key LIKE 'people:%' AND c.day <= $1 GROUP BY j.code, c.key HAVING sum(c.delta) <> 0`,
    [day],
  );
  return new Map(rows.map((row) => [`${row.code}|${row.key}`, row.value]));
}

/** The same figures as the API reads them: year and month sums, then the days of the last month. */
async function readCounts(day: string): Promise<Map<string, number>> {
  const nodes: { id: number; code: string }[] = await h.db.query(`SELECT id, code FROM jurisdiction`);
  const codeOf = new Map(nodes.map((node) => [node.id, node.code]));
  const rows = await rollupRepository.valuesAsOfByPeriods(h.db.manager, [...codeOf.keys()], PEOPLE_KEYS, day);
  return new Map(rows.map((row) => [`${codeOf.get(row.nodeId)}|${row.key}`, row.value]));
}

/** Every stored row of the people counts: the day rows and their month and year sums. */
const peopleRows = () =>
  h.db.query(
    `SELECT node_id, key, 'day' AS grain, to_char(day, 'YYYY-MM-DD') AS day, delta::int FROM rollup_change WHERE key LIKE 'people:%'
     UNION ALL SELECT node_id, key, grain, to_char(start, 'YYYY-MM-DD'), delta::int FROM rollup_change_period
     ORDER BY 1, 2, 3, 4`,
  );

const sorted = (figures: Map<string, number>) => [...figures].sort(([a], [b]) => (a < b ? -1 : 1));

interface Tracked {
  id: string;
  birth: string;
  village: string;
  active: boolean;
}

describe('stored people counts under random changes', () => {
  it(`equal a recomputation from the registry after every batch, today, as of past days and on days to come (seed ${SEED})`, async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const today = todayInChina();
    const random = generator(SEED);
    const nodeCodes = SMALL_TREE.map(([code]) => code);
    const villages = nodeCodes.filter((code) => code.length === 12);
    // One admin per province: moves stay within the admin's subtree.
    const admins: Record<string, TestUser> = {
      '32': await createUser(h.db, '32', [Role.CIVIL_AFFAIRS_ADMIN]),
      '11': await createUser(h.db, '11', [Role.CIVIL_AFFAIRS_ADMIN]),
    };
    const adminOf = (village: string) => admins[village.slice(0, 2)];

    const people: Tracked[] = [];
    const randomDay = (from: string, to = today) => dayOf(dayNumber(from) + random.int(dayNumber(to) - dayNumber(from) + 1));
    const randomCategories = () =>
      [...new Set(Array.from({ length: random.int(3) }, () => random.pick(CATEGORIES)))].map((category) =>
        category === 'DISABILITY' ? { category, disabilityGrade: 1 + random.int(4) } : { category },
      );
    let sequence = 0;
    let rejected = 0;

    const ok = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await h.gql(query, variables, token);
      expect(res.errors).toBeUndefined();
      return res.data;
    };

    async function registerOne(): Promise<void> {
      // Mostly 55 to 105 years old, some born on 29 February; a few tomorrow's 60-year-olds.
      const leapBirth = random.next() < 0.08;
      const birth = leapBirth
        ? `${1920 + 4 * random.int(13)}-02-29`
        : randomDay(dayOf(dayNumber(today) - 105 * 365), dayOf(dayNumber(today) - 55 * 365));
      const village = random.pick(villages);
      sequence += 1;
      const first17 = `${village.slice(0, 6)}${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
      const categories = randomCategories();
      const input = {
        nationalId: first17 + nationalIdCheck(first17),
        name: `老人${sequence}`,
        villageCode: village,
        hukouCode: village,
        residentSince: random.next() < 0.6 ? randomDay(later(birth, FIRST_DAY)) : null,
        categories,
        categoriesSince: categories.length > 0 ? randomDay(later(birth, FIRST_DAY)) : null,
      };
      const data = await ok(`mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`, { input }, adminOf(village).token);
      people.push({ id: data.registerPerson.id, birth, village, active: true });
    }

    async function latestCategoryDay(person: Tracked): Promise<string> {
      const [{ latest }] = await h.db.query(`SELECT to_char(max(valid_from), 'YYYY-MM-DD') AS latest FROM person_category WHERE person_id = $1`, [person.id]);
      return latest ?? person.birth;
    }

    const assess = (person: Tracked) =>
      ok(
        `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`,
        {
          id: person.id,
          input: {
            level: random.pick(LEVELS),
            assessedOn: randomDay(later(person.birth, '2022-01-01')),
            validMonths: random.pick([1, 3, 6, 6, 12, 36]),
            assessor: '第三方评估机构',
          },
        },
        adminOf(person.village).token,
      );

    for (let batch = 0; batch < BATCHES; batch++) {
      for (let op = 0; op < OPERATIONS_PER_BATCH; op++) {
        const roll = random.next();
        const active = people.filter((p) => p.active);
        if (people.length < 8 || roll < 0.28) {
          await registerOne();
        } else if (roll < 0.46) {
          // Often on the earliest day allowed: a category closed later than that and opened again then
          // has overlapping records, which must count once.
          const person = random.pick(people);
          const latest = await latestCategoryDay(person);
          const on = random.next() < 0.4 ? latest : randomDay(latest);
          await ok(
            `mutation($id: ID!, $categories: [CategoryInput!]!, $on: Date) { setPersonCategories(id: $id, categories: $categories, on: $on) { id } }`,
            { id: person.id, categories: randomCategories(), on },
            adminOf(person.village).token,
          );
        } else if (roll < 0.68) {
          await assess(random.pick(people));
        } else if (roll < 0.76 && active.length > 0) {
          const person = random.pick(active);
          await ok(
            `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`,
            { id: person.id, status: random.pick(['MOVED_AWAY', 'DECEASED']), on: randomDay(later(person.birth, FIRST_DAY)) },
            adminOf(person.village).token,
          );
          person.active = false;
        } else if (roll < 0.9) {
          // A move within the province, sometimes with a new residence day, sometimes without any.
          const person = random.pick(people);
          const to = random.pick(villages.filter((v) => v.slice(0, 2) === person.village.slice(0, 2)));
          const residentSince = random.next() < 0.7 ? randomDay(later(person.birth, FIRST_DAY)) : null;
          await ok(
            `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`,
            { id: person.id, input: { name: '迁居老人', hukouCode: person.village, villageCode: to, residentSince } },
            adminOf(person.village).token,
          );
          person.village = to;
        } else if (roll < 0.95) {
          // Writers on distinct people at once: they share ancestors and must queue, not deadlock. (Three:
          // each holds a connection of the server's pool of four for its transaction and reads outside it.)
          const group = [...new Set(Array.from({ length: 3 }, () => random.pick(people)))];
          await Promise.all(group.map((person) => assess(person)));
        } else {
          // Refused changes leave the counts alone: a second death, an assessment before birth.
          const before = await peopleRows();
          const person = random.pick(people);
          const res = person.active
            ? await h.gql(
                `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`,
                { id: person.id, input: { level: 'MILD', assessedOn: dayOf(dayNumber(person.birth) - 1), assessor: '评估员' } },
                adminOf(person.village).token,
              )
            : await h.gql(
                `mutation($id: ID!) { recordPersonStatus(id: $id, status: DECEASED) { id } }`,
                { id: person.id },
                adminOf(person.village).token,
              );
          expect(errorCodes(res)).toEqual([person.active ? 'BAD_USER_INPUT' : 'CONFLICT']);
          expect(await peopleRows()).toEqual(before);
          rejected++;
        }
      }

      // Today; past days (random, and birthdays and expiries that fell on them); days to come (the
      // next decade birthdays, the days after validUntils, and a few years out).
      const registry = await readRegistry();
      const decadeBirthdays = registry.people.flatMap((p) =>
        [60, 70, 80, 90, 100].map((years) => `${String(Number(p.birth.slice(0, 4)) + years)}${p.birth.slice(4) === '-02-29' ? '-03-01' : p.birth.slice(4)}`),
      );
      const expiries = registry.assessments.map((a) => dayOf(dayNumber(a.validUntil) + 1));
      const past = (days: string[]) => days.filter((d) => d <= today);
      const future = (days: string[]) => days.filter((d) => d > today && d < '2060-01-01');
      const some = (candidates: string[], n: number) => (candidates.length > 0 ? Array.from({ length: n }, () => random.pick(candidates)) : []);
      const days = [
        today,
        FIRST_DAY,
        ...Array.from({ length: 3 }, () => randomDay(FIRST_DAY)),
        ...some(past(decadeBirthdays), 2),
        ...some(past(expiries), 1),
        ...some(future(decadeBirthdays), 2),
        ...some(future(expiries), 1),
        dayOf(dayNumber(today) + 1 + random.int(3650)),
      ];
      for (const day of days) {
        const expected = sorted(expectedCounts(registry, nodeCodes, day));
        expect([day, sorted(await storedCounts(day))]).toEqual([day, expected]);
        expect([day, sorted(await readCounts(day))]).toEqual([day, expected]);
      }
      // The month and year sums are those of the day rows, and no row is left at zero.
      const [{ mismatches }] = await h.db.query(
        `WITH sums AS (
           SELECT node_id, key, g.grain, g.start, sum(delta) AS delta FROM rollup_change
           CROSS JOIN LATERAL (VALUES ('year', date_trunc('year', day::timestamp)::date), ('month', date_trunc('month', day::timestamp)::date)) AS g (grain, start)
           WHERE key LIKE 'people:%' GROUP BY 1, 2, 3, 4 HAVING sum(delta) <> 0
         )
         SELECT count(*)::int AS mismatches FROM sums s FULL JOIN rollup_change_period p USING (node_id, key, grain, start)
         WHERE s.delta IS DISTINCT FROM p.delta`,
      );
      expect(mismatches).toBe(0);
      const [{ zeros }] = await h.db.query(
        `SELECT (SELECT count(*) FROM rollup_change WHERE delta = 0) + (SELECT count(*) FROM rollup_change_period WHERE delta = 0) AS zeros`,
      );
      expect(Number(zeros)).toBe(0);
    }

    // The API answers from the same figures; the repair path rebuilds exactly what the live path kept.
    const registry = await readRegistry();
    const day = randomDay(FIRST_DAY);
    const res = await h.gql(
      `query($day: Date) { jurisdiction(code: "32") { live: peopleCounts { total byAgeBand { band count } } past: peopleCounts(asOf: $day) { total byAbility { level count } } } }`,
      { day },
      admins['32'].token,
    );
    expect(res.errors).toBeUndefined();
    const todays = expectedCounts(registry, ['32'], today);
    const pasts = expectedCounts(registry, ['32'], day);
    expect(res.data.jurisdiction.live.total).toBe(todays.get('32|people:total') ?? 0);
    for (const { band, count } of res.data.jurisdiction.live.byAgeBand) expect([band, count]).toEqual([band, todays.get(`32|people:age:${band}`) ?? 0]);
    expect(res.data.jurisdiction.past.total).toBe(pasts.get('32|people:total') ?? 0);
    for (const { level, count } of res.data.jurisdiction.past.byAbility) expect([level, count]).toEqual([level, pasts.get(`32|people:ability:${level}`) ?? 0]);

    const live = await peopleRows();
    await rebuildRollups(h.db);
    expect(await peopleRows()).toEqual(live);
    expect(registry.people.length).toBeGreaterThan(60);
    expect(registry.people.some((p) => p.status !== 'ACTIVE')).toBe(true);
    expect(rejected).toBeGreaterThan(0);
  });
});
