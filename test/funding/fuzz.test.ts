import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, smallTree } from '../support/factories';
import { useHarness } from '../support/harness';
import { fuzzMutations } from '../support/mutation-fuzz';
import { generator } from '../support/random';

// The funding mutations, as the finance bureau and as others, with values drawn from good ones and broken
// ones: every answer is data or a typed error (never INTERNAL_SERVER_ERROR or HTTP 5xx), and a refused call
// writes nothing. FUZZ_SEED=<n> replays a run.

const h = useHarness();
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_221);
const CASES = 300;
const YEAR = Number(todayInChina().slice(0, 4));
const pool = <T>(good: T[], bad: T[]) => ({ good, bad });

describe('budget lines and lottery rules with drawn values', () => {
  it(`answer with data or a typed error and write nothing when refused (seed ${SEED}, ${CASES} cases)`, async () => {
    await smallTree(h.db);
    const finance = await createUser(h.db, '3210', [Role.FINANCE]);
    const staff = await createUser(h.db, '3210', [Role.CIVIL_AFFAIRS_STAFF]);
    const rnd = generator(SEED);
    const draw = <T>(from: { good: T[]; bad: T[] }): T => rnd.pick(rnd.next() < 0.25 ? from.bad : from.good);
    const maybe = <T>(value: () => T) => (rnd.next() < 0.3 ? undefined : value());
    const CODES = pool(['3210', '321012', '321023', '321012100', '321012101200'], ['32', '3201', '321099', '', 'x', '32101', '\u0000']);
    const YEARS = pool([YEAR, YEAR - 1, YEAR + 1, 2020], [1948, YEAR + 2, 0, -1, 2_147_483_647, 1.5]);
    const SOURCES = pool(['LOTTERY_WELFARE_FUND', 'GENERAL_BUDGET', 'SOCIAL_DONATION', 'INDIVIDUAL', 'COLLECTIVE_ECONOMY', 'OTHER'], ['NOPE']);
    const PURPOSES = pool(['ELDERLY_CARE', 'RETAINED_TOTAL'], ['NOPE']);
    const AMOUNTS = pool([0, 1, 55_000_000, 100_000_000, 10_000_000_000_000], [-1, 1.5, 10_000_000_000_001, 9_007_199_254_740_992, '100']);
    const PERCENTS = pool([55, 1, 100, null], [0, 101, -55, 55.5]);
    const TEXT = pool(['扬财社〔2025〕1号', '文'.repeat(200)], ['文'.repeat(201), ' ', '\u202Eabc']);
    const calls = [
      () => ({
        query: `mutation($input: RecordBudgetLineInput!) { recordBudgetLine(input: $input) { id amountFen supersedes } }`,
        variables: {
          input: { code: draw(CODES), year: draw(YEARS), source: draw(SOURCES), purpose: draw(PURPOSES), amountFen: draw(AMOUNTS), note: maybe(() => draw(TEXT)) },
        },
        token: rnd.next() < 0.9 ? finance.token : staff.token,
      }),
      () => ({
        query: `mutation($input: SetLotteryFundRuleInput!) { setLotteryFundRule(input: $input) { id minPercent supersedes } }`,
        variables: { input: { code: draw(CODES), fromYear: draw(YEARS), minPercent: draw(PERCENTS), source: draw(TEXT) } },
        token: rnd.next() < 0.9 ? finance.token : staff.token,
      }),
    ];
    const counts = async () =>
      (await h.db.query(`SELECT (SELECT count(*) FROM budget_line)::int AS lines, (SELECT count(*) FROM lottery_fund_rule)::int AS rules`))[0];
    await fuzzMutations(h, CASES, () => rnd.pick(calls)(), counts);
  });
});
