import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { createUser, insertJurisdictions, SMALL_TREE } from '../support/factories';
import { useHarness } from '../support/harness';

const h = useHarness();

const VILLAGE = '321012100001';
const OTHER_VILLAGE = '321012100002';
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id nationalId phone address sex birthDate } }`;
const PERSON = `query($id: ID!, $unmasked: Boolean!) {
  person(id: $id) { id name nationalId(unmasked: $unmasked) birthDate(unmasked: $unmasked) phone(unmasked: $unmasked) address(unmasked: $unmasked) }
}`;
const PEOPLE = `query($unmasked: Boolean!) { people(first: 50) { totalCount edges { node { id nationalId(unmasked: $unmasked) phone(unmasked: $unmasked) } } } }`;

const ID_FIRST17 = ['32101219440301001', '32101219500615002', '32101219381120003'];
const idOf = (first17: string) => first17 + nationalIdCheck(first17);

async function setUp() {
  await insertJurisdictions(h.db, SMALL_TREE);
  const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
  const ids: string[] = [];
  for (const [i, first17] of ID_FIRST17.entries()) {
    const res = await h.gql(
      REGISTER,
      {
        input: {
          nationalId: idOf(first17),
          name: `老人${i + 1}`,
          phone: `1381234567${i}`,
          address: `江苏省扬州市江都区仙女镇东苑路${i + 1}号`,
          villageCode: VILLAGE,
          hukouCode: VILLAGE,
        },
      },
      staff.token,
    );
    expect(res.errors).toBeUndefined();
    ids.push(res.data.registerPerson.id);
  }
  return { staff, ids };
}

const unmaskEntries = () => h.db.query(`SELECT actor_username, target_type, target_ids, detail FROM audit_entry WHERE action = 'person.unmask' ORDER BY id`);

describe('personal data is masked by default', () => {
  it('reads ID number, phone and address masked and no birth date, with birth date and sex read from the ID', async () => {
    const { staff, ids } = await setUp();
    const res = await h.gql(PERSON, { id: ids[0], unmasked: false }, staff.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.person).toMatchObject({
      nationalId: '3*****************',
      birthDate: null,
      phone: '138****5670',
      address: '江苏省扬州市****',
    });
    const [registered] = await h.db.query(`SELECT sex, to_char(birth_date, 'YYYY-MM-DD') AS birth FROM person WHERE id = $1`, [ids[0]]);
    expect(registered).toEqual({ sex: 'MALE', birth: '1944-03-01' });
    expect(await unmaskEntries()).toEqual([]);
  });

  it('unmasks for civil-affairs staff and audits one entry per person read, naming the fields', async () => {
    const { staff, ids } = await setUp();
    const res = await h.gql(PEOPLE, { unmasked: true }, staff.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.people.edges.map((e: any) => e.node.nationalId)).toEqual(ID_FIRST17.map(idOf));
    const entries = await unmaskEntries();
    expect(entries).toHaveLength(3);
    expect(entries.map((e: any) => e.target_ids[0]).sort()).toEqual([...ids].sort());
    for (const entry of entries) {
      expect(entry).toMatchObject({ actor_username: staff.username, target_type: 'Person', detail: { fields: ['nationalId', 'phone'] } });
    }
  });

  it.each([
    ['an ANALYST', '321012', Role.ANALYST, 'FORBIDDEN'],
    ['a SERVICE_PROVIDER', '321012', Role.SERVICE_PROVIDER, 'FORBIDDEN'],
    ['a LEADERSHIP_OFFICE', '321012', Role.LEADERSHIP_OFFICE, 'FORBIDDEN'],
    ['a FINANCE bureau', '321012', Role.FINANCE, 'FORBIDDEN'],
    ['a VILLAGE_WORKER of another village', OTHER_VILLAGE, Role.VILLAGE_WORKER, 'FORBIDDEN'],
  ])('%s gets no personal data, masked or not, and leaves no unmask entry', async (_name, code, role, errorCode) => {
    const { ids } = await setUp();
    const user = await createUser(h.db, code, [role]);
    for (const unmasked of [false, true]) {
      const res = await h.gql(PERSON, { id: ids[0], unmasked }, user.token);
      expect(res.data?.person ?? null).toBeNull();
      expect(res.errors![0].extensions.code).toBe(errorCode);
    }
    const list = await h.gql(PEOPLE, { unmasked: true }, user.token);
    if (role === Role.VILLAGE_WORKER) expect(list.data.people.totalCount).toBe(0);
    else expect(list.errors![0].extensions.code).toBe('FORBIDDEN');
    expect(await unmaskEntries()).toEqual([]);
  });

  it('lets the village’s own worker unmask, audited', async () => {
    const { ids } = await setUp();
    const worker = await createUser(h.db, VILLAGE, [Role.VILLAGE_WORKER]);
    const res = await h.gql(PERSON, { id: ids[1], unmasked: true }, worker.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.person.phone).toBe('13812345671');
    expect(res.data.person.birthDate).toBe('1950-06-15');
    expect(await unmaskEntries()).toEqual([
      { actor_username: worker.username, target_type: 'Person', target_ids: [ids[1]], detail: { fields: ['address', 'birthDate', 'nationalId', 'phone'] } },
    ]);
  });
});

describe('a person out of reach', () => {
  // Every operation on a person by id, read or write, each naming the person its own way.
  const BY_ID: [string, string][] = [
    ['person', `query($id: ID!) { person(id: $id) { id } }`],
    ['updatePerson', `mutation($id: ID!) { updatePerson(id: $id, input: { name: "改名", hukouCode: "${VILLAGE}" }) { id } }`],
    ['setPersonCategories', `mutation($id: ID!) { setPersonCategories(id: $id, categories: []) { id } }`],
    ['recordPersonStatus', `mutation($id: ID!) { recordPersonStatus(id: $id, status: DECEASED) { id } }`],
    ['recordAbilityAssessment', `mutation($id: ID!) { recordAbilityAssessment(personId: $id, input: { level: MODERATE, assessor: "评估员甲" }) { id } }`],
    ['entitlement', `query($id: ID!) { entitlement(personId: $id, month: "2025-01") { amountFen } }`],
  ];

  it.each(BY_ID)('%s answers a missing id exactly as one living outside the subtree: FORBIDDEN, same message', async (_field, query) => {
    const { ids } = await setUp();
    const worker = await createUser(h.db, OTHER_VILLAGE, [Role.VILLAGE_WORKER, Role.ASSESSOR]);
    const outside = await h.gql(query, { id: ids[0] }, worker.token);
    const missing = await h.gql(query, { id: '999999' }, worker.token);
    expect(outside.errors).toHaveLength(1);
    expect(missing.errors).toHaveLength(1);
    const answer = (res: typeof outside) => ({ code: res.errors![0].extensions.code, message: res.errors![0].message });
    expect(answer(outside)).toEqual({ code: 'FORBIDDEN', message: 'No such person in your jurisdiction' });
    expect(answer(missing)).toEqual(answer(outside));
  });
});

describe('registering people', () => {
  const input = (overrides: object) => ({ nationalId: idOf(ID_FIRST17[0]), name: '老人', villageCode: VILLAGE, hukouCode: VILLAGE, ...overrides });

  it.each([
    ['a wrong check digit', { nationalId: `${ID_FIRST17[0]}${(Number(nationalIdCheck(ID_FIRST17[0])) + 1) % 10}` }, 'input.nationalId'],
    ['17 characters', { nationalId: ID_FIRST17[0] }, 'input.nationalId'],
    ['a town as the village', { villageCode: '321012100' }, 'input.villageCode'],
    ['an unknown 户籍 code', { hukouCode: '321012999999' }, 'input.hukouCode'],
    ['a bad phone', { phone: '12345' }, 'input.phone'],
    ['residence before birth', { residentSince: '1930-01-01' }, 'input.residentSince'],
    ['DISABILITY without a grade', { categories: [{ category: 'DISABILITY' }] }, 'input.categories[0].disabilityGrade'],
  ])('refuses %s with the field, writing nothing', async (_name, overrides, field) => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const res = await h.gql(REGISTER, { input: input(overrides) }, staff.token);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    const [{ n }] = await h.db.query(`SELECT (SELECT count(*) FROM person) + (SELECT count(*) FROM person_category) AS n`);
    expect(Number(n)).toBe(0);
  });

  it('refuses a second registration of the same ID as a conflict, and a village outside the subtree as forbidden', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    expect((await h.gql(REGISTER, { input: input({}) }, staff.token)).errors).toBeUndefined();
    const again = await h.gql(REGISTER, { input: input({ name: '又一位' }) }, staff.token);
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.nationalId' });
    const outside = await h.gql(REGISTER, { input: input({ nationalId: idOf(ID_FIRST17[1]), villageCode: '321023100001' }) }, staff.token);
    expect(outside.errors![0].extensions.code).toBe('FORBIDDEN');
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM person`);
    expect(n).toBe(1);
  });

  it('keeps the history of categories and dates assessments six months by default', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const created = await h.gql(
      REGISTER,
      { input: input({ categories: [{ category: 'MINIMUM_LIVING_ALLOWANCE' }], categoriesSince: '2023-01-01' }) },
      staff.token,
    );
    const id = created.data.registerPerson.id;
    const set = await h.gql(
      `mutation($id: ID!) { setPersonCategories(id: $id, categories: [{ category: DISABILITY, disabilityGrade: 2 }], on: "2024-06-15") { id } }`,
      { id },
      staff.token,
    );
    expect(set.errors).toBeUndefined();
    const assessed = await h.gql(
      `mutation($id: ID!) { recordAbilityAssessment(personId: $id, input: { level: MODERATE, assessedOn: "2024-08-31", assessor: "评估员甲" }) { id } }`,
      { id },
      staff.token,
    );
    expect(assessed.errors).toBeUndefined();
    const res = await h.gql(
      `query($id: ID!) { person(id: $id) {
        categories { category disabilityGrade validFrom validTo }
        categoryHistory { category validFrom validTo }
        assessments { level assessedOn validUntil assessor }
      } }`,
      { id },
      staff.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.person.categories).toEqual([{ category: 'DISABILITY', disabilityGrade: 2, validFrom: '2024-06-15', validTo: null }]);
    expect(res.data.person.categoryHistory).toEqual([
      { category: 'MINIMUM_LIVING_ALLOWANCE', validFrom: '2023-01-01', validTo: '2024-06-15' },
      { category: 'DISABILITY', validFrom: '2024-06-15', validTo: null },
    ]);
    // Six months from 31 August: February has no 31st, so it qualifies to the end of February.
    expect(res.data.person.assessments).toEqual([{ level: 'MODERATE', assessedOn: '2024-08-31', validUntil: '2025-02-28', assessor: '评估员甲' }]);
  });
});
