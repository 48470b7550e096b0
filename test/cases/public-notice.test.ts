import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { ageOn, nationalIdCheck } from '../../src/elderly/national-id';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';
import type { TestUser } from '../support/factories';
import { caseWorld, DECIDE, FILE, OBJECT, ok, registerPerson, stepBeganOn, type CaseWorld } from './support';

const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const VILLAGE = '321012100001';
const SIBLING = '321012100002';
const LIST = `query($under: String, $on: Date) { publicNotices(under: $under, on: $on) {
  village { code name } on offices { code name }
  entries { caseId name sex age nationalId schemes step posted minWorkingDays earliestPass dueDate office { code name } } } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;

// The 深圳 template (seed 004 篇五): 初審 in 10 working days «(含公示時間)», then the 張榜公佈 of at least 5.
// Posted on Friday 26 September 2025, before 国庆 (国办发明电〔2024〕12号: 1–8 October off, Sunday 28
// September and Saturday 11 October worked): day 0 is the 26th; 28 Sep (1), 29 Sep (2), 30 Sep (3),
// 9 Oct (4), 10 Oct (5): it may pass from Friday 10 October. Filed the same day, 初審 is due on
// 16 October (docs/cases.md), and the notice counted within it no later.
const POSTED = '2025-09-26';
const EARLIEST_PASS = '2025-10-10';
const DUE = '2025-10-16';

let w: CaseWorld;
let key = 0;
let women = 0;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

/** A woman born on `birthDate` with her 户籍 at `village`, registered by `user`. */
async function registerWoman(user: TestUser, village: string, birthDate: string, name: string): Promise<{ id: string; nationalId: string }> {
  const first17 = `321012${birthDate.replace(/-/g, '')}${String(200 + 2 * (women += 1))}`;
  const nationalId = first17 + nationalIdCheck(first17);
  const input = { nationalId, name, villageCode: village, hukouCode: village, residentSince: '2000-01-01' };
  return { id: (await ok(h, REGISTER, { input }, user)).registerPerson.id, nationalId };
}

/** Files for the person on POSTED and passes 初審: the case is on notice, posted on POSTED. */
async function onNotice(personId: string, filer: TestUser): Promise<{ id: string; currentStep: { position: number } }> {
  const filed = (await ok(h, FILE, { input: { personId, schemeIds: [w.schemeId], receivedOn: POSTED } }, filer)).fileApplication;
  key += 1;
  const passed = (await ok(h, DECIDE, { input: { caseId: filed.id, action: 'PASS', step: 1, idempotencyKey: `n${key}` } }, filer)).decideCase;
  expect(passed.currentStep).toMatchObject({ position: 2, kind: 'PUBLIC_NOTICE' });
  await stepBeganOn(h, passed.id, POSTED);
  return passed;
}

const download = (p: string, token?: string) => fetch(`${h.url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('publicNotices: a village’s 公示 list on a day (seed 004 篇二/篇五 「張榜公佈,接受監督」, 篇四 「公示時間不少於5個工作日」)', () => {
  it('lists who is posted, for what and for how long, with the age on the day, the ID masked and the office objections go to', async () => {
    expect(SEED_004).toContain('社區工作站須將申請人的有關情況張榜公佈,接受監督');
    expect(SEED_004).toContain('村(社區)對申辦服務對象進行公示,公示時間不少於5個工作日');
    const man = await onNotice(w.personId, w.worker);
    // Born 5 October 1950: 74 when posted, 75 from her birthday during the notice.
    const woman = await registerWoman(w.worker, VILLAGE, '1950-10-05', '李秀英');
    const hers = await onNotice(woman.id, w.worker);
    const office = { code: VILLAGE, name: '东苑社区居委会' };
    const entry = {
      schemes: ['居家养老服务补贴'],
      step: '張榜公佈',
      posted: POSTED,
      minWorkingDays: 5,
      earliestPass: EARLIEST_PASS,
      dueDate: DUE,
      office,
    };
    const on = async (day: string, user = w.worker) => (await ok(h, LIST, { under: VILLAGE, on: day }, user)).publicNotices;

    const first = await on('2025-10-01');
    expect(first).toEqual([
      {
        village: office,
        on: '2025-10-01',
        offices: [office],
        entries: [
          // The applicant of the world: born 1 March 1940, a man (an odd sequence number).
          { caseId: man.id, name: expect.stringMatching(/^申请人/), sex: 'MALE', age: 85, nationalId: '3*****************', ...entry },
          { caseId: hers.id, name: '李秀英', sex: 'FEMALE', age: 74, nationalId: '3*****************', ...entry },
        ],
      },
    ]);
    expect((await on('2025-10-05'))[0].entries[1].age).toBe(75);
    // Not yet posted the day before; the town and the county see the same list under their node.
    expect(await on('2025-09-25')).toEqual([]);
    expect(await ok(h, LIST, { under: '321012', on: '2025-10-01' }, w.county)).toEqual({ publicNotices: first });
    expect(await ok(h, LIST, { under: '321012100', on: '2025-10-01' }, w.townStaff)).toEqual({ publicNotices: first });
    // Default: today, and the caller's home.
    expect((await ok(h, `{ publicNotices { village { code } entries { caseId } } }`, {}, w.worker)).publicNotices).toEqual([
      { village: { code: VILLAGE }, entries: [{ caseId: man.id }, { caseId: hers.id }] },
    ]);
  });

  it('drops a case once its notice has passed, and a case an objection (异议) sends back to review', async () => {
    const passes = await onNotice(w.personId, w.worker);
    const objected = await onNotice(await registerPerson(h, w.worker), w.worker);
    const stays = await onNotice(await registerPerson(h, w.worker), w.worker);
    const ids = async () => (await ok(h, LIST, { under: VILLAGE }, w.worker)).publicNotices.flatMap((l: any) => l.entries.map((e: any) => e.caseId));
    expect(await ids()).toEqual([passes.id, objected.id, stays.id]);

    const passed = (await ok(h, DECIDE, { input: { caseId: passes.id, action: 'PASS', step: 2, idempotencyKey: 'pass-notice' } }, w.worker)).decideCase;
    expect(passed.currentStep).toMatchObject({ position: 3, kind: 'TOWN_REVIEW' });
    const back = (await ok(h, OBJECT, { caseId: objected.id, receivedOn: '2025-10-02', summary: '有村民反映其子女收入较高' }, w.worker)).recordObjection;
    expect(back.currentStep).toMatchObject({ position: 1, kind: 'VILLAGE_REVIEW' });
    expect(await ids()).toEqual([stays.id]);
  });

  it('refuses the caller without READ_CASES, and any village out of the subtree, existing or not, alike (FORBIDDEN)', async () => {
    await onNotice(w.personId, w.worker);
    const refusals: [TestUser, string | null][] = [
      [w.analyst, '321012'],
      [w.analyst, null],
      [w.siblingWorker, VILLAGE],
      [w.siblingWorker, '321012100099'],
      [w.otherCounty, VILLAGE],
      [w.otherCounty, '321012999999'],
    ];
    for (const [user, under] of refusals) {
      const res = await h.gql(LIST, { under }, user.token);
      expect([user.username, under, errorCodes(res), res.data?.publicNotices ?? null]).toEqual([user.username, under, ['FORBIDDEN'], null]);
    }
    const bad = await h.gql(LIST, { under: '3210121' }, w.county.token);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0].extensions.field).toBe('under');
  });

  it('shows no more of an ID than its mask: name, sex, masked ID and the ages of every day of the notice leave at least 500 IDs', async () => {
    // Her birthday falls inside the notice, so the days of the list pin her birth date; the sequence number stays hidden.
    const woman = await registerWoman(w.worker, VILLAGE, '1950-10-05', '王桂兰');
    await onNotice(woman.id, w.worker);
    const seen: { day: string; sex: string; age: number; nationalId: string }[] = [];
    for (let t = Date.UTC(2025, 8, 26); t <= Date.UTC(2025, 9, 16); t += 86_400_000) {
      const day = new Date(t).toISOString().slice(0, 10);
      const [list] = (await ok(h, LIST, { under: VILLAGE, on: day }, w.worker)).publicNotices;
      seen.push({ day, ...list.entries[0] });
    }
    const consistent: string[] = [];
    for (let t = Date.UTC(1949, 0, 1); t < Date.UTC(1952, 0, 1); t += 86_400_000) {
      const birth = new Date(t).toISOString().slice(0, 10);
      if (!seen.every((s) => ageOn(birth, s.day) === s.age)) continue;
      for (let sequence = seen[0].sex === 'MALE' ? 1 : 0; sequence < 1000; sequence += 2) {
        const first17 = `321012${birth.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
        const id = first17 + nationalIdCheck(first17);
        if (seen.every((s) => [...s.nationalId].every((c, i) => c === '*' || c === id[i]))) consistent.push(id);
      }
    }
    expect(consistent).toContain(woman.nationalId);
    expect(consistent.length).toBeGreaterThanOrEqual(500);
  });

  it('reads the lists of 1 or of 8 people in 2 villages in the same number of statements', async () => {
    await onNotice(w.personId, w.worker);
    const under = { under: '321012', on: '2025-10-01' };
    await h.gql(LIST, under, w.county.token);
    await forgetCaches(h);
    const one = await h.gql(LIST, under, w.county.token);
    expect(one.data!.publicNotices.flatMap((l: any) => l.entries)).toHaveLength(1);
    for (let i = 0; i < 4; i += 1) await onNotice(await registerPerson(h, w.worker), w.worker);
    for (let i = 0; i < 3; i += 1) await onNotice(await registerPerson(h, w.siblingWorker, SIBLING), w.siblingWorker);
    await forgetCaches(h);
    const eight = await h.gql(LIST, under, w.county.token);
    expect(eight.data!.publicNotices.map((l: any) => [l.village.code, l.entries.length])).toEqual([[VILLAGE, 5], [SIBLING, 3]]);
    expect(eight.extensions!.sqlStatements).toBe(one.extensions!.sqlStatements);
  });
  it('answers up to 5,000 people on notice below a node and refuses more, naming `under`', async () => {
    const first = await onNotice(w.personId, w.worker);
    // 4,999 more people of the village, each with a case on the same notice as the first (copied by hand).
    await h.db.query(
      `WITH p AS (
         INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, resident_since)
         SELECT '3210121940030' || lpad(i::text, 5, '0'), '公示' || i, 'MALE', '1940-03-01', village_id, hukou_jurisdiction_id, resident_since
         FROM person, generate_series(1, 4999) AS i WHERE id = $1 RETURNING id)
       INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, step_position, step_began, step_due,
         acting_node_id, acting_code, step_capability, filed_on, filed_by, filed_as_role, filer)
       SELECT p.id, c.village_id, c.village_code, c.procedure_id, c.state, c.step_position, c.step_began, c.step_due, c.acting_node_id,
         c.acting_code, c.step_capability, c.filed_on, c.filed_by, c.filed_as_role, c.filer
       FROM p, application_case c WHERE c.id = $2`,
      [w.personId, first.id],
    );
    const all = await ok(h, `query($on: Date) { publicNotices(under: "321012", on: $on) { entries { caseId } } }`, { on: '2025-10-01' }, w.county);
    expect(all.publicNotices[0].entries).toHaveLength(5000);
    await onNotice(await registerPerson(h, w.siblingWorker, SIBLING), w.siblingWorker);
    const more = await h.gql(LIST, { under: '321012', on: '2025-10-01' }, w.county.token);
    expect(errorCodes(more)).toEqual(['BAD_USER_INPUT']);
    expect(more.errors![0].extensions.field).toBe('under');
    // The village alone still answers.
    expect((await ok(h, LIST, { under: SIBLING, on: '2025-10-01' }, w.county)).publicNotices[0].entries).toHaveLength(1);
  });
});

describe('GET /exports/public-notices/<villageCode>.xlsx|csv: the notice to print and post', () => {
  it('prints the title, the period, where objections go and the table on A4 landscape, the header on every page', async () => {
    const man = await onNotice(w.personId, w.worker);
    const woman = await registerWoman(w.worker, VILLAGE, '1950-10-05', '李秀英');
    await onNotice(woman.id, w.worker);
    const [{ entries }] = (await ok(h, LIST, { under: VILLAGE, on: '2025-10-01' }, w.worker)).publicNotices;

    const xlsx = await download(`/exports/public-notices/${VILLAGE}.xlsx?on=2025-10-01`, w.worker.token);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe(
      `attachment; filename="public-notice-${VILLAGE}-2025-10-01.xlsx"; filename*=UTF-8''${encodeURIComponent('东苑社区居委会-养老服务补贴申请公示-2025-10-01.xlsx')}`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const sheet = workbook.worksheets[0];
    const rows = Array.from(sheet.getSheetValues() as unknown[][], (row) => (row ?? []).slice(1));
    expect(rows[1]).toEqual(['东苑社区居委会养老服务补贴申请公示']);
    expect(rows[3]).toEqual([`公示期：${POSTED} 起，不少于 5 个工作日（${EARLIEST_PASS} 前不期满）`]);
    expect(rows[4]).toEqual([`如有异议，请在公示期内向东苑社区居委会（${VILLAGE}）提出，并说明理由。`]);
    const header = rows.findIndex((row) => row[0] === '序号');
    expect(rows[header]).toEqual(['序号', '姓名', '性别', '年龄', '公民身份号码', '申请补贴项目', '张贴日期', '最早期满日', '办结期限', '受理异议单位']);
    expect(rows.slice(header + 1)).toEqual([
      [1, entries[0].name, '男', 85, '3*****************', '居家养老服务补贴', POSTED, EARLIEST_PASS, DUE, '东苑社区居委会'],
      [2, '李秀英', '女', 74, '3*****************', '居家养老服务补贴', POSTED, EARLIEST_PASS, DUE, '东苑社区居委会'],
    ]);
    expect(entries[0].caseId).toBe(man.id);
    // A4 (paper size 9), landscape, one page wide, the header row repeated on every printed page.
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, printTitlesRow: `${header}:${header}` });
    // Nothing is unmasked, so the download writes no unmask entry.
    expect(await h.db.query(`SELECT action FROM audit_entry WHERE action = 'person.unmask'`)).toEqual([]);

    const csv = Buffer.from(await (await download(`/exports/public-notices/${VILLAGE}.csv?on=2025-10-01`, w.worker.token)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8').split('\r\n')).toEqual([
      '序号,姓名,性别,年龄,公民身份号码,申请补贴项目,张贴日期,最早期满日,办结期限,受理异议单位',
      `1,${entries[0].name},男,85,3*****************,居家养老服务补贴,${POSTED},${EARLIEST_PASS},${DUE},东苑社区居委会`,
      `2,李秀英,女,74,3*****************,居家养老服务补贴,${POSTED},${EARLIEST_PASS},${DUE},东苑社区居委会`,
      '',
    ]);
  });

  it('refuses as the API does, in JSON: 401, 403 out of the subtree (existing or not) and without READ_CASES, 400, 404', async () => {
    await onNotice(w.personId, w.worker);
    const refusals: [string, TestUser | null, number, string, string?][] = [
      [`/exports/public-notices/${VILLAGE}.xlsx`, null, 401, 'UNAUTHENTICATED'],
      [`/exports/public-notices/${VILLAGE}.xlsx`, w.analyst, 403, 'FORBIDDEN'],
      [`/exports/public-notices/${VILLAGE}.xlsx`, w.siblingWorker, 403, 'FORBIDDEN'],
      [`/exports/public-notices/321012100099.xlsx`, w.siblingWorker, 403, 'FORBIDDEN'],
      [`/exports/public-notices/${VILLAGE}.csv`, w.otherCounty, 403, 'FORBIDDEN'],
      [`/exports/public-notices/321012999999.csv`, w.otherCounty, 403, 'FORBIDDEN'],
      [`/exports/public-notices/321012100099.xlsx`, w.county, 404, 'NOT_FOUND'],
      [`/exports/public-notices/321012100.xlsx`, w.county, 400, 'BAD_USER_INPUT', 'villageCode'],
      [`/exports/public-notices/32101210000x.xlsx`, w.county, 400, 'BAD_USER_INPUT', 'villageCode'],
      [`/exports/public-notices/${VILLAGE}.xlsx?on=2025-02-30`, w.county, 400, 'BAD_USER_INPUT', 'on'],
      [`/exports/public-notices/${VILLAGE}.pdf`, w.county, 404, 'NOT_FOUND'],
    ];
    for (const [p, user, status, code, field] of refusals) {
      const res = await download(p, user?.token);
      const body = (await res.json()) as any;
      expect([p, user?.username, res.status, body.errors[0].extensions.code, body.errors[0].extensions.field]).toEqual([p, user?.username, status, code, field]);
    }
    // A village of the subtree with no one on notice prints an empty list.
    const empty = await download(`/exports/public-notices/${SIBLING}.csv`, w.county.token);
    expect(empty.status).toBe(200);
    expect(Buffer.from(await empty.arrayBuffer()).toString('utf8').split('\r\n')).toEqual(['\uFEFF序号,姓名,性别,年龄,公民身份号码,申请补贴项目,张贴日期,最早期满日,办结期限,受理异议单位', '']);
  });
});
