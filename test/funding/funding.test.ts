import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertJurisdictions, smallTree, type TestUser } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

// Funding sources (资金来源) of each level, and the share of the retained lottery fund put into elderly care.
// The sources and the rule are the seeds':
//   seed 001: «资金主要来源于各级财政1般预算安排的资金、各级福利彩票公益金安排的资金、社会捐助资金、其他渠道筹集的资金»
//   seed 003: «市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展», «引导农村集体经济收益…支持农村养老服务发展»
//   seed 004: «資金來源按“三個一點”的方式籌集,即市福彩公益金出一點,區財政出一點,社會和個人出一點»

const h = useHarness();

const seed = (prefix: string) => fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith(prefix))!), 'utf8');
const SEED_001 = seed('001');
const SEED_003 = seed('003');
const SEED_004 = seed('004');
const RULE_003 = '市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展';
const THREE_POINTS_004 = '資金來源按“三個一點”的方式籌集,即市福彩公益金出一點,區財政出一點,社會和個人出一點';

const YEAR = Number(todayInChina().slice(0, 4));
const CITY = '3210';
const JIANGDU = '321012';
const BAOYING = '321023';

const LINE = `mutation($input: RecordBudgetLineInput!) {
  recordBudgetLine(input: $input) { id jurisdiction { code } year source purpose amountFen note recordedBy supersedes supersededAt }
}`;
const RULE = `mutation($input: SetLotteryFundRuleInput!) { setLotteryFundRule(input: $input) { id jurisdiction { code } fromYear minPercent source supersedes } }`;
const LINES = `query($code: String!, $year: Int!, $history: Boolean) {
  budgetLines(code: $code, year: $year, history: $history) { id source purpose amountFen note supersedes supersededAt }
}`;
const FIGURES = `bySource { source ownFen subtreeFen } ownTotalFen subtreeTotalFen
  lottery { retainedFen elderlyCareFen share percentRequired status rule { fromYear minPercent source } }`;
const BOARD = `query($under: String, $year: Int!) {
  funding(under: $under, year: $year) { node { code } year figures { ${FIGURES} } children { node { code } rank figures { ${FIGURES} } } }
}`;

let finance: TestUser;

async function ok<T = any>(query: string, variables: Record<string, unknown>, user: TestUser = finance): Promise<T> {
  const res = await h.gql(query, variables, user.token);
  expect(res.errors).toBeUndefined();
  return res.data;
}

const line = (code: string, source: string, purpose: string, amountFen: number, extra: Record<string, unknown> = {}) =>
  ok(LINE, { input: { code, year: YEAR, source, purpose, amountFen, ...extra } });
const rule = (code: string, minPercent: number | null, fromYear = YEAR, source = `seed 003: «${RULE_003}»`) =>
  ok(RULE, { input: { code, fromYear, minPercent, source } });
const board = async (under: string, year = YEAR, user = finance) => (await ok(BOARD, { under, year }, user)).funding;

const tableRows = async () => (await h.db.query(`SELECT (SELECT count(*) FROM budget_line)::int AS lines, (SELECT count(*) FROM lottery_fund_rule)::int AS rules`))[0];

beforeEach(async () => {
  await smallTree(h.db);
  finance = await createUser(h.db, CITY, [Role.FINANCE]);
});

describe('the sources and the rule, as the seeds state them', () => {
  it('quotes its sources word for word', () => {
    expect(SEED_003).toContain(RULE_003);
    expect(SEED_003).toContain('引导农村集体经济收益、公益慈善资金、民间资本支持农村养老服务发展');
    expect(SEED_004).toContain(THREE_POINTS_004);
    expect(SEED_001).toContain('资金主要来源于各级财政1般预算安排的资金、各级福利彩票公益金安排的资金、社会捐助资金、其他渠道筹集的资金');
  });
});

describe('the lottery fund check (seed 003: 55% of the retained fund to elderly care)', () => {
  it('is met at 55.00% exactly and not at one fen less; a correction is a new line and the old one stays', async () => {
    await rule(CITY, 55);
    // 1,000,000.00 元 retained, 550,000.00 元 to elderly care: 55% exactly.
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 100_000_000, { note: '扬财社〔2025〕1号' });
    const first = (await line(CITY, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 55_000_000)).recordBudgetLine;
    expect((await board(CITY)).figures.lottery).toEqual({
      retainedFen: 100_000_000,
      elderlyCareFen: 55_000_000,
      share: 0.55,
      percentRequired: 55,
      status: 'MET',
      rule: { fromYear: YEAR, minPercent: 55, source: `seed 003: «${RULE_003}»` },
    });

    const corrected = (await line(CITY, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 54_999_999)).recordBudgetLine;
    expect(corrected).toMatchObject({ supersedes: first.id, supersededAt: null, amountFen: 54_999_999, recordedBy: finance.username });
    expect((await board(CITY)).figures.lottery).toMatchObject({ elderlyCareFen: 54_999_999, status: 'NOT_MET' });

    const current = (await ok(LINES, { code: CITY, year: YEAR })).budgetLines;
    expect(current.map((l: any) => [l.purpose, l.amountFen])).toEqual([
      ['ELDERLY_CARE', 54_999_999],
      ['RETAINED_TOTAL', 100_000_000],
    ]);
    const history = (await ok(LINES, { code: CITY, year: YEAR, history: true })).budgetLines;
    expect(history.map((l: any) => [l.purpose, l.amountFen, l.supersededAt === null])).toEqual([
      ['ELDERLY_CARE', 55_000_000, false],
      ['ELDERLY_CARE', 54_999_999, true],
      ['RETAINED_TOTAL', 100_000_000, true],
    ]);
    const audited = await h.db.query(`SELECT action, target_type, detail->>'amountFen' AS amount FROM audit_entry WHERE outcome = 'SUCCESS' ORDER BY id`);
    expect(audited).toEqual([
      { action: 'lotteryFundRule.set', target_type: 'LotteryFundRule', amount: null },
      { action: 'budgetLine.record', target_type: 'BudgetLine', amount: '100000000' },
      { action: 'budgetLine.record', target_type: 'BudgetLine', amount: '55000000' },
      { action: 'budgetLine.record', target_type: 'BudgetLine', amount: '54999999' },
    ]);
  });

  it('states no rule by default; a rule with a line missing is NO_DATA; a rule holds from its year until a later one', async () => {
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 1_000_000);
    expect((await board(CITY)).figures.lottery).toMatchObject({ retainedFen: 1_000_000, elderlyCareFen: null, share: null, percentRequired: null, status: 'NO_RULE', rule: null });
    await rule(CITY, 55, YEAR - 1);
    expect((await board(CITY)).figures.lottery).toMatchObject({ percentRequired: 55, status: 'NO_DATA' });
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 600_000);
    expect((await board(CITY)).figures.lottery).toMatchObject({ share: 0.6, status: 'MET' });
    // Two years before, the rule did not hold yet; from this year the level states no share any more.
    expect((await board(CITY, YEAR - 2)).figures.lottery).toMatchObject({ status: 'NO_RULE', retainedFen: null });
    await rule(CITY, null, YEAR, '市政府常务会议纪要');
    expect((await board(CITY)).figures.lottery).toMatchObject({ percentRequired: null, status: 'NO_RULE', rule: { fromYear: YEAR, minPercent: null } });
    expect((await board(CITY, YEAR - 1)).figures.lottery).toMatchObject({ percentRequired: 55 });
  });
});

describe('the sources of each level rolled up the tree (seed 004: «三個一點»)', () => {
  it('sums each source at the level and over its subtree, and ranks the counties by their lottery share', async () => {
    // 市福彩公益金出一點: the city; 區財政出一點: each county; 社會和個人出一點: donations and the people served, in 江都.
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 10_000_000);
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 6_000_000);
    await line(JIANGDU, 'GENERAL_BUDGET', 'ELDERLY_CARE', 3_000_000);
    await line(BAOYING, 'GENERAL_BUDGET', 'ELDERLY_CARE', 2_000_000);
    await line(JIANGDU, 'SOCIAL_DONATION', 'ELDERLY_CARE', 500_000);
    await line(JIANGDU, 'INDIVIDUAL', 'ELDERLY_CARE', 400_000);
    // A village's collective economy (seed 003 «农村集体经济收益») below 江都.
    await line('321012101200', 'COLLECTIVE_ECONOMY', 'ELDERLY_CARE', 100_000);
    // Each county's own lottery fund: 宝应 puts 70% of it into elderly care, 江都 50%.
    await line(JIANGDU, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 2_000_000);
    await line(JIANGDU, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 1_000_000);
    await line(BAOYING, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 1_000_000);
    await line(BAOYING, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 700_000);
    for (const county of [JIANGDU, BAOYING]) await rule(county, 55);

    const city = await board(CITY);
    const amounts = (figures: any) => Object.fromEntries(figures.bySource.map((s: any) => [s.source, [s.ownFen, s.subtreeFen]]));
    expect(amounts(city.figures)).toEqual({
      LOTTERY_WELFARE_FUND: [6_000_000, 7_700_000],
      GENERAL_BUDGET: [0, 5_000_000],
      SOCIAL_DONATION: [0, 500_000],
      INDIVIDUAL: [0, 400_000],
      COLLECTIVE_ECONOMY: [0, 100_000],
      OTHER: [0, 0],
    });
    // The retained totals are not money spent on care: they count in no sum.
    expect([city.figures.ownTotalFen, city.figures.subtreeTotalFen]).toEqual([6_000_000, 13_700_000]);
    expect(city.children.map((c: any) => [c.node.code, c.rank, c.figures.lottery.share, c.figures.lottery.status, c.figures.subtreeTotalFen])).toEqual([
      [BAOYING, 1, 0.7, 'MET', 2_700_000],
      [JIANGDU, 2, 0.5, 'NOT_MET', 5_000_000],
    ]);
    expect(amounts(city.children[1].figures).COLLECTIVE_ECONOMY).toEqual([0, 100_000]);
    // A county reads its own board: its towns, none with a share, unranked.
    const countyStaff = await createUser(h.db, JIANGDU, [Role.CIVIL_AFFAIRS_STAFF]);
    const county = await board(JIANGDU, YEAR, countyStaff);
    expect(county.figures.lottery.status).toBe('NOT_MET');
    expect(county.children.map((c: any) => [c.node.code, c.rank, c.figures.subtreeTotalFen])).toEqual([
      ['321012100', null, 0],
      ['321012101', null, 100_000],
    ]);
  });

  it('reads a board of 3 counties and of 11 in as many statements', async () => {
    const towns = Array.from({ length: 11 }, (_, i) => [`321099${100 + i}`, `第${i + 1}镇`] as [string, string]);
    await insertJurisdictions(h.db, [['321099', '测试县'], ...towns]);
    for (const [code] of towns) await line(code, 'GENERAL_BUDGET', 'ELDERLY_CARE', 1_000);
    const counts: number[] = [];
    for (const under of [CITY, '321099']) {
      await forgetCaches(h);
      const res = await h.gql(BOARD, { under, year: YEAR }, finance.token);
      expect(res.errors).toBeUndefined();
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts).toEqual([counts[0], counts[0]]);
  });
});

describe('refusals', () => {
  it('refuses every bad field by name and a level out of reach, writing nothing', async () => {
    await line(CITY, 'LOTTERY_WELFARE_FUND', 'RETAINED_TOTAL', 1_000);
    await line(JIANGDU, 'LOTTERY_WELFARE_FUND', 'ELDERLY_CARE', 800);
    const before = await tableRows();
    const bad: [Record<string, unknown>, string][] = [
      [{ source: 'GENERAL_BUDGET', purpose: 'RETAINED_TOTAL' }, 'input.purpose'],
      [{ source: 'LOTTERY_WELFARE_FUND', purpose: 'ELDERLY_CARE', amountFen: 1_001 }, 'input.amountFen'],
      [{ code: JIANGDU, source: 'LOTTERY_WELFARE_FUND', purpose: 'RETAINED_TOTAL', amountFen: 799 }, 'input.amountFen'],
      [{ amountFen: -1 }, 'input.amountFen'],
      [{ amountFen: 10_000_000_000_001 }, 'input.amountFen'],
      [{ year: 1948 }, 'input.year'],
      [{ year: YEAR + 2 }, 'input.year'],
      [{ note: '文'.repeat(201) }, 'input.note'],
      [{ code: '32101' }, 'input.code'],
    ];
    for (const [change, field] of bad) {
      const input = { code: CITY, year: YEAR, source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen: 100, ...change };
      const res = await h.gql(LINE, { input }, finance.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    for (const [change, field] of [
      [{ minPercent: 0 }, 'input.minPercent'],
      [{ minPercent: 101 }, 'input.minPercent'],
      [{ source: ' ' }, 'input.source'],
      [{ fromYear: YEAR + 2 }, 'input.fromYear'],
    ] as [Record<string, unknown>, string][]) {
      const res = await h.gql(RULE, { input: { code: CITY, fromYear: YEAR, minPercent: 55, source: '文件', ...change } }, finance.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    // Out of the caller's subtree, existing or not: the same FORBIDDEN.
    for (const code of ['32', '3201', '320199']) {
      const res = await h.gql(LINE, { input: { code, year: YEAR, source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen: 1 } }, finance.token);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(errorCodes(await h.gql(LINES, { code, year: YEAR }, finance.token))).toEqual(['FORBIDDEN']);
    }
    // Reading is not recording.
    const staff = await createUser(h.db, CITY, [Role.CIVIL_AFFAIRS_ADMIN]);
    expect(errorCodes(await h.gql(RULE, { input: { code: CITY, fromYear: YEAR, minPercent: 55, source: '文件' } }, staff.token))).toEqual(['FORBIDDEN']);
    expect(await tableRows()).toEqual(before);
  });

  it('lets an analyst read the figures but not the lines', async () => {
    await line(CITY, 'GENERAL_BUDGET', 'ELDERLY_CARE', 100, { note: '扬财社〔2025〕1号' });
    const analyst = await createUser(h.db, CITY, [Role.ANALYST]);
    expect((await board(CITY, YEAR, analyst)).figures.ownTotalFen).toBe(100);
    expect(errorCodes(await h.gql(LINES, { code: CITY, year: YEAR }, analyst.token))).toEqual(['FORBIDDEN']);
  });
});
