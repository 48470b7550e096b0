import { errorCodes, forgetCaches, useHarness } from '../support/harness';
import { createUser } from '../support/factories';
import { Role } from '../../src/kernel/actor';
import { caseWorld, ok, today, type CaseWorld } from '../cases/support';
import { enrol, jiangduRules, registered } from '../care/support';
import { SEED_003, SEED_004 } from './callback-support';

// Oversight by the community and the town (回訪, 抽查, 探视巡访): 深圳's quarterly spot checks of at least 5 % of
// the recipients (seed 004 篇五) and the welfare visits to left-behind and dispersed 特困 elders (seed 003).
const h = useHarness();

const VISIT = `id by { code } recipient { id name nationalId } villageCode kind purpose visitedOn checked findings falsificationSuspected record recordedBy`;
const RECORD = `mutation($input: RecordOversightVisitInput!) { recordOversightVisit(input: $input) { ${VISIT} } }`;
const VISITS = `query($under: String, $first: Int, $after: String) { oversightVisits(under: $under, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { ${VISIT} } } } }`;
const SHARE = `enrolled reached share percentRequired required met`;
const SHARES = `query($under: String, $quarter: String!) { oversightShares(under: $under, quarter: $quarter) {
  node { code } quarter figure { ${SHARE} } children { node { code } rank figure { ${SHARE} } } } }`;

// The quarter of the figures: recipients enrolled from June (approved in May), reached in August.
const QUARTER = '2026-Q3';
const APPROVED = '2026-05-10';
const IN_QUARTER = '2026-08-12';

let w: CaseWorld;
beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
  await jiangduRules(h, w.county);
});

async function recipient(village = '321012100001', extra: Parameters<typeof registered>[2] = { birthYear: 1940 }): Promise<string> {
  const id = await registered(h, w, { ...extra, village });
  await enrol(h, w, id, APPROVED);
  return id;
}

const spotCheck = (personId: string, extra: Record<string, unknown> = {}) => ({
  personId,
  kind: 'HOME_VISIT',
  purpose: 'SPOT_CHECK',
  visitedOn: IN_QUARTER,
  checked: ['SERVICE_AGREEMENT', 'SERVICE_RECORDS'],
  findings: '服务记录本与工单一致',
  falsificationSuspected: false,
  record: '上门回访,老人表示每周有人上门打扫,服务协议在册。',
  ...extra,
});
const visitRows = async () => h.db.query(`SELECT * FROM oversight_visit ORDER BY id`);

describe('spot checks and welfare visits', () => {
  it('quotes the documents: 深圳’s quarterly 5 % with a written record, and 探视巡访 of seed 003', () => {
    expect(SEED_004).toContain('社區工作站每季度要派員電話或上門回訪服務機構、受助人,並抽查服務協議、服務記錄本等相關證明材料,以查看是否有弄虛作假情況');
    expect(SEED_004).toContain('每季度的回訪或抽查受助人人數不少於本轄區補助總人數的5%以上,並作書面回訪記錄');
    expect(SEED_003).toContain('建立区级层面农村留守老年人和分散供养特困老年人探视巡访制度的基础上,推动乡镇、村落实制度');
  });

  it('records a village’s spot check and a town’s call, listed under the village with the national ID masked', async () => {
    const person = await recipient();
    const visit = (await ok(h, RECORD, { input: spotCheck(person) }, w.worker)).recordOversightVisit;
    expect(visit).toMatchObject({
      by: { code: '321012100001' },
      recipient: { id: person },
      villageCode: '321012100001',
      kind: 'HOME_VISIT',
      purpose: 'SPOT_CHECK',
      visitedOn: IN_QUARTER,
      checked: ['SERVICE_AGREEMENT', 'SERVICE_RECORDS'],
      falsificationSuspected: false,
      recordedBy: w.worker.username,
    });
    expect(visit.recipient.nationalId).toMatch(/^3\*{17}$/);
    const call = (await ok(h, RECORD, { input: spotCheck(person, { kind: 'PHONE_CALL', checked: [], findings: '电话未发现异常', falsificationSuspected: true }) }, w.townStaff)).recordOversightVisit;
    expect([call.by, call.kind, call.falsificationSuspected]).toEqual([{ code: '321012100' }, 'PHONE_CALL', true]);

    const page = (await ok(h, VISITS, { under: '321012100001', first: 1 }, w.worker)).oversightVisits;
    expect([page.totalCount, page.pageInfo.hasNextPage, page.edges.map((e: any) => e.node)]).toEqual([2, true, [visit]]);
    const next = (await ok(h, VISITS, { under: '321012100001', first: 1, after: page.pageInfo.endCursor }, w.worker)).oversightVisits;
    expect(next.edges.map((e: any) => e.node)).toEqual([call]);
    expect((await ok(h, VISITS, { under: '321012100002' }, w.county)).oversightVisits.totalCount).toBe(0);
    // The written record is a fact: the database refuses changing it.
    await expect(h.db.query(`UPDATE oversight_visit SET findings = 'x'`)).rejects.toThrow(/never changed/);
  });

  it('records a welfare visit (探视巡访) to a left-behind elder who is not enrolled', async () => {
    const person = await registered(h, w, { birthYear: 1938, livingSituations: ['LEFT_BEHIND'] });
    const input = { personId: person, kind: 'HOME_VISIT', purpose: 'WELFARE_VISIT', findings: '身体尚好,屋顶漏雨已报村委', falsificationSuspected: false, record: '探视巡访记录' };
    const visit = (await ok(h, RECORD, { input }, w.worker)).recordOversightVisit;
    expect([visit.purpose, visit.visitedOn, visit.checked]).toEqual(['WELFARE_VISIT', today(), []]);
  });

  it('lists a page of 2 visits and one of 6 in the same number of statements, and the shares of a county and of a town in as many', async () => {
    const people = [];
    for (let i = 0; i < 7; i++) people.push(await recipient(i % 2 ? '321012100002' : '321012100001'));
    for (const person of people) await ok(h, RECORD, { input: spotCheck(person, { checked: [] }) }, w.townStaff);
    const counts: number[] = [];
    for (const size of [2, 6]) {
      await forgetCaches(h);
      const res = await h.gql(VISITS, { under: '321012100', first: size }, w.townStaff.token);
      expect(res.data.oversightVisits.edges).toHaveLength(size);
      counts.push(res.extensions!.sqlStatements!);
    }
    const figures: number[] = [];
    for (const under of ['321012', '321012100']) {
      await forgetCaches(h);
      const res = await h.gql(SHARES, { under, quarter: QUARTER }, w.county.token);
      expect(res.errors).toBeUndefined();
      figures.push(res.extensions!.sqlStatements!);
    }
    expect([counts, figures]).toEqual([[counts[0], counts[0]], [figures[0], figures[0]]]);
  });

  it('refuses a person out of reach as one who does not exist, and every bad field by name, writing nothing', async () => {
    const person = await recipient();
    const notEnrolled = await registered(h, w, { birthYear: 1940 });
    const before = await visitRows();
    for (const id of [person, '999999']) {
      const res = await h.gql(RECORD, { input: spotCheck(id) }, w.siblingWorker.token);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    }
    for (const user of [w.otherCounty, w.analyst, w.leadership, w.assessor]) expect(errorCodes(await h.gql(RECORD, { input: spotCheck(person) }, user.token))).toEqual(['FORBIDDEN']);
    const cases: [Record<string, unknown>, string, typeof w.worker][] = [
      [spotCheck(notEnrolled), 'input.personId', w.worker],
      [spotCheck(person, { purpose: 'WELFARE_VISIT', checked: [] }), 'input.purpose', w.worker],
      [spotCheck(person, { checked: ['SERVICE_RECORDS', 'SERVICE_RECORDS'] }), 'input.checked', w.worker],
      [spotCheck(person, { visitedOn: '2099-01-01' }), 'input.visitedOn', w.worker],
      [spotCheck(person, { findings: '' }), 'input.findings', w.worker],
      [spotCheck(person, { record: '记'.repeat(4001) }), 'input.record', w.worker],
      [spotCheck(person, { personId: 'x' }), 'input.personId', w.worker],
      // The county is neither a community nor a town; a sibling village is not the person's.
      [spotCheck(person), 'input.by', w.county],
      [spotCheck(person, { by: '321012100002' }), 'input.by', w.townStaff],
    ];
    for (const [input, field, user] of cases) {
      const res = await h.gql(RECORD, { input }, user.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    expect(await visitRows()).toEqual(before);
  });
});

describe('the quarter’s shares (seed 004 篇五: «不少於本轄區補助總人數的5%»)', () => {
  it('equal a count from scratch: distinct recipients spot-checked in the quarter over those enrolled, per child, ranked', async () => {
    // 东苑: 21 enrolled, 2 reached (one twice) → 2 ≥ ceil(5 % × 21) = 2, met. 龙川: 3 enrolled, 0 reached → 0 < 1.
    // 小纪村: 2 enrolled, 1 reached → 50 %. Welfare visits, visits outside the quarter and people not enrolled do not count.
    const dongyuan = [];
    for (let i = 0; i < 21; i++) dongyuan.push(await recipient('321012100001'));
    const longchuan = [await recipient('321012100002'), await recipient('321012100002'), await recipient('321012100002')];
    const xiaoji = [await recipient('321012101200'), await recipient('321012101200')];
    const leftBehind = await registered(h, w, { birthYear: 1938, livingSituations: ['LEFT_BEHIND'], village: '321012100002' });
    const xiaojiWorker = await createUser(h.db, '321012101200', [Role.VILLAGE_WORKER]);

    await ok(h, RECORD, { input: spotCheck(dongyuan[0]) }, w.worker);
    await ok(h, RECORD, { input: spotCheck(dongyuan[0], { kind: 'PHONE_CALL', checked: [], visitedOn: '2026-09-30' }) }, w.townStaff);
    await ok(h, RECORD, { input: spotCheck(dongyuan[1], { visitedOn: '2026-07-01' }) }, w.worker);
    await ok(h, RECORD, { input: spotCheck(dongyuan[2], { visitedOn: '2026-06-30' }) }, w.worker); // Q2
    await ok(h, RECORD, { input: spotCheck(xiaoji[0]) }, xiaojiWorker);
    await ok(h, RECORD, { input: { personId: leftBehind, kind: 'HOME_VISIT', purpose: 'WELFARE_VISIT', visitedOn: IN_QUARTER, findings: '无异常', falsificationSuspected: false, record: '探视' } }, w.siblingWorker);

    // The count from scratch, from what the test did.
    const reachedIn = { '321012100001': 2, '321012100002': 0, '321012101200': 1 } as Record<string, number>;
    const enrolledIn = { '321012100001': dongyuan.length, '321012100002': longchuan.length, '321012101200': xiaoji.length } as Record<string, number>;
    const count = (prefix: string) => {
      const villages = Object.keys(enrolledIn).filter((v) => v.startsWith(prefix));
      const enrolled = villages.reduce((n, v) => n + enrolledIn[v], 0);
      const reached = villages.reduce((n, v) => n + reachedIn[v], 0);
      const required = Math.ceil((5 * enrolled) / 100);
      return { enrolled, reached, share: enrolled ? reached / enrolled : null, percentRequired: 5, required, met: reached >= required };
    };
    const town = (await ok(h, SHARES, { under: '321012100', quarter: QUARTER }, w.townStaff)).oversightShares;
    expect(town).toEqual({
      node: { code: '321012100' },
      quarter: QUARTER,
      figure: count('321012100'),
      children: [
        { node: { code: '321012100001' }, rank: 1, figure: count('321012100001') },
        { node: { code: '321012100002' }, rank: 2, figure: count('321012100002') },
      ],
    });
    expect(town.children.map((c: any) => c.figure.met)).toEqual([true, false]);
    const county = (await ok(h, SHARES, { under: '321012', quarter: QUARTER }, w.analyst)).oversightShares;
    // 小纪镇 (50 %) ranks above 仙女镇 (2 of 24).
    expect(county.children).toEqual([
      { node: { code: '321012101' }, rank: 1, figure: count('321012101') },
      { node: { code: '321012100' }, rank: 2, figure: count('321012100') },
    ]);
    expect(county.figure).toEqual(count('321012'));
    expect((await ok(h, SHARES, { quarter: QUARTER }, w.worker)).oversightShares).toEqual({ node: { code: '321012100001' }, quarter: QUARTER, figure: count('321012100001'), children: [] });
    // A quarter before anyone was enrolled: nothing to share, nothing required.
    expect((await ok(h, SHARES, { under: '321012', quarter: '2026-Q1' }, w.leadership)).oversightShares.figure).toEqual({ enrolled: 0, reached: 0, share: null, percentRequired: 5, required: 0, met: true });
  });

  it('refuses a bad quarter, another county and the roles without figures', async () => {
    for (const quarter of ['2026-Q5', '2026Q1', '', '2026-Q1 ']) {
      const res = await h.gql(SHARES, { under: '321012', quarter }, w.leadership.token);
      if (quarter === '2026-Q1 ') expect(res.errors).toBeUndefined();
      else expect([quarter, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([quarter, ['BAD_USER_INPUT'], 'quarter']);
    }
    expect(errorCodes(await h.gql(SHARES, { under: '321023', quarter: QUARTER }, w.leadership.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(SHARES, { under: '321012', quarter: QUARTER }, w.assessor.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(VISITS, { under: '321012' }, w.analyst.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(VISITS, { under: '321012100002' }, w.worker.token))).toEqual(['FORBIDDEN']);
  });
});
