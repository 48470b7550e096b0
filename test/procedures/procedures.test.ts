import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { sharedCaches } from '../../src/db/shared-cache';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, smallTree, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness, type GraphQLResponse } from '../support/harness';

const h = useHarness();

// Seed 004 (深圳 篇二/篇五, 江都 篇四), the documents the templates follow.
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const STEP_FIELDS = 'position kind name level capability deadlineWorkingDays countedWithin minWorkingDays mayRefuse';
const PROCEDURE = `id jurisdiction { code } name source template usesIntakeWindows effectiveFrom effectiveTo steps { ${STEP_FIELDS} }`;
const DEFINE = `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { ${PROCEDURE} } }`;
const END = `mutation($id: ID!, $lastDay: Date!) { endReviewProcedure(id: $id, lastDay: $lastDay) { id effectiveTo } }`;
const IN_FORCE = `query($code: String!, $on: Date) { reviewProcedure(code: $code, on: $on) { on inherited procedure { ${PROCEDURE} } } }`;
const TEMPLATES = `{ reviewProcedureTemplates { key name source usesIntakeWindows settings steps { ${STEP_FIELDS} } } }`;
const OPEN = `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { id jurisdiction { code } name opens closes } }`;
const CLOSE = `mutation($id: ID!, $lastDay: Date!) { closeIntakeWindow(id: $id, lastDay: $lastDay) { id closes } }`;
const WINDOW = `query($code: String!, $on: Date) { intakeWindow(code: $code, on: $on) { open window { id name opens closes jurisdiction { code } } } }`;

function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
}

let jiangduAdmin: TestUser;
let baoyingAdmin: TestUser;
let villageWorker: TestUser;

async function ok<T = any>(query: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const rowCount = async (table: string): Promise<number> => Number((await h.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

function refusal(res: GraphQLResponse): { code: string; field: unknown } {
  expect(res.data?.defineReviewProcedure ?? null).toBeNull();
  return { code: errorCodes(res)[0], field: res.errors?.[0].extensions.field };
}

beforeEach(async () => {
  await smallTree(h.db);
  jiangduAdmin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  baoyingAdmin = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
  villageWorker = await createUser(h.db, '321012100001', [Role.VILLAGE_WORKER]);
});

describe('the templates', () => {
  it('quote their sources word for word from seed 004 and set what the documents say', async () => {
    const { reviewProcedureTemplates: templates } = await ok(TEMPLATES, {}, villageWorker.token);
    expect(templates.map((t: { key: string }) => t.key)).toEqual(['SHENZHEN', 'JIANGDU']);
    for (const template of templates) {
      const quotes = [...template.source.matchAll(/「([^」]+)」/g)].map((m) => m[1]);
      expect(quotes.length).toBeGreaterThanOrEqual(3);
      for (const quote of quotes) expect(SEED_004).toContain(quote);
    }
    const [shenzhen, jiangdu] = templates;
    // 「並在10個工作日內完成初審(含公示時間)」: the 公示 counts within the 10 days of 初審.
    expect(SEED_004).toContain('並在10個工作日內完成初審(含公示時間)');
    expect(shenzhen.steps.map((s: any) => [s.kind, s.level, s.deadlineWorkingDays, s.countedWithin, s.mayRefuse])).toEqual([
      ['VILLAGE_REVIEW', 'VILLAGE', 10, null, false],
      ['PUBLIC_NOTICE', 'VILLAGE', null, 1, false],
      // 「並在5個工作日內簽署複審意見,報區民政部門」
      ['TOWN_REVIEW', 'TOWN', 5, null, false],
      // 「在10個工作日內進行核准。…對不同意補助的,書面説明理由」
      ['COUNTY_APPROVAL', 'COUNTY', 10, null, true],
    ]);
    expect(shenzhen.steps[3].capability).toBe('APPROVE_CASES');
    expect(shenzhen.usesIntakeWindows).toBe(false);
    // 「公示時間不少於5個工作日」; no deadline for the village's 審核 or the town's 審批: unset, not invented.
    expect(SEED_004).toContain('公示時間不少於5個工作日');
    expect(jiangdu.steps.map((s: any) => [s.kind, s.level, s.deadlineWorkingDays, s.minWorkingDays, s.mayRefuse])).toEqual([
      ['VILLAGE_REVIEW', 'VILLAGE', null, null, false],
      ['TOWN_REVIEW', 'TOWN', null, null, true],
      ['FILING', 'COUNTY', null, null, false],
      ['ASSESSMENT', 'COUNTY', null, null, false],
      ['PUBLIC_NOTICE', 'VILLAGE', null, 5, false],
    ]);
    expect(jiangdu.steps[3].capability).toBe('ASSESS_PEOPLE');
    // 「新增對象每半年新增一次,做到集中申報、集中審批、集中評估」
    expect(SEED_004).toContain('集中申報、集中審批、集中評估');
    expect(jiangdu.usesIntakeWindows).toBe(true);
  });
});

describe('inheritance', () => {
  it('answers a node’s own procedure, else its nearest ancestor’s, on the day asked, across a new version', async () => {
    const county = (await ok(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, jiangduAdmin.token))
      .defineReviewProcedure;
    expect(county).toMatchObject({ jurisdiction: { code: '321012' }, template: 'JIANGDU', effectiveFrom: '2025-01-01', effectiveTo: null });
    const townSteps = [
      { kind: 'VILLAGE_REVIEW', name: '村審核', level: 'VILLAGE', capability: 'REVIEW_CASES', deadlineWorkingDays: 10, mayRefuse: false },
      { kind: 'TOWN_REVIEW', name: '鎮審批', level: 'TOWN', capability: 'REVIEW_CASES', deadlineWorkingDays: 5, mayRefuse: true },
    ];
    const town = (
      await ok(DEFINE, { input: { jurisdictionCode: '321012101', effectiveFrom: '2025-06-01', name: '小纪镇程序', source: '小纪镇 (test)', steps: townSteps } }, jiangduAdmin.token)
    ).defineReviewProcedure;

    const at = async (code: string, on: string) => (await ok(IN_FORCE, { code, on }, jiangduAdmin.token)).reviewProcedure;
    expect(await at('321012100001', '2025-03-01')).toMatchObject({ inherited: true, procedure: { id: county.id, jurisdiction: { code: '321012' } } });
    expect(await at('321012', '2025-03-01')).toMatchObject({ inherited: false, procedure: { id: county.id } });
    expect(await at('321012101200', '2025-05-31')).toMatchObject({ procedure: { id: county.id } });
    expect(await at('321012101200', '2025-06-01')).toMatchObject({ inherited: true, procedure: { id: town.id, name: '小纪镇程序' } });
    expect(await at('321012', '2024-12-31')).toBeNull();

    // A new version of the county's from a day to come ends the open one the day before.
    const from = addDays(todayInChina(), 30);
    const next = (await ok(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: 'SHENZHEN', name: '江都區新程序' } }, jiangduAdmin.token))
      .defineReviewProcedure;
    expect(await at('321012100001', addDays(from, -1))).toMatchObject({ procedure: { id: county.id, effectiveTo: addDays(from, -1) } });
    expect(await at('321012100001', from)).toMatchObject({ inherited: true, procedure: { id: next.id, name: '江都區新程序', effectiveTo: null } });
    // The town's own still wins below it.
    expect(await at('321012101200', from)).toMatchObject({ procedure: { id: town.id } });

    // A village worker reads the procedure its village follows: procedures are public rules.
    expect((await ok(IN_FORCE, { code: '321012100001', on: from }, villageWorker.token)).reviewProcedure.procedure.id).toBe(next.id);
    const listed = (await ok(`{ reviewProcedures(code: "321012") { id jurisdiction { code } effectiveFrom } }`, {}, jiangduAdmin.token)).reviewProcedures;
    expect(listed.map((p: any) => p.id)).toEqual([county.id, next.id, town.id]);
  });

  it('ends a version on a day, and refuses to end it again or before it starts', async () => {
    const from = addDays(todayInChina(), 10);
    const created = (await ok(DEFINE, { input: { jurisdictionCode: '321023', effectiveFrom: from, fromTemplate: 'SHENZHEN' } }, baoyingAdmin.token)).defineReviewProcedure;
    const last = addDays(from, 20);
    expect((await ok(END, { id: created.id, lastDay: last }, baoyingAdmin.token)).endReviewProcedure).toEqual({ id: created.id, effectiveTo: last });
    expect((await ok(IN_FORCE, { code: '321023100001', on: addDays(last, 1) }, baoyingAdmin.token)).reviewProcedure).toBeNull();
    const again = await h.gql(END, { id: created.id, lastDay: addDays(last, 5) }, baoyingAdmin.token);
    expect([errorCodes(again), again.errors?.[0].extensions.field]).toEqual([['CONFLICT'], 'lastDay']);
    const before = await h.gql(END, { id: created.id, lastDay: addDays(from, -1) }, baoyingAdmin.token);
    expect([errorCodes(before), before.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'lastDay']);
  });
});

const STEP = { kind: 'VILLAGE_REVIEW', name: '初審', level: 'VILLAGE', capability: 'REVIEW_CASES', deadlineWorkingDays: 10, mayRefuse: false };
const NOTICE = { kind: 'PUBLIC_NOTICE', name: '公示', level: 'VILLAGE', capability: 'REVIEW_CASES', minWorkingDays: 5, countedWithin: 1, mayRefuse: false };
const APPROVAL = { kind: 'COUNTY_APPROVAL', name: '核准', level: 'COUNTY', capability: 'APPROVE_CASES', deadlineWorkingDays: 10, mayRefuse: true };
const written = (steps: unknown[], extra: Record<string, unknown> = {}) => ({
  jurisdictionCode: '321023',
  effectiveFrom: '2025-01-01',
  name: '測試程序',
  source: '測試',
  steps,
  ...extra,
});

describe('validation', () => {
  it.each([
    ['no steps', written([]), 'input.steps'],
    ['no deciding step', written([STEP, NOTICE]), 'input.steps'],
    ['a public notice without its minimum', written([STEP, { ...NOTICE, minWorkingDays: null }, APPROVAL]), 'input.steps[1].minWorkingDays'],
    ['an inner minimum longer than the outer deadline', written([{ ...STEP, deadlineWorkingDays: 4 }, NOTICE, APPROVAL]), 'input.steps[1].minWorkingDays'],
    ['an inner deadline longer than the outer one', written([STEP, { ...NOTICE, deadlineWorkingDays: 11 }, APPROVAL]), 'input.steps[1].deadlineWorkingDays'],
    ['counted within a step without a deadline', written([{ ...STEP, deadlineWorkingDays: null }, NOTICE, APPROVAL]), 'input.steps[1].countedWithin'],
    ['counted within a later step', written([STEP, { ...NOTICE, countedWithin: 3 }, APPROVAL]), 'input.steps[1].countedWithin'],
    ['levels going back down', written([APPROVAL, STEP]), 'input.steps[1].level'],
    ['a village review at the town', written([{ ...STEP, level: 'TOWN' }, APPROVAL]), 'input.steps[0].level'],
    ['a step above the procedure’s own level', written([STEP, { ...APPROVAL, level: 'COUNTY' }], { jurisdictionCode: '321023100' }), 'input.steps[1].level'],
    ['an approval without APPROVE_CASES', written([STEP, { ...APPROVAL, capability: 'REVIEW_CASES' }]), 'input.steps[1].capability'],
    ['a notice that refuses', written([STEP, { ...NOTICE, mayRefuse: true }, APPROVAL]), 'input.steps[1].mayRefuse'],
    ['a deadline of 0', written([{ ...STEP, deadlineWorkingDays: 0 }, APPROVAL]), 'input.steps[0].deadlineWorkingDays'],
    ['an empty step name', written([{ ...STEP, name: ' ' }, APPROVAL]), 'input.steps[0].name'],
    ['no source', written([STEP, APPROVAL], { source: null }), 'input.source'],
    ['an unknown template', { jurisdictionCode: '321023', effectiveFrom: '2025-01-01', fromTemplate: 'NOWHERE' }, 'input.fromTemplate'],
    ['a template with steps', { jurisdictionCode: '321023', effectiveFrom: '2025-01-01', fromTemplate: 'SHENZHEN', steps: [STEP, APPROVAL] }, 'input.steps'],
    ['a template at a town (its county approval above it)', { jurisdictionCode: '321023100', effectiveFrom: '2025-01-01', fromTemplate: 'SHENZHEN' }, 'input.fromTemplate[3].level'],
  ])('refuses %s, naming the field and writing nothing', async (_case, input, field) => {
    const res = await h.gql(DEFINE, { input }, baoyingAdmin.token);
    expect(refusal(res)).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await rowCount('review_procedure')).toBe(0);
  });

  it('accepts the same steps once they are right', async () => {
    await ok(DEFINE, { input: written([STEP, NOTICE, APPROVAL]) }, baoyingAdmin.token);
    expect(await rowCount('review_procedure')).toBe(1);
  });

  it('refuses a new version that starts in the past once the node has one', async () => {
    await ok(DEFINE, { input: written([STEP, APPROVAL]) }, baoyingAdmin.token);
    const res = await h.gql(DEFINE, { input: written([STEP, APPROVAL], { effectiveFrom: '2025-02-01' }) }, baoyingAdmin.token);
    expect(refusal(res)).toEqual({ code: 'BAD_USER_INPUT', field: 'input.effectiveFrom' });
    expect(await rowCount('review_procedure')).toBe(1);
  });
});

describe('scope', () => {
  it('refuses another county’s node, existing or not, and its procedures, the same way', async () => {
    const own = (await ok(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, jiangduAdmin.token)).defineReviewProcedure;
    for (const code of ['321012', '321012199']) {
      const res = await h.gql(DEFINE, { input: { jurisdictionCode: code, effectiveFrom: '2026-01-01', fromTemplate: 'SHENZHEN' } }, baoyingAdmin.token);
      expect(refusal(res).code).toBe('FORBIDDEN');
    }
    for (const id of [own.id, '999999']) {
      expect(errorCodes(await h.gql(END, { id, lastDay: '2099-01-01' }, baoyingAdmin.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(`{ reviewProcedures(code: "321012") { id } }`, {}, baoyingAdmin.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(IN_FORCE, { code: '321012100001' }, baoyingAdmin.token))).toEqual(['FORBIDDEN']);
    // A village worker reads but does not set procedures.
    expect(refusal(await h.gql(DEFINE, { input: { jurisdictionCode: '321012100001', effectiveFrom: '2026-01-01', fromTemplate: 'JIANGDU' } }, villageWorker.token)).code).toBe('FORBIDDEN');
    expect(await h.db.query(`SELECT id, effective_to FROM review_procedure`)).toEqual([{ id: Number(own.id), effective_to: null }]);
  });
});

describe('concurrency', () => {
  it('lets exactly one of two versions defined at once for a node from the same day win; the other is a CONFLICT', async () => {
    await ok(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, jiangduAdmin.token);
    const from = addDays(todayInChina(), 7);
    const input = { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: 'SHENZHEN' };
    const answers = await Promise.all([h.gql(DEFINE, { input }, jiangduAdmin.token), h.gql(DEFINE, { input }, jiangduAdmin.token)]);
    expect(answers.map((a) => errorCodes(a)[0] ?? 'OK').sort()).toEqual(['CONFLICT', 'OK']);
    const rows = await h.db.query(`SELECT to_char(effective_from, 'YYYY-MM-DD') AS "from", to_char(effective_to, 'YYYY-MM-DD') AS "to" FROM review_procedure ORDER BY effective_from`);
    expect(rows).toEqual([{ from: '2025-01-01', to: addDays(from, -1) }, { from, to: null }]);
    const trail = await h.db.query(`SELECT outcome, error_code AS "errorCode" FROM audit_entry WHERE action = 'reviewProcedure.define' ORDER BY id`);
    expect(trail.map((t: any) => t.errorCode ?? t.outcome).sort()).toEqual(['CONFLICT', 'SUCCESS', 'SUCCESS']);
  });
});

describe('intake windows (集中申報)', () => {
  it('answers the window open at a node on a day, else the next one; refuses overlaps; closes early', async () => {
    const year = Number(todayInChina().slice(0, 4)) + 1;
    const open = async (name: string, opens: string, closes: string, code = '321012') =>
      (await ok(OPEN, { input: { jurisdictionCode: code, name, opens, closes } }, jiangduAdmin.token)).openIntakeWindow;
    const first = await open(`${year}年上半年集中申報`, `${year}-05-31`, `${year}-06-30`);
    const second = await open(`${year}年下半年集中申報`, `${year}-11-30`, `${year}-12-31`);
    expect(first).toMatchObject({ jurisdiction: { code: '321012' }, opens: `${year}-05-31`, closes: `${year}-06-30` });

    const overlap = await h.gql(OPEN, { input: { jurisdictionCode: '321012', name: '重疊', opens: `${year}-06-30`, closes: `${year}-07-15` } }, jiangduAdmin.token);
    expect([errorCodes(overlap), overlap.errors?.[0].extensions.field]).toEqual([['CONFLICT'], 'input.opens']);
    const backwards = await h.gql(OPEN, { input: { jurisdictionCode: '321012', name: '倒置', opens: `${year}-08-02`, closes: `${year}-08-01` } }, jiangduAdmin.token);
    expect([errorCodes(backwards), backwards.errors?.[0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'input.closes']);
    expect(await rowCount('intake_window')).toBe(2);

    const at = async (on: string) => (await ok(WINDOW, { code: '321012100001', on }, villageWorker.token)).intakeWindow;
    expect(await at(`${year}-06-01`)).toEqual({ open: true, window: { id: first.id, name: first.name, opens: first.opens, closes: first.closes, jurisdiction: { code: '321012' } } });
    expect(await at(`${year}-07-01`)).toMatchObject({ open: false, window: { id: second.id } });
    expect(await at(`${year}-01-01`)).toMatchObject({ open: false, window: { id: first.id } });
    expect(await at(`${year + 1}-01-01`)).toBeNull();

    // A town's own window open the same day is the nearer one; the county's stays for the other towns.
    const town = await open('仙女镇補充申報', `${year}-06-10`, `${year}-06-20`, '321012100');
    expect(await at(`${year}-06-15`)).toMatchObject({ open: true, window: { id: town.id } });
    expect((await ok(WINDOW, { code: '321012101200', on: `${year}-06-15` }, jiangduAdmin.token)).intakeWindow).toMatchObject({ window: { id: first.id } });

    expect((await ok(CLOSE, { id: second.id, lastDay: `${year}-12-15` }, jiangduAdmin.token)).closeIntakeWindow).toEqual({ id: second.id, closes: `${year}-12-15` });
    expect(await at(`${year}-12-20`)).toBeNull();
    const late = await h.gql(CLOSE, { id: second.id, lastDay: `${year}-12-20` }, jiangduAdmin.token);
    expect(errorCodes(late)).toEqual(['CONFLICT']);
    expect(errorCodes(await h.gql(CLOSE, { id: first.id, lastDay: `${year}-06-01` }, baoyingAdmin.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(WINDOW, { code: '321012100001' }, baoyingAdmin.token))).toEqual(['FORBIDDEN']);
  });
});

describe('the procedure in force, as the cases will read it', () => {
  // Villages read at once cost what two do: one statement for every node and its ancestors on a day.
  const villages = (n: number): [string, string][] => Array.from({ length: n }, (_, i) => [`321012101${300 + i}`, `测试村${i}`]);
  const aliased = (codes: string[]) =>
    `{ ${codes.map((code, i) => `v${i}: reviewProcedure(code: "${code}", on: "2025-06-01") { inherited procedure { id } }`).join(' ')} }`;

  it('reads 2 or 12 villages in the same statements, costs nothing more once cached, and hears a change', async () => {
    await insertJurisdictions(h.db, villages(12));
    await ok(DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, jiangduAdmin.token);
    const counts: number[] = [];
    for (const n of [2, 12]) {
      await forgetCaches(h);
      const res = await h.gql(aliased(villages(n).map(([code]) => code)), {}, jiangduAdmin.token);
      expect(res.errors).toBeUndefined();
      expect(Object.values(res.data).every((v: any) => v.inherited === true)).toBe(true);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[1]).toBe(counts[0]);

    const query = aliased(villages(12).map(([code]) => code));
    const warm = await h.gql(query, {}, jiangduAdmin.token);
    // Warm, the caller, the tree and the procedures all come from the caches: no statement at all.
    expect(warm.extensions!.sqlStatements).toBe(0);
    expect(warm.data).toEqual((await h.gql(query, {}, jiangduAdmin.token)).data);

    // A change made outside the API is heard once committed: its notice clears the region (nothing else does here).
    await h.db.query(`UPDATE review_procedure SET name = '改名' WHERE jurisdiction_id = (SELECT id FROM jurisdiction WHERE code = '321012')`);
    await sharedCaches(h.app).sync();
    const renamed = await ok(`{ reviewProcedure(code: "321012101300", on: "2025-06-01") { procedure { name } } }`, {}, jiangduAdmin.token);
    expect(renamed.reviewProcedure.procedure.name).toBe('改名');
  });
});
