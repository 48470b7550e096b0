import { Role } from '../../src/kernel/actor';
import { createUser, insertJurisdictions, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';
import { addDays, caseWorld, DECIDE, FILE, OBJECT, ok, READ, registerPerson, today, type CaseWorld } from './support';

/**
 * Monitoring of cases (seed 004, 篇二/篇五 深圳: «在10個工作日內完成初審(含公示時間)» — a step has its
 * working days, and a step past them is overdue): the open cases by what they await, rolled up the tree
 * from the village each is filed at, ranked among siblings, listed for the desk, and a 督办 in one call.
 */

const h = useHarness();
let w: CaseWorld;
let key = 0;

beforeEach(async () => {
  w = await caseWorld(h, 'SHENZHEN');
});

const FIGURES = `open waiting inReview returned overdue`;
const NODE = `query($code: String!, $order: CaseFiguresOrder, $first: Int, $after: String) { jurisdiction(code: $code) {
  caseFigures { ${FIGURES} asOf rank rankedAmong }
  childCaseFigures(order: $order, first: $first, after: $after) {
    totalCount edges { cursor node { jurisdiction { code name } ${FIGURES} rank rankedAmong } } pageInfo { hasNextPage endCursor } } } }`;
const SUPERVISE = `mutation($caseId: ID!, $deadline: Date!, $detail: String) { superviseCase(caseId: $caseId, deadline: $deadline, detail: $detail) {
  id title detail caseId deadline status issuedBy { code } responsible { code } } }`;
const CASE_ITEMS = `query($id: ID!) { case(id: $id) { id supervisionItems { id caseId responsible { code } } } }`;
const OVERDUE_LIST = `query($under: String) { cases(under: $under, overdue: true, first: 50) { totalCount edges { node { id currentStep { overdue } } } } }`;
const STATUS = `mutation($id: ID!, $status: PersonStatus!, $on: Date) { recordPersonStatus(id: $id, status: $status, on: $on) { id } }`;

const XIANNV = '321012100';
const DONGYUAN = '321012100001';
const LONGCHUAN = '321012100002';
const XIAOJI = '321012101';
const XIAOJI_VILLAGE = '321012101200';

async function file(user: TestUser, village: string, personId?: string): Promise<{ id: string; personId: string }> {
  const person = personId ?? (await registerPerson(h, user, village));
  const filed = (await ok(h, FILE, { input: { personId: person, schemeIds: [w.schemeId] } }, user)).fileApplication;
  return { id: filed.id, personId: person };
}

async function decide(user: TestUser, caseId: string, action: string, step: number, extra: Record<string, unknown> = {}) {
  key += 1;
  return ok(h, DECIDE, { input: { caseId, action, step, idempotencyKey: `m${key}`, ...extra } }, user);
}

/** The current step as if it had begun long ago and fell due on `due`. */
const dueOn = (caseId: string, due: string) =>
  h.db.query(`UPDATE application_case SET step_began = least(step_began, $2::date - 20), step_due = $2 WHERE id = $1`, [caseId, due]);
/** A case as if filed outside an intake window: its first step begins after today. */
const waitsUntil = (caseId: string, day: string) => h.db.query(`UPDATE application_case SET step_began = $2 WHERE id = $1`, [caseId, day]);

const figuresOf = async (code: string, user: TestUser = w.leadership) => (await ok(h, NODE, { code }, user)).jurisdiction;
const childRow = (data: any, code: string) => data.childCaseFigures.edges.find((e: any) => e.node.jurisdiction.code === code)?.node;
const yesterday = () => addDays(today(), -1);

describe('case figures', () => {
  it('count open, waiting, in review, returned and overdue at the village and every level above it, through filing, decisions, objection and death', async () => {
    // 东苑: a, b, c, d; 龙川: e; 小纪村: f.
    const a = await file(w.worker, DONGYUAN, w.personId);
    const b = await file(w.worker, DONGYUAN);
    const c = await file(w.worker, DONGYUAN);
    const d = await file(w.worker, DONGYUAN);
    const e = await file(w.siblingWorker, LONGCHUAN);
    const f = await file(w.county, XIAOJI_VILLAGE);
    let county = await figuresOf('321012');
    expect(county.caseFigures).toMatchObject({ open: 6, waiting: 0, inReview: 6, returned: 0, overdue: 0, asOf: today() });

    // b is overdue at its 初審; c is returned; d waits for its window; e passes to its 公示 and is overdue there.
    await dueOn(b.id, yesterday());
    await decide(w.worker, c.id, 'RETURN', 1, { opinion: '请补充材料' });
    await waitsUntil(d.id, addDays(today(), 30));
    await decide(w.siblingWorker, e.id, 'PASS', 1);
    await dueOn(e.id, addDays(today(), -3));
    county = await figuresOf('321012');
    // By hand: open a b c d e f = 6; waiting d; returned c; in review a b e f; overdue b e.
    expect(county.caseFigures).toMatchObject({ open: 6, waiting: 1, inReview: 4, returned: 1, overdue: 2 });
    const town = await figuresOf(XIANNV);
    expect(childRow(town, DONGYUAN)).toMatchObject({ open: 4, waiting: 1, inReview: 2, returned: 1, overdue: 1 });
    expect(childRow(town, LONGCHUAN)).toMatchObject({ open: 1, waiting: 0, inReview: 1, returned: 0, overdue: 1 });
    expect(childRow(county, XIAOJI)).toMatchObject({ open: 1, inReview: 1, overdue: 0 });
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ open: 4, waiting: 1, inReview: 2, returned: 1, overdue: 1 });
    // The city and the province count the same cases; another county none.
    const province = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    expect((await figuresOf('3210', province)).caseFigures).toMatchObject({ open: 6, overdue: 2 });
    expect((await figuresOf('32', province)).caseFigures).toMatchObject({ open: 6, overdue: 2 });
    expect((await figuresOf('321023', await createUser(h.db, '321023', [Role.ANALYST]))).caseFigures).toMatchObject({ open: 0, overdue: 0 });

    // An objection during e's 公示 sends it back to 初審, begun today: no longer overdue.
    await ok(h, OBJECT, { caseId: e.id, receivedOn: today(), summary: '村民异议' }, w.siblingWorker);
    // a is withdrawn (decided); b's applicant dies: closed.
    await decide(w.worker, a.id, 'WITHDRAW', 1);
    await ok(h, STATUS, { id: b.personId, status: 'DECEASED', on: today() }, w.worker);
    county = await figuresOf('321012');
    // By hand: open c d e f = 4; waiting d; returned c; in review e f; overdue none.
    expect(county.caseFigures).toMatchObject({ open: 4, waiting: 1, inReview: 2, returned: 1, overdue: 0 });
    expect(childRow(county, XIANNV)).toMatchObject({ open: 3, waiting: 1, inReview: 1, returned: 1, overdue: 0 });
  });

  it('counts a step overdue once today is after its due date, and a waiting case in review once its day comes', async () => {
    const a = await file(w.worker, DONGYUAN, w.personId);
    await dueOn(a.id, today());
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ inReview: 1, overdue: 0 });
    await dueOn(a.id, yesterday());
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ inReview: 1, overdue: 1 });
    await waitsUntil(a.id, addDays(today(), 1));
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ waiting: 1, inReview: 0, overdue: 0 });
    await waitsUntil(a.id, today());
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ waiting: 0, inReview: 1 });
  });

  it('ranks children by fewest overdue, then fewest open (equal figures share a place), most overdue first by default, in keyset pages', async () => {
    await insertJurisdictions(h.db, [['321012102', '丁伙镇'], ['321012102001', '丁伙村'], ['321012103', '大桥镇']]);
    const overdue = async (village: string, user: TestUser) => {
      const filed = await file(user, village);
      await dueOn(filed.id, yesterday());
    };
    // 仙女镇: 2 overdue of 3 open; 小纪镇: 1 overdue of 1; 丁伙镇: 1 overdue of 2; 大桥镇: nothing.
    await overdue(DONGYUAN, w.worker);
    await overdue(LONGCHUAN, w.siblingWorker);
    await file(w.worker, DONGYUAN, w.personId);
    await overdue(XIAOJI_VILLAGE, w.county);
    await overdue('321012102001', w.county);
    await file(w.county, '321012102001');
    const page = async (vars: Record<string, unknown>) => (await ok(h, NODE, { code: '321012', ...vars }, w.leadership)).jurisdiction.childCaseFigures;
    const all = await page({ first: 10 });
    expect(all.edges.map((e: any) => [e.node.jurisdiction.code, e.node.overdue, e.node.open, e.node.rank, e.node.rankedAmong])).toEqual([
      [XIANNV, 2, 3, 4, 4],
      ['321012102', 1, 2, 3, 4],
      [XIAOJI, 1, 1, 2, 4],
      ['321012103', 0, 0, 1, 4],
    ]);
    expect(all.totalCount).toBe(4);
    const first = await page({ first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await page({ first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((e: any) => e.node.jurisdiction.code)).toEqual([XIAOJI, '321012103']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const byCode = await page({ order: 'CODE', first: 3 });
    expect(byCode.edges.map((e: any) => e.node.jurisdiction.code)).toEqual([XIANNV, XIAOJI, '321012102']);
    const rest = await page({ order: 'CODE', first: 3, after: byCode.pageInfo.endCursor });
    expect(rest.edges.map((e: any) => e.node.jurisdiction.code)).toEqual(['321012103']);
    // A node read alone is ranked among its siblings too; equal figures share a place.
    await overdue(XIAOJI_VILLAGE, w.county);
    await file(w.county, XIAOJI_VILLAGE);
    const alone = (await ok(h, NODE, { code: XIAOJI }, w.leadership)).jurisdiction.caseFigures;
    expect(alone).toMatchObject({ overdue: 2, open: 3, rank: 3, rankedAmong: 4 });
    expect((await ok(h, NODE, { code: XIANNV }, w.leadership)).jurisdiction.caseFigures).toMatchObject({ rank: 3 });
    // A cursor of another order is refused, naming the argument.
    const refused = await h.gql(NODE, { code: '321012', order: 'CODE', after: first.pageInfo.endCursor }, w.leadership.token);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('reads a page of 1 or of 4 children in the same number of statements', async () => {
    await insertJurisdictions(h.db, [['321012102', '丁伙镇'], ['321012103', '大桥镇'], ['321012104', '吴桥镇']]);
    await file(w.worker, DONGYUAN, w.personId);
    await h.gql(NODE, { code: '321012', first: 1 }, w.leadership.token);
    const counts: number[] = [];
    for (const first of [1, 4]) {
      await forgetCaches(h);
      const res = await h.gql(NODE, { code: '321012', first }, w.leadership.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.jurisdiction.childCaseFigures.edges).toHaveLength(first);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[0]).toBe(counts[1]);
  });

  it('are counts for whoever reads cases and for analysts («analysts: counts only»); out of the subtree is FORBIDDEN', async () => {
    await file(w.worker, DONGYUAN, w.personId);
    expect((await figuresOf('321012', w.analyst)).caseFigures.open).toBe(1);
    const analystCases = await h.gql(`{ cases { totalCount } }`, {}, w.analyst.token);
    expect(errorCodes(analystCases)).toEqual(['FORBIDDEN']);
    for (const user of [w.county, w.townStaff, w.assessor, await createUser(h.db, '321012', [Role.FINANCE])]) {
      expect((await figuresOf('321012100', user)).caseFigures.open).toBe(1);
    }
    const provider = await createUser(h.db, '321012', [Role.SERVICE_PROVIDER]);
    expect(errorCodes(await h.gql(NODE, { code: '321012' }, provider.token))).toContain('FORBIDDEN');
    expect(errorCodes(await h.gql(NODE, { code: '321012' }, w.worker.token))).toContain('FORBIDDEN');
    // A village worker sees their village's figures, unranked: its town is outside their subtree.
    expect((await figuresOf(DONGYUAN, w.worker)).caseFigures).toMatchObject({ open: 1, rank: null, rankedAmong: null });
  });
});

/** Stored rows that differ from a count of the open cases: node, state, day begun, due date, stored and counted. */
const drift = () =>
  h.db.query(`
    WITH counted AS (
      SELECT left(c.village_code, l.len) AS node_code, c.state, c.step_began, coalesce(c.step_due, 'infinity') AS step_due, count(*)::int AS cases
      FROM application_case c CROSS JOIN unnest(ARRAY[2, 4, 6, 9, 12]) AS l (len) WHERE c.state IN ('IN_REVIEW', 'RETURNED') GROUP BY 1, 2, 3, 4),
    stored AS (SELECT node_code, state, step_began, step_due, cases FROM case_figure WHERE cases <> 0)
    SELECT * FROM (SELECT * FROM counted EXCEPT SELECT * FROM stored) a UNION ALL SELECT * FROM (SELECT * FROM stored EXCEPT SELECT * FROM counted) b`);

/** Stored queue rows that differ from the open cases: each at every node from the province to where it awaits (docs/adr/0008). */
const queueDrift = () =>
  h.db.query(`
    WITH expected AS (
      SELECT left(x.code, l.len) AS node_code, x.due, x.id AS case_id
      FROM (SELECT id, CASE WHEN state = 'IN_REVIEW' THEN acting_code ELSE village_code END AS code, coalesce(step_due, '9999-12-31') AS due
            FROM application_case WHERE state IN ('IN_REVIEW', 'RETURNED')) x
      CROSS JOIN unnest(ARRAY[2, 4, 6, 9, 12]) AS l (len) WHERE l.len <= char_length(x.code)),
    stored AS (SELECT node_code, due, case_id FROM case_queue)
    SELECT * FROM (SELECT * FROM expected EXCEPT SELECT * FROM stored) a UNION ALL SELECT * FROM (SELECT * FROM stored EXCEPT SELECT * FROM expected) b`);

describe('the stored figures', () => {
  it('and the stored queue equal the open cases after writes through the API and by hand, in bulk, and after a truncate', async () => {
    const a = await file(w.worker, DONGYUAN, w.personId);
    const b = await file(w.siblingWorker, LONGCHUAN);
    await decide(w.worker, a.id, 'RETURN', 1, { opinion: '请补充材料' });
    await decide(w.siblingWorker, b.id, 'PASS', 1);
    expect(await drift()).toEqual([]);
    expect(await queueDrift()).toEqual([]);
    // The return awaits its filer at its village; the passed case its 張榜公佈, also at its village: each at every node above too.
    const path = (village: string) => [2, 4, 6, 9, 12].map((n) => ({ node_code: village.slice(0, n) }));
    expect(await h.db.query(`SELECT node_code FROM case_queue WHERE case_id = $1 ORDER BY 1`, [a.id])).toEqual(path(DONGYUAN));
    expect(await h.db.query(`SELECT node_code FROM case_queue WHERE case_id = $1 ORDER BY 1`, [b.id])).toEqual(path(LONGCHUAN));
    const [{ count }] = await h.db.query(`SELECT count(*)::int AS count FROM case_figure`);
    expect(count).toBeGreaterThan(0);
    // A thousand cases in one statement, then moved, decided and removed by hand.
    await h.db.query(
      `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, step_position, step_began, step_due,
         acting_node_id, acting_code, step_capability, filed_on, filed_by, filed_as_role, filer)
       SELECT c.person_id, c.village_id, c.village_code, c.procedure_id, 'IN_REVIEW', 1, current_date - (g % 40), current_date - (g % 40) + 14,
         c.acting_node_id, c.acting_code, c.step_capability, c.filed_on, c.filed_by, c.filed_as_role, c.filer
       FROM application_case c, generate_series(1, 1000) g WHERE c.id = $1`,
      [b.id],
    );
    await h.db.query(`UPDATE application_case SET step_due = step_due - 7 WHERE id % 3 = 0 AND state = 'IN_REVIEW'`);
    await h.db.query(`UPDATE application_case SET state = 'APPROVED', step_position = NULL, step_began = NULL, step_due = NULL, acting_node_id = NULL,
      acting_code = NULL, step_capability = NULL WHERE id % 5 = 0`);
    await h.db.query(`DELETE FROM application_case_scheme WHERE case_id % 7 = 0`);
    await h.db.query(`DELETE FROM application_history WHERE false`);
    await h.db.query(`DELETE FROM application_case c WHERE id % 7 = 0 AND NOT EXISTS (SELECT 1 FROM application_history h WHERE h.case_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM application_material m WHERE m.case_id = c.id) AND NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.case_id = c.id)`);
    expect(await drift()).toEqual([]);
    expect(await queueDrift()).toEqual([]);
    const [{ open }] = await h.db.query(`SELECT count(*)::int AS open FROM application_case WHERE state IN ('IN_REVIEW', 'RETURNED')`);
    expect(open).toBeGreaterThan(500);
    expect((await figuresOf('321012')).caseFigures.open).toBe(open);
    await h.db.query(`TRUNCATE application_case, application_case_scheme, application_material, application_history, enrolment CASCADE`);
    expect(await h.db.query(`SELECT * FROM case_figure WHERE cases <> 0`)).toEqual([]);
    expect(await h.db.query(`SELECT * FROM case_queue`)).toEqual([]);
  });
});

describe('cases(overdue: true)', () => {
  it('lists only the cases in review past their due date, for the desk', async () => {
    const a = await file(w.worker, DONGYUAN, w.personId);
    const b = await file(w.worker, DONGYUAN);
    const dueToday = await file(w.worker, DONGYUAN);
    await dueOn(dueToday.id, today());
    await dueOn(a.id, yesterday());
    await dueOn(b.id, yesterday());
    await waitsUntil(b.id, addDays(today(), 5));
    const listed = (await ok(h, OVERDUE_LIST, { under: '321012' }, w.leadership)).cases;
    expect(listed.totalCount).toBe(1);
    expect(listed.edges.map((e: any) => [e.node.id, e.node.currentStep.overdue])).toEqual([[a.id, true]]);
  });
});

describe('superviseCase', () => {
  it('turns an overdue step into one 督办 item assigned to its acting node, linked both ways; a second call is CONFLICT', async () => {
    const a = await file(w.worker, DONGYUAN, w.personId);
    const deadline = addDays(today(), 7);
    const early = await h.gql(SUPERVISE, { caseId: a.id, deadline }, w.leadership.token);
    expect(early.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'caseId' });

    await dueOn(a.id, yesterday());
    const item = (await ok(h, SUPERVISE, { caseId: a.id, deadline, detail: '请三日内完成初审' }, w.leadership)).superviseCase;
    expect(item).toMatchObject({ caseId: a.id, deadline, status: 'OPEN', detail: '请三日内完成初审', issuedBy: { code: '321012' }, responsible: { code: DONGYUAN } });
    expect(item.title).toContain('逾期');
    expect(item.title).not.toContain('申请人');
    expect((await ok(h, CASE_ITEMS, { id: a.id }, w.leadership)).case.supervisionItems).toEqual([{ id: item.id, caseId: a.id, responsible: { code: DONGYUAN } }]);
    // The village worker it is assigned to sees it on the case and on the desk.
    expect((await ok(h, CASE_ITEMS, { id: a.id }, w.worker)).case.supervisionItems.map((i: any) => i.id)).toEqual([item.id]);
    const again = await h.gql(SUPERVISE, { caseId: a.id, deadline }, w.county.token);
    expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', field: 'caseId' });
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'case.supervise' AND outcome = 'SUCCESS'`);
    expect(n).toBe(1);

    // The next step reached is a step of its own: overdue again, it may be supervised again.
    await decide(w.worker, a.id, 'PASS', 1);
    await dueOn(a.id, yesterday());
    const second = (await ok(h, SUPERVISE, { caseId: a.id, deadline }, w.county)).superviseCase;
    expect(second.id).not.toBe(item.id);
  });

  it('needs the supervision capability, a level at or above the acting node, and a deadline from today', async () => {
    const a = await file(w.worker, DONGYUAN, w.personId);
    await dueOn(a.id, yesterday());
    const deadline = addDays(today(), 3);
    expect(errorCodes(await h.gql(SUPERVISE, { caseId: a.id, deadline }, w.worker.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(SUPERVISE, { caseId: a.id, deadline }, w.otherCounty.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(SUPERVISE, { caseId: '999999', deadline }, w.leadership.token))).toEqual(['FORBIDDEN']);
    const past = await h.gql(SUPERVISE, { caseId: a.id, deadline: yesterday() }, w.leadership.token);
    expect(past.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'deadline' });
    // At the district's approval (step 4), a town's office is below the acting node.
    const townOffice = await createUser(h.db, XIANNV, [Role.LEADERSHIP_OFFICE]);
    const b = await file(w.worker, DONGYUAN);
    await h.db.query(
      `UPDATE application_case SET step_position = 4, acting_node_id = (SELECT id FROM jurisdiction WHERE code = '321012'), acting_code = '321012',
         step_capability = 'APPROVE_CASES', version = version + 1 WHERE id = $1`,
      [b.id],
    );
    await dueOn(b.id, yesterday());
    expect(errorCodes(await h.gql(SUPERVISE, { caseId: b.id, deadline }, townOffice.token))).toEqual(['FORBIDDEN']);
    const read = (await ok(h, READ, { id: b.id }, w.leadership)).case;
    expect(read.currentStep).toMatchObject({ position: 4, overdue: true });
    expect((await ok(h, SUPERVISE, { caseId: b.id, deadline }, w.leadership)).superviseCase.responsible.code).toBe('321012');
  });
});
