import fs from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORD, seedDemo } from '../../seeds/demo';
import { DEMO_LOTTERY_RULE_SOURCE } from '../../seeds/demo-funding';
import { DEMO_CAREGIVER_USERNAME, DEMO_CAREGIVERS } from '../../seeds/demo-caregivers';
import { todayInChina } from '../../src/kernel/dates';
import { useHarness } from '../support/harness';

const h = useHarness();
jest.setTimeout(120_000);

async function login(username: string): Promise<string> {
  const res = await h.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: DEMO_PASSWORD });
  expect(res.errors).toBeUndefined();
  return res.data.login.token;
}

describe('the demo data', () => {
  it('gives the demo county admin non-trivial coverage for every metric and town of 江都区, and is loaded once', async () => {
    expect((await seedDemo(h.db)).seeded).toBe(true);
    const token = await login('civil-affairs-admin@321012');
    const metrics: string[] = ['VILLAGE_SERVICE', 'MEAL_SERVICE', 'COMMUNITY_STATION', 'TOWN_CENTER', 'COUNTY_GUIDANCE_CENTER'];
    for (const metric of metrics) {
      const res = await h.gql(
        `query($metric: CoverageMetric!) { jurisdiction(code: "321012") {
           coverage(metric: $metric) { numerator denominator }
           lastYear: coverage(metric: $metric, asOf: "2024-06-30") { numerator }
           childCoverage(metric: $metric, first: 100) { totalCount edges { node { jurisdiction { code } numerator denominator rank } } }
         } }`,
        { metric },
        token,
      );
      expect(res.errors).toBeUndefined();
      const { coverage, lastYear, childCoverage } = res.data.jurisdiction;
      expect([metric, coverage.numerator > 0]).toEqual([metric, true]);
      // Coverage grew over time: the history is not a copy of today.
      expect([metric, lastYear.numerator <= coverage.numerator]).toEqual([metric, true]);
      if (metric !== 'COUNTY_GUIDANCE_CENTER') {
        expect([metric, coverage.numerator < coverage.denominator]).toEqual([metric, true]);
        expect(childCoverage.totalCount).toBe(14);
        const ranks = new Set(childCoverage.edges.map((e: any) => e.node.rank));
        expect([metric, ranks.size > 1]).toEqual([metric, true]);
      }
    }
    const towns = await h.gql(
      `{ jurisdiction(code: "321012") { childCoverage(metric: VILLAGE_SERVICE, first: 100) { edges { node { numerator denominator } } } } }`,
      {},
      token,
    );
    for (const { node } of towns.data.jurisdiction.childCoverage.edges) {
      if (node.denominator > 1) expect(node.numerator).toBeGreaterThan(0);
    }
    const stats = await h.gql(`{ jurisdiction(code: "321012") { facilityStats { byTypeAndStatus { status } beds { total dementia } } } }`, {}, token);
    const statuses = new Set(stats.data.jurisdiction.facilityStats.byTypeAndStatus.map((row: any) => row.status));
    expect([...statuses].sort()).toEqual(['ACCEPTED', 'BUILT', 'OPERATING', 'PLANNED', 'SUSPENDED', 'UNDER_CONSTRUCTION']);
    expect(stats.data.jurisdiction.facilityStats.beds.total).toBeGreaterThan(0);

    // People and the seed schemes: the county admin asks for someone's entitlement and gets the reasons.
    const people = await h.gql(`{ people(under: "321012", first: 100) { totalCount edges { node { id age } } } }`, {}, token);
    expect(people.errors).toBeUndefined();
    expect(people.data.people.totalCount).toBeGreaterThan(600);
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const paid: number[] = [];
    for (const { node } of people.data.people.edges) {
      const res = await h.gql(
        `query($id: ID!, $month: Month!) { entitlement(personId: $id, month: $month) {
           amountFen schemes { scheme { name jurisdiction { code } } status tiers { applied reasons { code } } } shares { amountFen } } }`,
        { id: node.id, month },
        token,
      );
      expect(res.errors).toBeUndefined();
      const { amountFen, schemes, shares } = res.data.entitlement;
      expect(schemes.map((s: any) => s.scheme.name).sort()).toEqual(['困难老人养老服务补贴', '高龄老年人养老服务补贴']);
      expect(shares.reduce((sum: number, s: any) => sum + s.amountFen, 0)).toBe(amountFen);
      for (const scheme of schemes) {
        if (scheme.status !== 'APPLIED') expect(scheme.tiers.some((t: any) => t.reasons.length > 0) || scheme.status === 'EXCLUDED').toBe(true);
      }
      if (amountFen > 0) paid.push(amountFen);
    }
    expect(paid.length).toBeGreaterThan(0);
    expect(paid.length).toBeLessThan(people.data.people.edges.length);
    const floors = await h.gql(`{ subsidyFloors(at: "321012") { jurisdiction { code } minAge maxAge amountFen } }`, {}, token);
    // No floor: seed 001's 「90―99岁老人每人每月不低于50元」 is a template of another province's plan, not 江苏's.
    expect(floors.data.subsidyFloors).toEqual([]);
    // seed 004 篇四: both are bought services (「政府購買居家養老服務」), asked for (「須到户籍所在地村(社區)提出申請」),
    // stopped at once on a death or move (「應立即核銷平台人員信息、停止提供服務」), with no period for an assessment;
    // 失能 is 「失能(重度失能)」 only.
    const schemes = await h.gql(
      `{ subsidySchemes(at: "321012") { name kind inForce { requiresApplication lastMonth assessmentValidMonths tiers { name abilities } } } }`,
      {},
      token,
    );
    expect(schemes.errors).toBeUndefined();
    const byName = new Map(schemes.data.subsidySchemes.map((s: any) => [s.name, s]));
    expect(byName.get('高龄老年人养老服务补贴')).toMatchObject({ kind: 'HOME_CARE_SUBSIDY' });
    expect(byName.get('困难老人养老服务补贴')).toMatchObject({ kind: 'HARDSHIP_CARE_SUBSIDY' });
    for (const scheme of byName.values() as Iterable<any>) {
      expect(scheme.inForce).toMatchObject({ requiresApplication: true, lastMonth: 'STOP_IN_MONTH_OF_EVENT', assessmentValidMonths: null });
    }
    const severe = (byName.get('困难老人养老服务补贴') as any).inForce.tiers.filter((t: any) => t.name.endsWith('·失能'));
    expect(severe.map((t: any) => t.abilities)).toEqual([['SEVERE'], ['SEVERE']]);

    // People counts: everyone active in 江都区, today, and everyone resident a year and more ago, before anyone died or moved away.
    const COUNTS = `query($asOf: Date) { jurisdiction(code: "321012") {
      peopleCounts(asOf: $asOf) { total byAgeBand { count } byAbility { level count } }
      children(first: 20) { edges { node { peopleCounts(asOf: $asOf) { total } } } } } }`;
    const countyCounts = async (asOf: string | null) => {
      const res = await h.gql(COUNTS, { asOf }, token);
      expect(res.errors).toBeUndefined();
      const { peopleCounts, children } = res.data.jurisdiction;
      // The towns add up to the county; the bands partition it.
      expect(children.edges.reduce((sum: number, e: any) => sum + e.node.peopleCounts.total, 0)).toBe(peopleCounts.total);
      expect(peopleCounts.byAgeBand.reduce((sum: number, b: any) => sum + b.count, 0)).toBe(peopleCounts.total);
      return peopleCounts;
    };
    const [{ active, all }] = await h.db.query(
      `SELECT count(*) FILTER (WHERE p.status = 'ACTIVE')::int AS active, count(*)::int AS all
       FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE v.code LIKE '321012%'`,
    );
    expect(active).toBeLessThan(all);
    const today = await countyCounts(null);
    expect(today.total).toBe(active);
    expect(today.byAbility.find((a: any) => a.level === 'NOT_ASSESSED').count).toBeLessThan(active);
    const aYearAgo = new Date(Date.now() + 8 * 3600_000 - 400 * 86_400_000).toISOString().slice(0, 10);
    const [{ resident }] = await h.db.query(
      `SELECT count(*)::int AS resident FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE v.code LIKE '321012%' AND p.resident_since <= $1`,
      [aYearAgo],
    );
    expect((await countyCounts(aYearAgo)).total).toBe(resident);
    // A demo database seeded before people were counted counts them on its next start.
    await h.db.query(`DELETE FROM rollup_change WHERE key LIKE 'people:%'`);
    await h.db.query(`DELETE FROM app_setting WHERE key = 'demo_people_counted'`);
    expect((await seedDemo(h.db)).seeded).toBe(true);
    expect((await countyCounts(null)).total).toBe(active);

    // 仙女镇's facility subsidies (seed 000) for 2025, as finance reads them: some mutual-aid centers are paid
    // for operating with meals, others are refused with their reasons, and every amount splits exactly.
    const finance = await login('finance@3210');
    const centers = await h.gql(
      `{ facilities(under: "321012100", type: MUTUAL_AID_CENTER, first: 100) { edges { node { name status subsidies(year: 2025) {
           amountFen operatingDays shares { funder { code } amountFen }
           schemes { scheme { name kind } status amountFen tiers { operatingDays reasons { code } } lines { month amountFen } shares { amountFen } }
         } } } } }`,
      {},
      finance,
    );
    expect(centers.errors).toBeUndefined();
    const yearly = centers.data.facilities.edges.map((e: any) => e.node);
    const operatingOf = (node: any) => node.subsidies.schemes.find((s: any) => s.scheme.kind === 'FACILITY_OPERATING');
    const constructionOf = (node: any) => node.subsidies.schemes.find((s: any) => s.scheme.kind === 'FACILITY_CONSTRUCTION');
    for (const node of yearly) {
      expect(node.subsidies.schemes.map((s: any) => s.scheme.name).sort()).toEqual(['互助养老服务中心建设一次性补助', '互助养老服务中心运营补助']);
      expect(node.subsidies.shares.reduce((sum: number, s: any) => sum + s.amountFen, 0)).toBe(node.subsidies.amountFen);
      for (const share of node.subsidies.shares) expect(share.funder.code).toBe('321012100');
      const operating = operatingOf(node);
      // 50 元 × 30 diners for every month paid, only when the year's days with meals reach 260.
      expect(operating.amountFen).toBe(operating.lines.length * 5000 * 30);
      if (operating.amountFen > 0) expect(operating.tiers[0].operatingDays).toBeGreaterThanOrEqual(260);
      else expect(operating.tiers[0].reasons.length).toBeGreaterThan(0);
    }
    const paidForOperating = yearly.filter((node: any) => operatingOf(node).status === 'APPLIED');
    const refusedOperating = yearly.filter((node: any) => operatingOf(node).status === 'NOT_ELIGIBLE');
    expect(paidForOperating.length).toBeGreaterThan(0);
    expect(refusedOperating.length).toBeGreaterThan(0);
    expect(refusedOperating.flatMap((node: any) => operatingOf(node).tiers[0].reasons.map((r: any) => r.code))).toContain('TOO_FEW_OPERATING_DAYS');
    // Accepted in 2025: the construction subsidy, once.
    const built = yearly.filter((node: any) => constructionOf(node).status === 'APPLIED');
    expect(built.length).toBeGreaterThan(0);
    for (const node of built) expect(constructionOf(node).lines).toEqual([{ month: expect.stringMatching(/^2025-/), amountFen: 1_000_000 }]);

    // The demo service provider sees its organisation's facilities only.
    const provider = await login('service-provider@321012');
    const own = await h.gql(`{ facilities(first: 100) { totalCount edges { node { operator { name } } } } }`, {}, provider);
    expect(own.errors).toBeUndefined();
    expect(own.data.facilities.totalCount).toBeGreaterThan(0);
    expect(new Set(own.data.facilities.edges.map((e: any) => e.node.operator.name))).toEqual(new Set(['江都区颐养居家养老服务中心']));
    // And its organisation's contract with 江都区 (seed 004 篇四 «(二)服務項目»: six items), serving 仙女镇's villages for a
    // year from the first day of the service stage («招標服務以一年為期»), each visit at least an hour.
    const contracts = await h.gql(`{ contracts { edges { node { jurisdiction { code } area { code } from until catalogue { item minMinutes } } } } }`, {}, provider);
    expect(contracts.errors).toBeUndefined();
    expect(contracts.data.contracts.edges.map((e: any) => e.node)).toEqual([
      {
        jurisdiction: { code: '321012' },
        area: [{ code: '321012100' }],
        from: '2026-09-01',
        until: '2027-08-31',
        catalogue: ['MEALS', 'CLEANING', 'EMERGENCY', 'PERSONAL_CARE', 'COMPANIONSHIP', 'ERRANDS'].map((item) => ({ item, minMinutes: 60 })),
      },
    ]);
    const serving = await h.gql(`{ contractFor(village: "321012100001", item: MEALS, on: "2026-09-01") { provider { name } } }`, {}, provider);
    expect(serving.data.contractFor).toEqual([{ provider: { name: '江都区颐养居家养老服务中心' } }]);

    // The seed targets as 江都区's leadership office follows them: live progress from the roll-ups, and a
    // board of the 14 towns ranked, laggards first.
    const office = await login('leadership-office@321012');
    const listed = await h.gql(
      `{ targets(first: 50) { totalCount edges { node { id title metric threshold jurisdiction { code } allocatedFrom { id }
           progress { value numerator denominator expected status } } } } }`,
      {},
      office,
    );
    expect(listed.errors).toBeUndefined();
    const targets = listed.data.targets.edges.map((e: any) => e.node);
    // Three county targets, 浦头镇's own, and the coverage target's 14 allocations.
    expect(listed.data.targets.totalCount).toBe(18);
    const setHere = targets.filter((t: any) => t.allocatedFrom === null);
    const coverageTarget = setHere.find((t: any) => t.metric === 'VILLAGE_SERVICE' && t.jurisdiction.code === '321012');
    const county = await h.gql(`{ jurisdiction(code: "321012") { coverage(metric: VILLAGE_SERVICE) { numerator denominator } } }`, {}, office);
    expect(coverageTarget.progress).toMatchObject(county.data.jurisdiction.coverage);
    const town = setHere.find((t: any) => t.jurisdiction.code === '321012120');
    expect(town).toMatchObject({ threshold: 100, progress: { status: 'OVERDUE' } });
    expect(town.progress.numerator).toBeLessThan(town.progress.denominator);
    for (const metric of ['SUBSIDY_RECIPIENT_SHARE', 'DEMENTIA_BED_SHARE']) {
      const target = setHere.find((t: any) => t.metric === metric);
      expect([metric, target.progress.value > 0, target.progress.status !== null]).toEqual([metric, true, true]);
    }
    const board = await h.gql(
      `query($id: ID!) { target(id: $id) { board { laggards rows { jurisdiction { code } threshold value status rank } } } }`,
      { id: coverageTarget.id },
      office,
    );
    expect(board.errors).toBeUndefined();
    const rows = board.data.target.board.rows;
    expect(rows).toHaveLength(14);
    expect(new Set(rows.map((row: any) => row.rank)).size).toBeGreaterThan(1);
    expect(rows.find((row: any) => row.jurisdiction.code === '321012120').threshold).toBe(100);
    expect(board.data.target.board.laggards).toBeGreaterThan(0);
    expect(['OVERDUE', 'BEHIND', 'AT_RISK']).toContain(rows[0].status);

    // 江都区 follows the 江都 procedure (seed 004 篇四), inherited by a community of 仙女镇, and takes new
    // recipients in half-yearly windows: 「新增對象每半年新增一次,做到集中申報、集中審批、集中評估」.
    const worker = await login('village-worker@321012100001');
    const procedure = await h.gql(
      `{ reviewProcedure(code: "321012100001", on: "2026-06-01") { inherited procedure { template usesIntakeWindows jurisdiction { code } steps { kind } } }
         first: intakeWindow(code: "321012100001", on: "2026-06-01") { open window { name opens closes } }
         between: intakeWindow(code: "321012100001", on: "2026-07-01") { open window { name } } }`,
      {},
      worker,
    );
    expect(procedure.errors).toBeUndefined();
    expect(procedure.data.reviewProcedure).toEqual({
      inherited: true,
      procedure: {
        template: 'JIANGDU',
        usesIntakeWindows: true,
        jurisdiction: { code: '321012' },
        steps: ['VILLAGE_REVIEW', 'TOWN_REVIEW', 'FILING', 'ASSESSMENT', 'PUBLIC_NOTICE'].map((kind) => ({ kind })),
      },
    });
    expect(procedure.data.first).toEqual({ open: true, window: { name: '2026年上半年集中申報', opens: '2026-05-31', closes: '2026-06-30' } });
    expect(procedure.data.between).toEqual({ open: false, window: { name: '2026年下半年集中申報' } });

    // The county follows the 江都 care rules (seeds/demo-care.ts): every village inherits them, and each
    // enrolled person of the village has this month's plan under them.
    const care = await h.gql(
      `query($month: Month!) { careRules(at: "321012100001") { inherited rules { template jurisdiction { code } } }
         carePlans(month: $month, first: 100) { totalCount edges { node { rules { template } requirement { minMinutesPerVisit } } } } }`,
      { month },
      worker,
    );
    expect(care.errors).toBeUndefined();
    expect(care.data.careRules).toEqual({ inherited: true, rules: { template: 'JIANGDU', jurisdiction: { code: '321012' } } });
    const [{ enrolled }] = await h.db.query(
      `SELECT count(DISTINCT e.person_id)::int AS enrolled FROM enrolment e JOIN person p ON p.id = e.person_id JOIN jurisdiction v ON v.id = p.village_id
       WHERE v.code = '321012100001' AND e.from_month <= $1::date AND (e.until_month IS NULL OR e.until_month >= $1::date)`,
      [`${month}-01`],
    );
    expect(care.data.carePlans.totalCount).toBe(enrolled);
    for (const { node } of care.data.carePlans.edges) expect(node).toEqual({ rules: { template: 'JIANGDU' }, requirement: { minMinutesPerVisit: 60 } });
    // The demo caregiver signs in and reads her record and card; of the provider's two caregivers only the one
    // who passed her training may serve: «培訓不合格人員不得上崗» (seed 004 篇四).
    const caregiver = await login(DEMO_CAREGIVER_USERNAME);
    const herself = await h.gql(`{ me { caregiver { id workCardNumber standing { mayServe } } } }`, {}, caregiver);
    expect(herself.errors).toBeUndefined();
    expect(herself.data.me.caregiver).toMatchObject({ workCardNumber: DEMO_CAREGIVERS[0].workCardNumber, standing: { mayServe: true } });
    const card = await h.gql(`query($id: ID!) { caregiverCard(id: $id) { name organisationName } }`, { id: herself.data.me.caregiver.id }, caregiver);
    expect(card.data.caregiverCard).toEqual({ name: DEMO_CAREGIVERS[0].name, organisationName: '江都区颐养居家养老服务中心' });
    const staff = await h.gql(`{ caregivers { edges { node { workCardNumber standing { mayServe } } } } }`, {}, await login('service-provider@321012'));
    expect(staff.data.caregivers.edges.map((e: any) => e.node)).toEqual(
      DEMO_CAREGIVERS.map((c) => ({ workCardNumber: c.workCardNumber, standing: { mayServe: c.training.passed } })),
    );

    // The days before: three recipients of 仙女镇 visited by her, one visit of 40 minutes VOID and redone
    // («每次服務時長不低於1小時», «均作廢單處理,通知服務人員重新提供服務», seed 004 篇四), every verified order called
    // back by the provider («各服務商要對日工單進行100%回訪»), and one spot check by the town's staff.
    const orders = await h.gql(
      `{ workOrders(first: 20) { edges { node { state voidReasons minutes serviceClass redoOf caregiver { workCardNumber } } } } }`,
      {},
      await login('civil-affairs-staff@321012100'),
    );
    expect(orders.errors).toBeUndefined();
    const nodes = orders.data.workOrders.edges.map((e: any) => e.node);
    expect(nodes.map((o: any) => o.state).sort()).toEqual(['VERIFIED', 'VERIFIED', 'VERIFIED', 'VERIFIED', 'VOID']);
    expect(nodes.find((o: any) => o.state === 'VOID')).toMatchObject({ voidReasons: ['SHORTER_THAN_MINIMUM'], minutes: 40 });
    expect(nodes.filter((o: any) => o.redoOf !== null)).toHaveLength(1);
    for (const o of nodes) expect(o.caregiver).toEqual({ workCardNumber: DEMO_CAREGIVERS[0].workCardNumber });
    for (const o of nodes.filter((x: any) => x.state === 'VERIFIED')) expect(o.minutes).toBeGreaterThanOrEqual(60);
    const [called] = await h.db.query(
      `SELECT count(*) FILTER (WHERE c.order_id IS NOT NULL)::int AS called, count(*)::int AS verified
       FROM work_order o LEFT JOIN order_callback c ON c.order_id = o.id AND c.kind = 'PROVIDER' WHERE o.state = 'VERIFIED'`,
    );
    expect(called).toEqual({ called: 4, verified: 4 });
    expect(await h.db.query(`SELECT purpose, falsification_suspected AS suspected FROM oversight_visit`)).toEqual([{ purpose: 'SPOT_CHECK', suspected: false }]);
    // The town's month is planned: its board counts the recipients whose plans ask for visits.
    const [{ planned }] = await h.db.query(
      `SELECT count(*) FILTER (WHERE required > 0)::int AS planned FROM care_month WHERE month = date_trunc('month', $1::date) AND village_code LIKE '321012100%'`,
      [todayInChina()],
    );
    const townBoard = await h.gql(`query($month: Month!) { careCompliance(at: "321012100", month: $month) { recipients } }`, { month: todayInChina().slice(0, 7) }, await login('civil-affairs-staff@321012100'));
    expect(townBoard.errors).toBeUndefined();
    expect(townBoard.data.careCompliance.recipients).toBe(planned);
    expect(planned).toBeGreaterThan(0);

    // 江都区's funding by source («三個一點», seed 004) and seed 003's rule, which its 60 % meets; 扬州市 states none.
    const seed003 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('003'))!), 'utf8');
    expect(seed003).toContain(/«(.+)»/.exec(DEMO_LOTTERY_RULE_SOURCE)![1]);
    const funding = await h.gql(
      `query($year: Int!) { funding(under: "3210", year: $year) { figures { lottery { status } } children { node { code } figures { subtreeTotalFen lottery { share status rule { source } } } } } }`,
      { year: Number(todayInChina().slice(0, 4)) },
      await login('leadership-office@32'),
    );
    expect(funding.errors).toBeUndefined();
    expect(funding.data.funding.figures.lottery.status).toBe('NO_RULE');
    const jiangdu = funding.data.funding.children.find((c: any) => c.node.code === '321012');
    expect(jiangdu.figures).toEqual({ subtreeTotalFen: 2_540_000_000, lottery: { share: 0.6, status: 'MET', rule: { source: DEMO_LOTTERY_RULE_SOURCE } } });

    // The demo provider's statement of this month (seed 004 篇四: «服務結算每月一次…由各鎮核實上報數據»), a draft for
    // 仙女镇 to check: what the vouchers paid of the verified visits, split between the district and the town.
    const statements = await h.gql(
      `{ settlementStatements(under: "321012") { state month orders priceFen voucherFen ownFen funders { level amountFen } towns { code checkedBy } } }`,
      {},
      finance,
    );
    expect(statements.errors).toBeUndefined();
    const [statement] = statements.data.settlementStatements;
    expect(statement).toMatchObject({ state: 'DRAFT', month: todayInChina().slice(0, 7), towns: [{ code: '321012100', checkedBy: null }] });
    expect(statement.orders).toBeGreaterThan(0);
    expect(statement.voucherFen + statement.ownFen).toBe(statement.priceFen);
    expect(statement.funders.reduce((sum: number, f: any) => sum + f.amountFen, 0)).toBe(statement.voucherFen);

    const facilities = await h.db.query(`SELECT count(*)::int AS n FROM facility`);
    expect((await seedDemo(h.db)).seeded).toBe(false);
    // 江都区's, and the one its applications approved before the platform stand under (seeds/demo-enrolments.ts).
    expect(await h.db.query(`SELECT count(*)::int AS n FROM review_procedure`)).toEqual([{ n: 2 }]);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM facility`)).toEqual(facilities);
    expect(await h.db.query(`SELECT count(*)::int AS n FROM care_rules`)).toEqual([{ n: 1 }]);
  });
});
