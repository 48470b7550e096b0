import fs from 'node:fs';
import path from 'node:path';
import { addMonths } from '../../src/kernel/dates';
import { forgetCaches, useHarness } from '../support/harness';
import type { TestUser } from '../support/factories';
import { addDays, caseWorld, nationalId, ok, today, type CaseWorld } from './support';

// Dynamic management (动态管理, issue 19): enrolled people whose facts changed since approval are listed
// for re-review, confirmed or cancelled. Seed 004 篇四 (江都): 「加強動態管理。要及時做好服務對象的增減工作」,
// and for what ends an enrolment 「對於服務對象中出現遷離、去世或其他原因不再享受政府購買服務補貼時…各鎮、村(社區)
// 進行核實後」; 篇五 (深圳): 「要建立對享受居家養老服務受助人的動態管理機制,隨時調整受助人,以實現應補盡補」.
const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;
const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;
const CATEGORIES = `mutation($id: ID!, $categories: [CategoryInput!]!, $on: Date) { setPersonCategories(id: $id, categories: $categories, on: $on) { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`;
const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { id } }`;
const LIST = `query($under: String, $first: Int, $after: String) { reReviews(under: $under, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { enrolment { id scheme { name } fromMonth } applicant { id name } village { code } since
    changes { kind on from to } meetsSchemeThisMonth reasonsThisMonth { code } reviews { reviewedOn username role opinion } } } } }`;
const COUNTS = `query($under: String) { reReviewCounts(under: $under) { node { code } total children { node { code name } count } } }`;
const CONFIRM = `mutation($id: ID!, $opinion: String!, $key: String) { confirmEnrolment(id: $id, opinion: $opinion, idempotencyKey: $key) {
  enrolment { id untilMonth } reviews { reviewedOn username role opinion } } }`;

let w: CaseWorld;
let schemeId: string;
/** The day the enrolments were approved: sixty days ago. */
const approvedOn = () => addDays(today(), -60);

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
  // 江都's 困难老人 subsidy by ability (篇四: 低保 and similar hardship elderly, by 自理 / 半失能 / 失能).
  schemeId = (
    await ok(h, CREATE_SCHEME, {
      input: {
        jurisdictionCode: '321012',
        name: '困难老人居家养老服务补贴',
        kind: 'HOME_CARE_SUBSIDY',
        version: {
          fromMonth: '2024-01',
          requiresApplication: true,
          firstMonth: 'MONTH_AFTER_APPROVAL',
          lastMonth: 'STOP_IN_MONTH_OF_EVENT',
          funding: [{ level: 'COUNTY', weight: 1 }],
          tiers: [
            { name: '低保失能', amountFen: 26_000, minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE'], abilities: ['SEVERE'] },
            { name: '低保半失能', amountFen: 15_000, minAge: 60, categoriesAny: ['MINIMUM_LIVING_ALLOWANCE'], abilities: ['MILD', 'MODERATE'] },
          ],
        },
      },
    }, w.county)
  ).createSubsidyScheme.id;
});

/** A person of 低保 since 2020 at `village` (户籍 and residence), assessed 半失能 (MODERATE) in June 2024. */
async function person(village = '321012100001'): Promise<string> {
  const input = {
    nationalId: nationalId('321012'),
    name: `老人${Math.random().toString(36).slice(2, 6)}`,
    villageCode: village,
    hukouCode: village,
    residentSince: '2000-01-01',
    categories: [{ category: 'MINIMUM_LIVING_ALLOWANCE' }],
    categoriesSince: '2020-01-01',
  };
  const id = (await ok(h, REGISTER, { input }, w.county)).registerPerson.id;
  await ok(h, ASSESS, { id, input: { level: 'MODERATE', assessedOn: '2024-06-01', assessor: '江都区评估中心' } }, w.county);
  return id;
}

/** As if an application of the person had been approved `approvedOn()` at their 户籍 village: the case, its approval and the enrolment. */
async function enrolled(personId: string): Promise<string> {
  const [c] = await h.db.query(
    `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, filed_on, filed_by, filed_as_role, filer, decided_on)
     SELECT p.id, j.id, j.code, (SELECT min(id) FROM review_procedure), 'APPROVED', $2::date - 20, (SELECT min(id) FROM app_user),
       'VILLAGE_WORKER', 'VILLAGE_WORKER', $2
     FROM person p JOIN jurisdiction j ON j.id = p.hukou_jurisdiction_id WHERE p.id = $1 RETURNING id`,
    [personId, approvedOn()],
  );
  await h.db.query(`INSERT INTO application_case_scheme (case_id, scheme_id) VALUES ($1, $2)`, [c.id, schemeId]);
  await h.db.query(`INSERT INTO application_history (case_id, action, step_position) VALUES ($1, 'APPROVE', 4)`, [c.id]);
  const [e] = await h.db.query(`INSERT INTO enrolment (person_id, scheme_id, case_id, from_month) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`, [
    personId,
    schemeId,
    c.id,
    `${addMonths(approvedOn().slice(0, 7), 1)}-01`,
  ]);
  return e.id;
}

async function list(user: TestUser, under?: string) {
  const data = await ok(h, LIST, { under, first: 50 }, user);
  return data.reReviews.edges.map((e: any) => e.node);
}

const changesOf = (rows: any[]) => rows.map((r) => ({ person: r.applicant.id, since: r.since, changes: r.changes }));

async function moveHukou(id: string, to: string) {
  await ok(h, UPDATE, { id, input: { name: `迁户${id}`, hukouCode: to, residentSince: '2000-01-01' } }, w.county);
}

describe('enrolments whose facts changed since approval, listed for re-review (seed 004 篇四 「加強動態管理」)', () => {
  it('lists each kind of change with its reason and day, earliest first, and not an unchanged enrolment', async () => {
    expect(SEED_004).toContain('加強動態管理。要及時做好服務對象的增減工作');
    expect(SEED_004).toContain('要建立對享受居家養老服務受助人的動態管理機制,隨時調整受助人');
    const [unchanged, lost, reassessed, hukou, moved] = [await person(), await person(), await person(), await person(), await person()];
    for (const id of [unchanged, lost, reassessed, hukou, moved]) await enrolled(id);
    // 低保 ends forty days ago; an assessment thirty days ago finds 失能 (SEVERE); the 户籍 moves to 龙川社区 today;
    // the residence moves to 小纪村 from twenty days ago.
    await ok(h, CATEGORIES, { id: lost, categories: [], on: addDays(today(), -40) }, w.county);
    await ok(h, ASSESS, { id: reassessed, input: { level: 'SEVERE', assessedOn: addDays(today(), -30), assessor: '江都区评估中心' } }, w.county);
    await moveHukou(hukou, '321012100002');
    await ok(h, UPDATE, { id: moved, input: { name: '迁居', hukouCode: '321012100001', villageCode: '321012101200', residentSince: addDays(today(), -20) } }, w.county);
    // An assessment that confirms the level approved does not list its person.
    await ok(h, ASSESS, { id: unchanged, input: { level: 'MODERATE', assessedOn: addDays(today(), -10), assessor: '江都区评估中心' } }, w.county);

    const rows = await list(w.county);
    expect(changesOf(rows)).toEqual([
      { person: lost, since: approvedOn(), changes: [{ kind: 'CATEGORY_ENDED', on: addDays(today(), -40), from: 'MINIMUM_LIVING_ALLOWANCE', to: null }] },
      { person: reassessed, since: approvedOn(), changes: [{ kind: 'ABILITY_REASSESSED', on: addDays(today(), -30), from: 'MODERATE', to: 'SEVERE' }] },
      { person: moved, since: approvedOn(), changes: [{ kind: 'RESIDENCE_MOVED', on: addDays(today(), -20), from: '321012100001', to: '321012101200' }] },
      { person: hukou, since: approvedOn(), changes: [{ kind: 'HUKOU_MOVED', on: today(), from: '321012100001', to: '321012100002' }] },
    ]);
    // The engine judges today's facts: without 低保 no tier is met (the 失能 tier wants SEVERE besides, and the
    // person is still MODERATE); 失能 meets the other tier.
    expect(rows.map((r: any) => [r.meetsSchemeThisMonth, r.reasonsThisMonth.map((x: any) => x.code)])).toEqual([
      [false, ['NO_LISTED_CATEGORY', 'ABILITY_LEVEL']],
      [true, []],
      [true, []],
      [true, []],
    ]);
    expect(rows[0]).toMatchObject({ enrolment: { scheme: { name: '困难老人居家养老服务补贴' } }, village: { code: '321012100001' }, reviews: [] });

    // The month's run pays the scheme to all but the one who lost 低保: their enrolment also says so, from the month's first day.
    await ok(h, RUN, { code: '321012', month: today().slice(0, 7) }, w.county);
    const after = changesOf(await list(w.county));
    expect(after[0]).toEqual({
      person: lost,
      since: approvedOn(),
      changes: [
        { kind: 'CATEGORY_ENDED', on: addDays(today(), -40), from: 'MINIMUM_LIVING_ALLOWANCE', to: null },
        { kind: 'NOT_PAID', on: `${today().slice(0, 7)}-01`, from: null, to: null },
      ],
    });
    expect(after.slice(1).map((r) => r.changes.map((c: any) => c.kind))).toEqual([['ABILITY_REASSESSED'], ['RESIDENCE_MOVED'], ['HUKOU_MOVED']]);
  });

  it('pages by the earliest change in keyset pages, with the count of all', async () => {
    const people = [await person(), await person(), await person()];
    for (const id of people) await enrolled(id);
    for (const [i, id] of people.entries()) {
      await ok(h, ASSESS, { id, input: { level: 'SEVERE', assessedOn: addDays(today(), -10 - i), assessor: '江都区评估中心' } }, w.county);
    }
    const first = (await ok(h, LIST, { first: 2 }, w.worker)).reReviews;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: any) => e.node.applicant.id)).toEqual([people[2], people[1]]);
    const second = (await ok(h, LIST, { first: 2, after: first.pageInfo.endCursor }, w.worker)).reReviews;
    expect(second.edges.map((e: any) => e.node.applicant.id)).toEqual([people[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const bad = await h.gql(LIST, { after: 'bm90LWEta2V5' }, w.worker.token);
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('reads a page of 2 or of 9 in the same number of statements', async () => {
    for (let i = 0; i < 10; i += 1) {
      const id = await person(i % 2 === 0 ? '321012100001' : '321012101200');
      await enrolled(id);
      await ok(h, CATEGORIES, { id, categories: [], on: addDays(today(), -i - 1) }, w.county);
    }
    await h.gql(LIST, { first: 1 }, w.county.token);
    const counts: number[] = [];
    for (const first of [2, 9]) {
      await forgetCaches(h);
      const res = await h.gql(LIST, { first }, w.county.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.reReviews.edges).toHaveLength(first);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[0]).toBe(counts[1]);
  });
});

describe('a re-review confirms the enrolment or cancels it (seed 004 篇四 「各鎮、村(社區)進行核實後」)', () => {
  it('confirmation takes it off the list until a newer change, which lists it again', async () => {
    expect(SEED_004).toContain('各鎮、村(社區)進行核實後');
    const id = await person();
    const enrolment = await enrolled(id);
    await ok(h, ASSESS, { id, input: { level: 'SEVERE', assessedOn: addDays(today(), -5), assessor: '江都区评估中心' } }, w.county);
    expect((await list(w.worker)).map((r: any) => r.enrolment.id)).toEqual([enrolment]);

    const confirmed = (await ok(h, CONFIRM, { id: enrolment, opinion: '核实:失能,继续享受', key: 'rr-1' }, w.worker)).confirmEnrolment;
    expect(confirmed).toEqual({
      enrolment: { id: enrolment, untilMonth: null },
      reviews: [{ reviewedOn: today(), username: w.worker.username, role: 'VILLAGE_WORKER', opinion: '核实:失能,继续享受' }],
    });
    expect(await list(w.worker)).toEqual([]);
    // The same key again answers the enrolment and records nothing; another confirmation finds nothing new: CONFLICT.
    expect((await ok(h, CONFIRM, { id: enrolment, opinion: '重发', key: 'rr-1' }, w.worker)).confirmEnrolment.reviews).toHaveLength(1);
    const again = await h.gql(CONFIRM, { id: enrolment, opinion: '再次核实' }, w.worker.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    const [{ count }] = await h.db.query(`SELECT count(*)::int AS count FROM enrolment_review`);
    expect(count).toBe(1);
    const [audit] = await h.db.query(`SELECT outcome, target_ids FROM audit_entry WHERE action = 'enrolment.confirm' ORDER BY id LIMIT 1`);
    expect(audit).toMatchObject({ outcome: 'SUCCESS', target_ids: [enrolment] });

    // A newer assessment back to 半失能: listed again, since the confirmation, with the level confirmed as the one before.
    await ok(h, ASSESS, { id, input: { level: 'MODERATE', assessedOn: today(), assessor: '江都区评估中心' } }, w.county);
    const [row] = await list(w.worker);
    expect(row).toMatchObject({
      since: today(),
      changes: [{ kind: 'ABILITY_REASSESSED', on: today(), from: 'SEVERE', to: 'MODERATE' }],
      reviews: [{ reviewedOn: today(), opinion: '核实:失能,继续享受' }],
    });
  });

  it('refuses an opinion left empty, an ended enrolment, and anyone without REVIEW_CASES over the case’s village', async () => {
    const id = await person();
    const enrolment = await enrolled(id);
    await moveHukou(id, '321012100002');
    const empty = await h.gql(CONFIRM, { id: enrolment, opinion: '  ' }, w.worker.token);
    expect(empty.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'opinion' });
    // The case stays at its village (东苑社区): 龙川社区's worker, where the 户籍 went, does not re-review it; nor a reader, nor another county.
    for (const user of [w.siblingWorker, w.leadership, w.otherCounty, w.analyst]) {
      const res = await h.gql(CONFIRM, { id: enrolment, opinion: '核实' }, user.token);
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
    // Out of the subtree, existing or not: the same answer.
    const missing = await h.gql(CONFIRM, { id: '999999', opinion: '核实' }, w.worker.token);
    expect(missing.errors?.[0].extensions.code).toBe('FORBIDDEN');
    await h.db.query(`UPDATE enrolment SET until_month = from_month, end_reason = 'WITHDRAWN', ended_on = $2 WHERE id = $1`, [enrolment, today()]);
    const ended = await h.gql(CONFIRM, { id: enrolment, opinion: '核实' }, w.worker.token);
    expect(ended.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
    expect(await list(w.county)).toEqual([]);
    expect(await h.db.query(`SELECT 1 FROM enrolment_review`)).toEqual([]);
  });

  it('records one of 12 concurrent confirmations of one enrolment: the others are CONFLICT', async () => {
    const id = await person();
    const enrolment = await enrolled(id);
    await moveHukou(id, '321012100002');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => h.gql(CONFIRM, { id: enrolment, opinion: `核实${i}` }, w.worker.token)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0].extensions.code === 'CONFLICT')).toHaveLength(11);
    const [{ count }] = await h.db.query(`SELECT count(*)::int AS count FROM enrolment_review`);
    expect(count).toBe(1);
  });
});

describe('who sees the list and the counts', () => {
  it('is FORBIDDEN out of the subtree, whether or not the node exists, and to analysts', async () => {
    const id = await person();
    await enrolled(id);
    await moveHukou(id, '321012100002');
    for (const [user, under] of [[w.otherCounty, '321012'], [w.otherCounty, '321012999'], [w.worker, '321012100002'], [w.worker, '321099']] as const) {
      for (const query of [LIST, COUNTS]) {
        const res = await h.gql(query, { under }, user.token);
        expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
      }
    }
    for (const query of [LIST, COUNTS]) expect((await h.gql(query, {}, w.analyst.token)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    // The sibling village's worker sees none of 东苑社区's; its own worker and the county see it.
    expect(await list(w.siblingWorker)).toEqual([]);
    expect(await list(w.worker)).toHaveLength(1);
    expect(await list(w.leadership)).toHaveLength(1);
  });

  it('counts per child: 仙女镇 4 (东苑社区 3, 龙川社区 1) and 小纪镇 2 under 江都区, worked out by hand', async () => {
    // Changed: three at 东苑社区, one at 龙川社区, two at 小纪村; unchanged: one at each.
    const places = ['321012100001', '321012100001', '321012100001', '321012100002', '321012101200', '321012101200'];
    for (const village of places) {
      const id = await person(village);
      await enrolled(id);
      await ok(h, CATEGORIES, { id, categories: [], on: addDays(today(), -3) }, w.county);
    }
    for (const village of ['321012100001', '321012100002', '321012101200']) await enrolled(await person(village));
    const county = (await ok(h, COUNTS, {}, w.county)).reReviewCounts;
    expect(county).toEqual({
      node: { code: '321012' },
      total: 6,
      children: [
        { node: { code: '321012100', name: '仙女镇' }, count: 4 },
        { node: { code: '321012101', name: '小纪镇' }, count: 2 },
      ],
    });
    const town = (await ok(h, COUNTS, { under: '321012100' }, w.townStaff)).reReviewCounts;
    expect(town).toEqual({
      node: { code: '321012100' },
      total: 4,
      children: [
        { node: { code: '321012100001', name: '东苑社区居委会' }, count: 3 },
        { node: { code: '321012100002', name: '龙川社区居委会' }, count: 1 },
      ],
    });
    expect((await ok(h, COUNTS, {}, w.worker)).reReviewCounts).toEqual({ node: { code: '321012100001' }, total: 3, children: [] });
  });
});
