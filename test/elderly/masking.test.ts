import { Role } from '../../src/kernel/actor';
import { ageOn, nationalIdCheck } from '../../src/elderly/national-id';
import { addMonths, isDay, thisMonthInChina, todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { useHarness } from '../support/harness';

const h = useHarness();

const VILLAGE = '321012100001';
const TODAY = todayInChina();
// The people of one village: born on a leap day, with an X check character, women and men, one with 户籍 in the town.
const FIRST17 = ['32101219440229001', '32101219500615002', '32101219381120003', '32101219551231004', '32101219620101015'];
const HUKOU = [VILLAGE, VILLAGE, '321012100', VILLAGE, '321012'];
const idOf = (first17: string) => first17 + nationalIdCheck(first17);
// Entitlements can be asked for any month: a year of month-end ages tells the month of the birthday.
const MONTHS = Array.from({ length: 13 }, (_, i) => addMonths(thisMonthInChina(), -i));

/** Everything about a person that a reader sees without unmasking. */
interface Visible {
  nationalId: string;
  birthDate: string | null;
  sex: 'MALE' | 'FEMALE';
  age: number;
  hukou: { code: string };
  village: { code: string };
  monthEndAges: { referenceDay: string; age: number }[];
}

const READ = `query {
  people(first: 50) { edges { node { id nationalId birthDate sex age hukou { code } village { code } phone address } } }
}`;
const ENTITLEMENT_AGES = `query($id: ID!) { ${MONTHS.map((m, i) => `m${i}: entitlement(personId: $id, month: "${m}") { referenceDay age }`).join(' ')} }`;

/** What `reader` can learn of everyone in their village without asking for anything unmasked. */
async function gather(reader: TestUser): Promise<Map<string, Visible>> {
  const people = await h.gql(READ, {}, reader.token);
  expect(people.errors).toBeUndefined();
  const visible = new Map<string, Visible>();
  for (const { node } of people.data.people.edges) {
    const ages = await h.gql(ENTITLEMENT_AGES, { id: node.id }, reader.token);
    expect(ages.errors).toBeUndefined();
    visible.set(node.id, { ...node, monthEndAges: Object.values(ages.data) });
  }
  return visible;
}

function* daysOfYears(from: number, to: number): Generator<string> {
  for (let t = Date.UTC(from, 0, 1); t < Date.UTC(to + 1, 0, 1); t += 86_400_000) yield new Date(t).toISOString().slice(0, 10);
}

/**
 * Every national ID that agrees with what is visible, on the most a reader could assume: the region
 * is the 户籍's county, the birth date is any day that gives the ages seen, the sequence number has
 * the parity of the sex, and the check character follows from the rest.
 */
function consistentIds(v: Visible): string[] {
  const region = v.hukou.code.slice(0, 6);
  const birthDates = v.birthDate
    ? [v.birthDate]
    : [...daysOfYears(Number(TODAY.slice(0, 4)) - v.age - 1, Number(TODAY.slice(0, 4)) - v.age)].filter(
        (day) => day <= TODAY && ageOn(day, TODAY) === v.age && v.monthEndAges.every((m) => day <= m.referenceDay && ageOn(day, m.referenceDay) === m.age),
      );
  const ids: string[] = [];
  for (const birthDate of birthDates) {
    for (let sequence = v.sex === 'MALE' ? 1 : 0; sequence < 1000; sequence += 2) {
      const first17 = `${region}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
      const id = first17 + nationalIdCheck(first17);
      if ([...v.nationalId].every((c, i) => c === '*' || c === id[i])) ids.push(id);
    }
  }
  return ids;
}

async function setUp() {
  await insertJurisdictions(h.db, SMALL_TREE);
  const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
  const ids = new Map<string, string>();
  for (const [i, first17] of FIRST17.entries()) {
    const res = await h.gql(
      `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
      {
        input: {
          nationalId: idOf(first17),
          name: `老人${i + 1}`,
          phone: `1381234567${i}`,
          address: `江苏省扬州市江都区仙女镇东苑路${i + 1}号`,
          villageCode: VILLAGE,
          hukouCode: HUKOU[i],
          residentSince: '2001-05-01',
        },
      },
      staff.token,
    );
    expect(res.errors).toBeUndefined();
    ids.set(res.data.registerPerson.id, idOf(first17));
  }
  // A village worker reads the village's people masked (and could unmask them, audited).
  const reader = await createUser(h.db, VILLAGE, [Role.VILLAGE_WORKER]);
  return { ids, reader };
}

const unmaskEntries = () => h.db.query(`SELECT id FROM audit_entry WHERE action = 'person.unmask'`);

describe('a masked person does not determine their national ID', () => {
  it('leaves at least 500 IDs consistent with every field a reader sees without unmasking, even given the exact birth date', async () => {
    const { ids, reader } = await setUp();
    const visible = await gather(reader);
    expect([...visible.keys()].sort()).toEqual([...ids.keys()].sort());
    const counts: Record<string, { visible: number; givenBirthDate: number }> = {};
    for (const [id, v] of visible) {
      const truth = ids.get(id)!;
      const candidates = consistentIds(v);
      // The reckoning is sound: the real ID is among the candidates.
      expect(candidates).toContain(truth);
      const birthDate = `${truth.slice(6, 10)}-${truth.slice(10, 12)}-${truth.slice(12, 14)}`;
      counts[truth] = { visible: candidates.length, givenBirthDate: consistentIds({ ...v, birthDate }).length };
    }
    // The sequence number is never seen: 500 of its 1,000 values have the sex's parity.
    for (const count of Object.values(counts)) {
      expect(count.givenBirthDate).toBeGreaterThanOrEqual(500);
      // Withholding the birth date widens it: the ages seen leave a month of days at best.
      expect(count.visible).toBeGreaterThan(count.givenBirthDate);
    }
    expect(await unmaskEntries()).toEqual([]);
  });

  it('shows nothing of the ID but its first character, and no birth date', async () => {
    const { ids, reader } = await setUp();
    for (const [id, v] of await gather(reader)) {
      expect(v.nationalId).toBe(`${ids.get(id)![0]}${'*'.repeat(17)}`);
      expect(v.birthDate).toBeNull();
    }
  });

  it('gives the birth date unmasked only, audited as person.unmask', async () => {
    const { ids, reader } = await setUp();
    const [id, nationalId] = [...ids][0];
    const res = await h.gql(`query($id: ID!) { person(id: $id) { birthDate(unmasked: true) } }`, { id }, reader.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.person.birthDate).toBe(`${nationalId.slice(6, 10)}-${nationalId.slice(10, 12)}-${nationalId.slice(12, 14)}`);
    const entries = await h.db.query(`SELECT actor_username, target_ids, detail FROM audit_entry WHERE action = 'person.unmask'`);
    expect(entries).toEqual([{ actor_username: reader.username, target_ids: [id], detail: { fields: ['birthDate'] } }]);
  });

  it('names neither the birth date nor the ID in refusals and their audit entries', async () => {
    const { ids, reader } = await setUp();
    const [id, nationalId] = [...ids][0];
    const birthDate = `${nationalId.slice(6, 10)}-${nationalId.slice(10, 12)}-${nationalId.slice(12, 14)}`;
    const early = '1901-01-01';
    expect(isDay(early) && early < birthDate).toBe(true);
    const attempts: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!) { recordPersonStatus(id: $id, status: DECEASED, on: "${early}") { id } }`, { id }],
      [`mutation($id: ID!) { setPersonCategories(id: $id, categories: [{ category: LOW_INCOME }], on: "${early}") { id } }`, { id }],
      [`mutation($id: ID!) { updatePerson(id: $id, input: { name: "老人", villageCode: "${VILLAGE}", hukouCode: "${VILLAGE}", residentSince: "${early}" }) { id } }`, { id }],
      [`mutation($csv: String!) { importPeople(input: { csv: $csv, dryRun: true }) { rejected { field code message } } }`, {
        csv: `nationalId,name,villageCode,hukouCode\n${nationalId},老人,${VILLAGE},${VILLAGE}\n`,
      }],
    ];
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF], 'assessing-staff');
    const answers = [];
    for (const [query, variables] of attempts) answers.push(await h.gql(query, variables, reader.token));
    answers.push(
      await h.gql(
        `mutation($id: ID!) { recordAbilityAssessment(personId: $id, input: { level: INTACT, assessedOn: "${early}", assessor: "评估员" }) { id } }`,
        { id },
        staff.token,
      ),
    );
    for (const answer of answers.slice(0, 3).concat(answers.slice(4))) {
      expect(answer.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    expect(answers[3].data.importPeople.rejected).toEqual([expect.objectContaining({ field: 'nationalId', code: 'ALREADY_REGISTERED' })]);
    // A dry run that confirms a typed ID is a registered person's is an unmasked read of that ID, audited as one.
    expect(await h.db.query(`SELECT actor_username, target_ids, detail FROM audit_entry WHERE action = 'person.unmask'`)).toEqual([
      { actor_username: reader.username, target_ids: [id], detail: { fields: ['nationalId'] } },
    ]);
    const audit: { detail: unknown }[] = await h.db.query(`SELECT detail FROM audit_entry`);
    expect(audit.length).toBeGreaterThanOrEqual(answers.length);
    const said = [
      ...answers.flatMap((answer) => (answer.errors ?? []).map((e) => e.message)),
      ...answers[3].data.importPeople.rejected.map((r: { message: string }) => r.message),
      ...audit.map((row) => JSON.stringify(row.detail)),
    ];
    expect(said.length).toBeGreaterThan(answers.length);
    // Neither the birth date (either way written) nor the ID, nor the tail that a mask used to show.
    for (const secret of [birthDate, birthDate.replace(/-/g, ''), nationalId, nationalId.slice(-4)]) {
      expect(said.filter((text) => text.includes(secret))).toEqual([]);
    }
  });
});
