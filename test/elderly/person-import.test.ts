import { Client } from 'pg';
import { Role } from '../../src/kernel/actor';
import { MAX_IMPORT_ROWS } from '../../src/elderly/person-csv';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, type GraphQLResponse, TABLES, useHarness } from '../support/harness';

const h = useHarness();

const IMPORT = `mutation($input: ImportPeopleInput!) {
  importPeople(input: $input) { dryRun rows imported rejectedRows rejected { line field code message } }
}`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;

// SMALL_TREE: 江都区 (321012) with 仙女镇's 东苑社区 and 龙川社区 and 小纪镇's 小纪村; 宝应县 beside it; 北京 far away.
const VILLAGE = '321012100001';
const OTHER_VILLAGE = '321012100002';
const RURAL_VILLAGE = '321012101200';
const SIBLING_COUNTY_VILLAGE = '321023100001';
const BEIJING_VILLAGE = '110101001001';

const idOf = (first17: string) => first17 + nationalIdCheck(first17);
/** A valid national ID first registered in 江都区, born on `birth` (YYYYMMDD); an odd sequence is a man's. */
const nid = (sequence: number, birth = '19440301') => idOf(`321012${birth}${String(sequence).padStart(3, '0')}`);
/** How the API shows an ID: the first and last four characters. */
const masked = (id: string) => `${id[0]}${'*'.repeat(17)}`;

const HEADER = 'nationalId,name,villageCode,hukouCode';
const FULL_HEADER =
  'nationalId,name,phone,address,villageCode,hukouCode,residentSince,livingSituations,ownMonthlyIncome,householdMonthlyIncome,categories';
/** A minimal row under HEADER: the person lives in `village` and is registered (户籍) there. */
const minimal = (id: string, name: string, village = VILLAGE) => `${id},${name},${village},${village}`;
const csvOf = (...lines: string[]) => `${lines.join('\n')}\n`;

let staff: TestUser;

beforeEach(async () => {
  await insertJurisdictions(h.db, SMALL_TREE);
  staff = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
});

function importPeople(csv: string, options: { goodRowsOnly?: boolean; dryRun?: boolean } = {}, token = staff.token): Promise<GraphQLResponse> {
  return h.gql(IMPORT, { input: { csv, ...options } }, token);
}

/** The outcome, having checked the request itself succeeded. */
async function imported(csv: string, options: { goodRowsOnly?: boolean; dryRun?: boolean } = {}, token = staff.token) {
  const res = await importPeople(csv, options, token);
  expect(res.errors).toBeUndefined();
  return res.data.importPeople as {
    dryRun: boolean;
    rows: number;
    imported: number;
    rejectedRows: number;
    rejected: { line: number; field: string | null; code: string; message: string }[];
  };
}

/** Where and why rows were refused, without the messages. */
const refusals = (outcome: { rejected: { line: number; field: string | null; code: string }[] }) =>
  outcome.rejected.map(({ line, field, code }) => ({ line, field, code }));

const people = () =>
  h.db.query(
    `SELECT p.national_id AS "nationalId", p.name, p.sex, to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate", p.phone, p.address,
            v.code AS village, j.code AS hukou, to_char(p.resident_since, 'YYYY-MM-DD') AS "residentSince",
            p.living_situations::text[] AS "livingSituations", p.own_monthly_income_fen::int AS own,
            p.household_monthly_income_fen::int AS household, p.status, p.created_by AS "createdBy"
     FROM person p JOIN jurisdiction v ON v.id = p.village_id JOIN jurisdiction j ON j.id = p.hukou_jurisdiction_id
     ORDER BY p.national_id`,
  );

const categories = () =>
  h.db.query(
    `SELECT p.national_id AS "nationalId", c.category, c.disability_grade AS grade, to_char(c.valid_from, 'YYYY-MM-DD') AS "validFrom",
            c.valid_to AS "validTo", c.recorded_by AS "recordedBy"
     FROM person_category c JOIN person p ON p.id = c.person_id ORDER BY p.national_id, c.category::text`,
  );

const nationalIds = async () => (await people()).map((p: { nationalId: string }) => p.nationalId);

/** Every row of every table the registry and its neighbours keep, but the audit trail. */
async function everyTable(): Promise<Record<string, unknown[]>> {
  const state: Record<string, unknown[]> = {};
  for (const { table } of TABLES) {
    if (table === 'audit_entry') continue;
    state[table] = (await h.db.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`)).map((r: { row: unknown }) => r.row);
  }
  return state;
}

const COUNTY_COUNTS = `query($asOf: Date) { jurisdiction(code: "321012") { peopleCounts(asOf: $asOf) { total byCategory { category count } } } }`;

/** 江都区's people counts as the staff reads them, today or as of the end of a past day: the total and the categories that count anyone. */
async function countyCounts(asOf: string | null = null): Promise<{ total: number; categories: Record<string, number> }> {
  const res = await h.gql(COUNTY_COUNTS, { asOf }, staff.token);
  expect(res.errors).toBeUndefined();
  const { total, byCategory } = res.data.jurisdiction.peopleCounts;
  return { total, categories: Object.fromEntries(byCategory.filter((c: any) => c.count > 0).map((c: any) => [c.category, c.count])) };
}

/** Registers one person through registerPerson, so that the counts hold someone before an import. */
async function registerOne(nationalId: string): Promise<void> {
  const res = await h.gql(REGISTER, { input: { nationalId, name: '已登记', villageCode: VILLAGE, hukouCode: VILLAGE } }, staff.token);
  expect(res.errors).toBeUndefined();
}

const importEntries = () =>
  h.db.query(
    `SELECT a.action, a.outcome, a.error_code AS "errorCode", a.actor_username AS actor, a.actor_role AS role, j.code AS jurisdiction,
            a.target_type AS "targetType", a.target_ids AS "targetIds", a.detail
     FROM audit_entry a LEFT JOIN jurisdiction j ON j.id = a.jurisdiction_id WHERE a.action LIKE 'person.import%' ORDER BY a.id`,
  );

describe('importing people from CSV', () => {
  it('registers every row with the facts registerPerson would store, categories from today, and one audit entry with the counts', async () => {
    const [a, b, c] = [nid(1, '19440301'), nid(2, '19500615'), nid(3, '19381120')];
    const csv = csvOf(
      FULL_HEADER,
      `${a},王大明,13812345678,东苑路1号,${VILLAGE},${VILLAGE},2001-05-01,ALONE,600,570,MINIMUM_LIVING_ALLOWANCE`,
      `${b},李秀英,0514-86881234,,${RURAL_VILLAGE},321012,,EMPTY_NEST;LEFT_BEHIND,,,DISABILITY:2;LOW_INCOME`,
      `${c},张三,,,${OTHER_VILLAGE},110101,,,,,`,
    );
    expect(await imported(csv)).toEqual({ dryRun: false, rows: 3, imported: 3, rejectedRows: 0, rejected: [] });

    const today = todayInChina();
    const common = { status: 'ACTIVE', createdBy: staff.id };
    // Birth date and sex come from the ID: sequences 001 and 003 are men, 002 a woman.
    const expected = [
      {
        nationalId: a,
        name: '王大明',
        sex: 'MALE',
        birthDate: '1944-03-01',
        phone: '13812345678',
        address: '东苑路1号',
        village: VILLAGE,
        hukou: VILLAGE,
        residentSince: '2001-05-01',
        livingSituations: ['ALONE'],
        own: 60000,
        household: 57000,
        ...common,
      },
      {
        nationalId: b,
        name: '李秀英',
        sex: 'FEMALE',
        birthDate: '1950-06-15',
        phone: '0514-86881234',
        address: null,
        village: RURAL_VILLAGE,
        hukou: '321012',
        residentSince: null,
        livingSituations: ['EMPTY_NEST', 'LEFT_BEHIND'],
        own: null,
        household: null,
        ...common,
      },
      // 户籍 may lie anywhere in the tree, even outside the caller's subtree.
      {
        nationalId: c,
        name: '张三',
        sex: 'MALE',
        birthDate: '1938-11-20',
        phone: null,
        address: null,
        village: OTHER_VILLAGE,
        hukou: '110101',
        residentSince: null,
        livingSituations: [],
        own: null,
        household: null,
        ...common,
      },
    ];
    expect(await people()).toEqual(expected.sort((x, y) => x.nationalId.localeCompare(y.nationalId)));
    expect(await categories()).toEqual([
      { nationalId: a, category: 'MINIMUM_LIVING_ALLOWANCE', grade: null, validFrom: today, validTo: null, recordedBy: staff.id },
      { nationalId: b, category: 'DISABILITY', grade: 2, validFrom: today, validTo: null, recordedBy: staff.id },
      { nationalId: b, category: 'LOW_INCOME', grade: null, validFrom: today, validTo: null, recordedBy: staff.id },
    ]);
    // The county counts exactly the people imported, in their categories from today; of them only
    // 王大明 lived there in 2010 (resident since 2001), and in no category yet.
    expect(await countyCounts()).toEqual({ total: 3, categories: { MINIMUM_LIVING_ALLOWANCE: 1, DISABILITY: 1, LOW_INCOME: 1 } });
    expect(await countyCounts('2010-01-01')).toEqual({ total: 1, categories: {} });

    const ids = (await h.db.query(`SELECT id::text AS id FROM person ORDER BY id`)).map((r: { id: string }) => r.id);
    expect(await importEntries()).toEqual([
      {
        action: 'person.import',
        outcome: 'SUCCESS',
        errorCode: null,
        actor: staff.username,
        role: Role.CIVIL_AFFAIRS_STAFF,
        jurisdiction: '321012',
        targetType: 'Person',
        targetIds: ids,
        detail: { rows: 3, imported: 3, rejectedRows: 0, goodRowsOnly: false, dryRun: false },
      },
    ]);
  });

  it('reads the file as Excel saves it: a BOM, CRLF, quoted commas, quotes and line breaks, Chinese headers and names', async () => {
    const [a, b, c] = [nid(11), nid(12), nid(13)];
    const text =
      '\uFEFF身份证号,姓名,联系电话,住址,村居代码,户籍地代码,居住起始日期,居住状况,本人月收入,家庭月人均收入,困难类别\r\n' +
      // A quoted name with doubled quotes, a quoted address with a comma and a line break (lines 2 and 3).
      `${a},"王""大""明",138 1234 5678,"东苑路1号,2单元\r\n301室",${VILLAGE},${VILLAGE},2001/5/1,独居、空巢,"1234.5",600,低保、残疾：二级\r\n` +
      // Line 4: full-width parentheses, an empty quoted address, a town as 户籍.
      `${b},李秀英,,"",${RURAL_VILLAGE},321012101,,留守,0.05,,特困人员（分散供养）\r\n` +
      // Line 5 is blank, and line 6 only commas, as spreadsheets leave them: neither is a row.
      '\r\n,,,,,,,,,,\r\n' +
      // Line 7: a bad phone, so that the line count is checked past the quoted line break and the blank lines.
      `${c},张三,12345,,${VILLAGE},${VILLAGE},,,,,\r\n`;
    const outcome = await imported(text, { goodRowsOnly: true });
    expect(outcome).toMatchObject({ dryRun: false, rows: 3, imported: 2, rejectedRows: 1 });
    expect(refusals(outcome)).toEqual([{ line: 7, field: 'phone', code: 'BAD_PHONE' }]);

    const stored = await people();
    expect(stored.map((p: { nationalId: string }) => p.nationalId)).toEqual([a, b]);
    // Line breaks inside a quoted field are stored as \n, whatever the file used.
    expect(stored[0]).toMatchObject({
      name: '王"大"明',
      phone: '13812345678',
      address: '东苑路1号,2单元\n301室',
      residentSince: '2001-05-01',
      livingSituations: ['ALONE', 'EMPTY_NEST'],
      own: 123450,
      household: 60000,
    });
    expect(stored[1]).toMatchObject({ name: '李秀英', address: null, hukou: '321012101', livingSituations: ['LEFT_BEHIND'], own: 5, household: null });
    expect((await categories()).map(({ nationalId, category, grade }: any) => ({ nationalId, category, grade }))).toEqual([
      { nationalId: a, category: 'DISABILITY', grade: 2 },
      { nationalId: a, category: 'MINIMUM_LIVING_ALLOWANCE', grade: null },
      { nationalId: b, category: 'EXTREME_POVERTY_DISPERSED', grade: null },
    ]);
  });

  it('converts yuan to fen exactly, to the fen, and refuses amounts that are not yuan with at most 2 decimals', async () => {
    // Each amount with the fen it is: the digits joined, never a float (19.99 × 100 is 1998.9999999999998 in floating point).
    const good: [string, number][] = [
      ['600', 60000],
      ['1234.5', 123450],
      ['1234.56', 123456],
      ['0.05', 5],
      ['0.1', 10],
      ['19.99', 1999],
      ['4.35', 435],
      ['007.50', 750],
      ['0', 0],
      ['1000000', 100000000],
    ];
    const bad = ['12.345', '-5', '"1,234"', '1000000.01', '¥600', '1e3', '.5', '6 00'];
    const lines = [
      'nationalId,name,villageCode,hukouCode,ownMonthlyIncome,householdMonthlyIncome',
      ...good.map(([yuan], i) => `${nid(100 + i)},老人${i},${VILLAGE},${VILLAGE},${yuan},${yuan}`),
      ...bad.map((yuan, i) => `${nid(200 + i)},老人${i},${VILLAGE},${VILLAGE},${yuan},`),
    ];
    const outcome = await imported(csvOf(...lines), { goodRowsOnly: true });
    expect(outcome).toMatchObject({ rows: good.length + bad.length, imported: good.length, rejectedRows: bad.length });
    // The header is line 1, the good rows lines 2 to 11, the bad ones from line 12.
    expect(refusals(outcome)).toEqual(bad.map((_, i) => ({ line: 2 + good.length + i, field: 'ownMonthlyIncome', code: 'BAD_AMOUNT' })));
    const stored = new Map((await people()).map((p: any) => [p.nationalId, [p.own, p.household]]));
    expect(Object.fromEntries(good.map(([yuan], i) => [yuan, stored.get(nid(100 + i))]))).toEqual(
      Object.fromEntries(good.map(([yuan, fen]) => [yuan, [fen, fen]])),
    );
  });

  it('refuses national IDs that are not valid (length, check digit, birth date, province, a spreadsheet number), never showing one in full', async () => {
    const first17 = '32101219440301005';
    const check = nationalIdCheck(first17);
    const wrongCheck = `${first17}${check === '0' ? '1' : '0'}`;
    const nextYear = Number(todayInChina().slice(0, 4)) + 1;
    const rows = [
      wrongCheck,
      // 30 February, with the check digit right for those digits.
      idOf('32101219440230006'),
      idOf(`321012${nextYear}0101007`),
      idOf('99101219440301008'),
      first17,
      '3.21012E+17',
      '',
    ];
    const outcome = await imported(csvOf(HEADER, ...rows.map((id, i) => minimal(id, `老人${i}`))));
    expect(outcome).toMatchObject({ dryRun: false, rows: rows.length, imported: 0, rejectedRows: rows.length });
    expect(refusals(outcome)).toEqual(rows.map((_, i) => ({ line: i + 2, field: 'nationalId', code: 'BAD_NATIONAL_ID' })));
    const messages = outcome.rejected.map((r) => r.message);
    expect(messages[0]).toMatch(/check digit/);
    expect(messages[1]).toMatch(/impossible birth date/);
    expect(messages[2]).toMatch(/future/);
    expect(messages[3]).toMatch(/province/);
    expect(messages[4]).toMatch(/18 characters/);
    expect(messages[5]).toMatch(/format the column as text/);
    for (const id of rows.filter((r) => r.length === 18)) expect(JSON.stringify(outcome)).not.toContain(id);
    expect(await people()).toEqual([]);
  });

  it('refuses division codes that are malformed, unknown, or (for the village) not a village', async () => {
    const rows = [
      `${nid(1)},甲,32101210000,${VILLAGE}`,
      `${nid(2)},乙,321012100999,${VILLAGE}`,
      `${nid(3)},丙,321012100,${VILLAGE}`,
      `${nid(4)},丁,${VILLAGE},321012999999`,
      `${nid(5)},戊,${VILLAGE},32-10`,
      `${nid(6)},己,3.21012E+11,${VILLAGE}`,
      `${nid(7)},庚,,`,
    ];
    const outcome = await imported(csvOf(HEADER, ...rows));
    expect(refusals(outcome)).toEqual([
      { line: 2, field: 'villageCode', code: 'BAD_CODE' },
      { line: 3, field: 'villageCode', code: 'BAD_CODE' },
      { line: 4, field: 'villageCode', code: 'BAD_CODE' },
      { line: 5, field: 'hukouCode', code: 'BAD_CODE' },
      { line: 6, field: 'hukouCode', code: 'BAD_CODE' },
      { line: 7, field: 'villageCode', code: 'BAD_CODE' },
      { line: 8, field: 'villageCode', code: 'BAD_CODE' },
      { line: 8, field: 'hukouCode', code: 'BAD_CODE' },
    ]);
    const message = (line: number, field: string) => outcome.rejected.find((r) => r.line === line && r.field === field)!.message;
    expect(message(2, 'villageCode')).toMatch(/division code/);
    expect(message(3, 'villageCode')).toMatch(/321012100999 does not exist/);
    expect(message(4, 'villageCode')).toMatch(/village or community/);
    expect(message(5, 'hukouCode')).toMatch(/321012999999 is not a jurisdiction/);
    expect(await people()).toEqual([]);
  });

  it('refuses villages outside the caller’s subtree as OUT_OF_SCOPE, alike whether or not the code exists', async () => {
    const rows = [
      minimal(nid(1), '甲', SIBLING_COUNTY_VILLAGE),
      minimal(nid(2), '乙', BEIJING_VILLAGE),
      // Outside the subtree and no such village anywhere: the same answer.
      `${nid(3)},丙,321023100999,${VILLAGE}`,
      minimal(nid(4), '丁', VILLAGE),
    ];
    const outcome = await imported(csvOf(HEADER, ...rows), { goodRowsOnly: true });
    expect(outcome).toMatchObject({ rows: 4, imported: 1, rejectedRows: 3 });
    expect(refusals(outcome)).toEqual([2, 3, 4].map((line) => ({ line, field: 'villageCode', code: 'OUT_OF_SCOPE' })));
    expect(new Set(outcome.rejected.map((r) => r.message)).size).toBe(1);
    expect(await nationalIds()).toEqual([nid(4)]);
  });

  it('lets a village worker import into their own village only', async () => {
    const worker = await createUser(h.db, VILLAGE, [Role.VILLAGE_WORKER]);
    const csv = csvOf(HEADER, minimal(nid(1), '本村', VILLAGE), minimal(nid(2), '邻村', OTHER_VILLAGE), minimal(nid(3), '外镇', RURAL_VILLAGE));

    const whole = await imported(csv, {}, worker.token);
    expect(whole).toMatchObject({ rows: 3, imported: 0, rejectedRows: 2 });
    expect(refusals(whole)).toEqual([3, 4].map((line) => ({ line, field: 'villageCode', code: 'OUT_OF_SCOPE' })));
    expect(await people()).toEqual([]);

    const good = await imported(csv, { goodRowsOnly: true }, worker.token);
    expect(good).toMatchObject({ rows: 3, imported: 1, rejectedRows: 2 });
    expect(await people()).toEqual([expect.objectContaining({ nationalId: nid(1), village: VILLAGE, createdBy: worker.id })]);
  });

  it('refuses the later line of a national ID given twice, naming the earlier line, the ID masked (a lowercase x is the same ID)', async () => {
    const withX = Array.from({ length: 200 }, (_, i) => nid(i + 1, '19450101')).find((id) => id.endsWith('X'))!;
    const other = nid(301);
    const rows = [minimal(withX, '甲'), minimal(other, '乙'), minimal(`${withX.slice(0, 17)}x`, '甲又一次'), minimal(other, '乙又一次')];
    const outcome = await imported(csvOf(HEADER, ...rows));
    expect(outcome).toMatchObject({ rows: 4, imported: 0, rejectedRows: 2 });
    expect(outcome.rejected).toEqual([
      { line: 4, field: 'nationalId', code: 'DUPLICATE_IN_FILE', message: `the national ID ${masked(withX)} is on line 2 too` },
      { line: 5, field: 'nationalId', code: 'DUPLICATE_IN_FILE', message: `the national ID ${masked(other)} is on line 3 too` },
    ]);
    expect(await people()).toEqual([]);
  });

  it('refuses people registered already, inside or outside the caller’s subtree, without saying where', async () => {
    const [inside, outside, fresh] = [nid(1), idOf('11010119400301001'), nid(3)];
    expect((await h.gql(REGISTER, { input: { nationalId: inside, name: '已登记', villageCode: RURAL_VILLAGE, hukouCode: RURAL_VILLAGE } }, staff.token)).errors).toBeUndefined();
    const beijing = await createUser(h.db, '110101', [Role.CIVIL_AFFAIRS_STAFF]);
    expect(
      (await h.gql(REGISTER, { input: { nationalId: outside, name: '北京老人', villageCode: BEIJING_VILLAGE, hukouCode: BEIJING_VILLAGE } }, beijing.token)).errors,
    ).toBeUndefined();

    const outcome = await imported(csvOf(HEADER, minimal(inside, '甲'), minimal(outside, '乙'), minimal(fresh, '丙')), { goodRowsOnly: true });
    expect(outcome).toMatchObject({ rows: 3, imported: 1, rejectedRows: 2 });
    expect(outcome.rejected).toEqual([
      { line: 2, field: 'nationalId', code: 'ALREADY_REGISTERED', message: `a person with the national ID ${masked(inside)} is already registered` },
      { line: 3, field: 'nationalId', code: 'ALREADY_REGISTERED', message: `a person with the national ID ${masked(outside)} is already registered` },
    ]);
    const text = JSON.stringify(outcome);
    for (const secret of [inside, outside, BEIJING_VILLAGE, '110101', '北京', '多福巷', RURAL_VILLAGE, '小纪']) expect(text).not.toContain(secret);
    // Being told an ID is registered confirms it in full: audited as an unmasked read of each of the two.
    const registered = await h.db.query(`SELECT id::text FROM person WHERE national_id = ANY($1) ORDER BY id`, [[inside, outside]]);
    expect(
      await h.db.query(`SELECT actor_username, target_ids, detail FROM audit_entry WHERE action = 'person.unmask' ORDER BY target_ids[1]::int`),
    ).toEqual(registered.map(({ id }: { id: string }) => ({ actor_username: staff.username, target_ids: [id], detail: { fields: ['nationalId'] } })));
    // The registered people are as they were; the new one is in.
    expect((await people()).map((p: any) => [p.nationalId, p.name])).toEqual(
      [
        [inside, '已登记'],
        [outside, '北京老人'],
        [fresh, '丙'],
      ].sort((x, y) => x[0].localeCompare(y[0])),
    );
  });

  it('checks name, phone, days, living situations and categories by registerPerson’s rules, each bad field reported', async () => {
    const tomorrow = new Date(Date.parse(`${todayInChina()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const header = 'nationalId,name,phone,villageCode,hukouCode,residentSince,livingSituations,categories';
    const line = (i: number, cells: { name?: string; phone?: string; since?: string; living?: string; categories?: string }) =>
      [nid(i), cells.name ?? `老人${i}`, cells.phone ?? '', VILLAGE, VILLAGE, cells.since ?? '', cells.living ?? '', cells.categories ?? ''].join(',');
    const rows = [
      line(1, { name: '' }),
      line(2, { name: '名'.repeat(51) }),
      line(3, { phone: '12345' }),
      line(4, { since: '1930-01-01' }),
      line(5, { since: tomorrow }),
      line(6, { since: '2020-02-30' }),
      line(7, { since: '20200101' }),
      line(8, { living: '独居;很好' }),
      line(9, { categories: 'DISABILITY' }),
      line(10, { categories: '残疾:5' }),
      line(11, { categories: '低保:2' }),
      line(12, { categories: '低保;MINIMUM_LIVING_ALLOWANCE' }),
      line(13, { categories: '富裕' }),
      // Two bad fields: both reported, in column order.
      line(14, { phone: '0000', since: '2020-13-01' }),
      `${line(15, {})},多出来的`,
      line(16, { name: '名'.repeat(50), phone: '010-12345678', since: '1990/1/1', living: 'alone', categories: 'disability:4' }),
    ];
    const outcome = await imported(csvOf(header, ...rows), { goodRowsOnly: true });
    expect(outcome).toMatchObject({ rows: 16, imported: 1, rejectedRows: 15 });
    expect(refusals(outcome)).toEqual([
      { line: 2, field: 'name', code: 'BAD_TEXT' },
      { line: 3, field: 'name', code: 'BAD_TEXT' },
      { line: 4, field: 'phone', code: 'BAD_PHONE' },
      { line: 5, field: 'residentSince', code: 'BAD_DATE' },
      { line: 6, field: 'residentSince', code: 'BAD_DATE' },
      { line: 7, field: 'residentSince', code: 'BAD_DATE' },
      { line: 8, field: 'residentSince', code: 'BAD_DATE' },
      { line: 9, field: 'livingSituations', code: 'BAD_VALUE' },
      { line: 10, field: 'categories', code: 'BAD_VALUE' },
      { line: 11, field: 'categories', code: 'BAD_VALUE' },
      { line: 12, field: 'categories', code: 'BAD_VALUE' },
      { line: 13, field: 'categories', code: 'BAD_VALUE' },
      { line: 14, field: 'categories', code: 'BAD_VALUE' },
      { line: 15, field: 'phone', code: 'BAD_PHONE' },
      { line: 15, field: 'residentSince', code: 'BAD_DATE' },
      { line: 16, field: null, code: 'BAD_ROW' },
    ]);
    const message = (line: number) => outcome.rejected.find((r) => r.line === line)!.message;
    expect(message(5)).toMatch(/must not be before the birth date$/);
    expect(message(6)).toMatch(/after today/);
    expect(message(10)).toMatch(/disabilityGrade: must be 1 to 4 for DISABILITY/);
    expect(message(12)).toMatch(/applies to DISABILITY only/);
    expect(message(13)).toMatch(/MINIMUM_LIVING_ALLOWANCE is listed twice/);
    expect(await people()).toEqual([
      expect.objectContaining({ nationalId: nid(16), phone: '010-12345678', residentSince: '1990-01-01', livingSituations: ['ALONE'] }),
    ]);
    expect((await categories()).map(({ category, grade }: any) => ({ category, grade }))).toEqual([{ category: 'DISABILITY', grade: 4 }]);
  });
});

describe('all or nothing, good rows only, dry runs', () => {
  const GOOD = [nid(1), nid(2), nid(3)];
  const BAD_LINE = 4;
  const FILE = csvOf(
    'nationalId,name,villageCode,hukouCode,phone,categories',
    `${GOOD[0]},甲,${VILLAGE},${VILLAGE},,低保`,
    `${GOOD[1]},乙,${OTHER_VILLAGE},${VILLAGE},13800001111,残疾:1`,
    `${nid(4)},丁,${VILLAGE},${VILLAGE},12345,低保`,
    `${GOOD[2]},丙,${RURAL_VILLAGE},${RURAL_VILLAGE},,`,
  );
  const REFUSED = [{ line: BAD_LINE, field: 'phone', code: 'BAD_PHONE' }];

  it('writes nothing by default when one row is bad, lists it, and records the refusal', async () => {
    await registerOne(nid(9));
    const before = await everyTable();
    const outcome = await imported(FILE);
    expect(outcome).toMatchObject({ dryRun: false, rows: 4, imported: 0, rejectedRows: 1 });
    expect(refusals(outcome)).toEqual(REFUSED);
    expect(await everyTable()).toEqual(before);
    // The people counts did not move: the one person registered before, and no one else.
    expect(await countyCounts()).toEqual({ total: 1, categories: {} });
    expect(await importEntries()).toEqual([
      expect.objectContaining({
        action: 'person.import',
        outcome: 'FAILURE',
        errorCode: 'BAD_USER_INPUT',
        // No one was registered: the entry names the subtree the file was meant for, the caller's.
        targetType: 'Jurisdiction',
        targetIds: ['321012'],
        detail: { rows: 4, imported: 0, rejectedRows: 1, goodRowsOnly: false, dryRun: false },
      }),
    ]);
  });

  it('imports exactly the good rows with goodRowsOnly, with their categories', async () => {
    const outcome = await imported(FILE, { goodRowsOnly: true });
    expect(outcome).toMatchObject({ dryRun: false, rows: 4, imported: 3, rejectedRows: 1 });
    expect(refusals(outcome)).toEqual(REFUSED);
    expect(await nationalIds()).toEqual([...GOOD].sort());
    expect((await categories()).map(({ nationalId, category, grade }: any) => ({ nationalId, category, grade }))).toEqual([
      { nationalId: GOOD[0], category: 'MINIMUM_LIVING_ALLOWANCE', grade: null },
      { nationalId: GOOD[1], category: 'DISABILITY', grade: 1 },
    ]);
    // Counted: the three good rows, not the refused one (丁, 低保).
    expect(await countyCounts()).toEqual({ total: 3, categories: { MINIMUM_LIVING_ALLOWANCE: 1, DISABILITY: 1 } });
    const [entry] = await importEntries();
    expect(entry).toMatchObject({ action: 'person.import', outcome: 'SUCCESS', detail: { rows: 4, imported: 3, rejectedRows: 1, goodRowsOnly: true, dryRun: false } });
    expect(entry.targetIds).toHaveLength(3);
  });

  it.each([false, true])('checks and reports without writing on a dry run (goodRowsOnly: %s)', async (goodRowsOnly) => {
    await registerOne(nid(9));
    const before = await everyTable();
    const outcome = await imported(FILE, { goodRowsOnly, dryRun: true });
    expect(outcome).toMatchObject({ dryRun: true, rows: 4, imported: 0, rejectedRows: 1 });
    expect(refusals(outcome)).toEqual(REFUSED);
    expect(await everyTable()).toEqual(before);
    expect(await countyCounts()).toEqual({ total: 1, categories: {} });
    expect(await importEntries()).toEqual([
      expect.objectContaining({
        action: 'person.importCheck',
        outcome: 'SUCCESS',
        detail: { rows: 4, imported: 0, rejectedRows: 1, goodRowsOnly, dryRun: true },
      }),
    ]);
  });

  it('keeps a row registered meanwhile out by the unique constraint: all or nothing stays nothing, good rows only takes the rest', async () => {
    const [first, contested, last] = [nid(1), nid(2), nid(3)];
    const file = csvOf(HEADER, minimal(first, '甲'), minimal(contested, '乙'), minimal(last, '丙'));
    const other = new Client({ connectionString: h.databaseUrl });
    await other.connect();
    try {
      for (const goodRowsOnly of [false, true]) {
        await h.db.query(`DELETE FROM person`);
        // Someone registers the contested ID and has not committed when the import checks the registry.
        await other.query('BEGIN');
        await other.query(
          `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id)
           SELECT $1, '先登记', 'FEMALE', '1944-03-01', id, id FROM jurisdiction WHERE code = $2`,
          [contested, VILLAGE],
        );
        const pending = importPeople(file, { goodRowsOnly });
        // The import's insert waits on the uncommitted row; then the registration commits.
        const deadline = Date.now() + 10_000;
        for (;;) {
          const [{ waiting }] = (
            await other.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)
          ).rows;
          if (waiting > 0) break;
          if (Date.now() > deadline) throw new Error('the import never waited for the registration');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await other.query('COMMIT');

        const res = await pending;
        expect(res.errors).toBeUndefined();
        expect(res.data.importPeople).toEqual({
          dryRun: false,
          rows: 3,
          imported: goodRowsOnly ? 2 : 0,
          rejectedRows: 1,
          rejected: [{ line: 3, field: 'nationalId', code: 'ALREADY_REGISTERED', message: `a person with the national ID ${masked(contested)} is already registered` }],
        });
        const expected = goodRowsOnly ? [[first, '甲'], [contested, '先登记'], [last, '丙']] : [[contested, '先登记']];
        expect((await people()).map((p: any) => [p.nationalId, p.name])).toEqual(expected);
      }
    } finally {
      await other.query('ROLLBACK').catch(() => undefined);
      await other.end();
    }
  });
});

describe('the file as a whole', () => {
  it.each([
    ['an unknown column', csvOf(`${HEADER},remarks`, `${minimal(nid(1), '甲')},备注`), /unknown column "remarks"/],
    ['a missing required column', csvOf('nationalId,name,villageCode', `${nid(1)},甲,${VILLAGE}`), /missing column hukouCode \(户籍地代码\)/],
    ['a column named twice', csvOf(`${HEADER},身份证号`, `${minimal(nid(1), '甲')},${nid(1)}`), /names nationalId .* twice/],
    ['an unclosed quote', csvOf(HEADER, `${nid(1)},"甲,${VILLAGE},${VILLAGE}`), /line 2: a quoted field is never closed/],
    ['a stray quote', csvOf(HEADER, `${nid(1)},王"甲",${VILLAGE},${VILLAGE}`), /line 2: a quote in a field must be doubled/],
    ['a value under a column with no name', csvOf(`${HEADER},`, `${minimal(nid(1), '甲')},备注`), /column 5 has no name in the header but line 2 has a value in it/],
    ['a header and no rows', csvOf(HEADER), /no rows/],
    ['nothing at all', '', /empty/],
    ['text that was not UTF-8', csvOf(HEADER, minimal(nid(1), '\uFFFD\uFFFD')), /CSV UTF-8/],
  ])('refuses %s with BAD_USER_INPUT on csv, writing nothing', async (_what, csv, message) => {
    const before = await everyTable();
    const res = await importPeople(csv);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe('csv');
    expect(res.errors![0].message).toMatch(message);
    expect(res.data?.importPeople ?? null).toBeNull();
    expect(await everyTable()).toEqual(before);
  });

  it('takes a column with no name that stays empty, as spreadsheets save one after the last', async () => {
    const outcome = await imported(csvOf(`${HEADER},,`, `${minimal(nid(1), '甲')},,`, `${minimal(nid(2), '乙')},`));
    expect(outcome).toEqual({ dryRun: false, rows: 2, imported: 2, rejectedRows: 0, rejected: [] });
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows as LIMIT_EXCEEDED before checking any`, async () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `x${i},y,z,w`);
    const res = await importPeople(csvOf(HEADER, ...rows));
    expect(errorCodes(res)).toEqual(['LIMIT_EXCEEDED']);
    expect(res.errors![0].extensions.field).toBe('csv');
    expect(res.errors![0].message).toContain(String(MAX_IMPORT_ROWS + 1));
    expect(await people()).toEqual([]);
  });

  it('is refused at the edge for a role without EDIT_PEOPLE', async () => {
    const assessor = await createUser(h.db, '321012', [Role.ASSESSOR]);
    const res = await importPeople(csvOf(HEADER, minimal(nid(1), '甲')), {}, assessor.token);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(await people()).toEqual([]);
  });
});

describe('SQL statements per import', () => {
  it('imports 200 rows with categories in as many statements as 5', async () => {
    const file = (count: number, offset: number) =>
      csvOf(
        `${HEADER},categories`,
        ...Array.from({ length: count }, (_, i) => {
          const village = [VILLAGE, OTHER_VILLAGE, RURAL_VILLAGE][i % 3];
          return `${minimal(nid(offset + i, '19400101'), `老人${i}`, village)},低保、残疾:${(i % 4) + 1}`;
        }),
      );
    await forgetCaches(h);
    const five = await importPeople(file(5, 1));
    await forgetCaches(h);
    const twoHundred = await importPeople(file(200, 101));
    expect(five.errors).toBeUndefined();
    expect(twoHundred.errors).toBeUndefined();
    expect(five.data.importPeople.imported).toBe(5);
    expect(twoHundred.data.importPeople.imported).toBe(200);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM person_category`);
    expect(n).toBe(2 * 205);
    expect(await countyCounts()).toEqual({ total: 205, categories: { MINIMUM_LIVING_ALLOWANCE: 205, DISABILITY: 205 } });
    // The sign-in lookup; START TRANSACTION; the codes of the file in one batch; the IDs already
    // registered; the people with their categories; the new people's facts for the people counts;
    // the counts' day rows; their month and year sums; the audit entry; COMMIT.
    expect(five.extensions?.sqlStatements).toBe(10);
    expect(twoHundred.extensions?.sqlStatements).toBe(five.extensions?.sqlStatements);
  });
});
