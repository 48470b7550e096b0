import { addMonths, thisMonthInChina } from '../../src/kernel/dates';
import { useHarness } from '../support/harness';
import { fuzzMutations } from '../support/mutation-fuzz';
import { generator } from '../support/random';
import { ok } from '../cases/support';
import { assigned, COUNTY, TOWN, VILLAGE, visit } from '../visits/support';
import { credited, ledgerWorld } from './support';

// The settlement and rules mutations, as the civil-affairs office, finance and a town, with values drawn from good
// ones and broken ones, on a month with a charged visit: every answer is data or a typed error (never
// INTERNAL_SERVER_ERROR or HTTP 5xx), and a refused call writes nothing. FUZZ_SEED=<n> replays a run.

const h = useHarness();
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const CASES = 300;
const pool = <T>(good: T[], bad: T[]) => ({ good, bad });

describe('settlement and the level’s voucher rules with drawn values', () => {
  it(`answer with data or a typed error and write nothing when refused (seed ${SEED}, ${CASES} cases)`, async () => {
    const w = await ledgerWorld(h, 5000);
    await credited(h, w);
    const order = await assigned(h, w, w.days[0], { items: ['CLEANING'] });
    await visit(h, w, order.id, w.days[0], { from: '09:00', to: '10:05' });
    const [{ id: contract }] = await h.db.query(`SELECT id::text FROM service_contract WHERE organisation_id = $1`, [w.org.id]);
    const prepare = `mutation($contract: ID!, $month: Month!) { prepareSettlement(contract: $contract, month: $month) { id } }`;
    const statement = (await ok(h, prepare, { contract, month: w.month }, w.county)).prepareSettlement.id;

    const rnd = generator(SEED);
    const draw = <T>(from: { good: T[]; bad: T[] }): T => rnd.pick(rnd.next() < 0.25 ? from.bad : from.good);
    const month = thisMonthInChina();
    const IDS = ['999999', '0', '-1', 'abc', '99999999999999999999', '1e3', ' 1', '\u0000', ''];
    const CONTRACTS = pool([contract], IDS);
    const STATEMENTS = pool([statement], IDS);
    const MONTHS = pool([w.month, month], ['1949-10', '1999-12', '2024-13', '', addMonths(month, 2), '9999-12', '0000-01']);
    // A town with no part in the statement is refused as one out of reach.
    const TOWNS = pool([TOWN], ['321012101', '32101210', VILLAGE, COUNTY, '321023100', '', 'x', '\u0000', '３２１０１２１００']);
    const CODES = pool([COUNTY, TOWN, VILLAGE], ['32', '321023', '', 'x', '3210121', '\u0000', '110101']);
    const FROM = pool([month, addMonths(month, 1)], [addMonths(month, -1), addMonths(month, 24), '2024-13', '', '1949-10']);
    const SHARES = pool([50, 60, 75, 100], [-1, 49, 101, 1.5, 2_147_483_648, 0]);
    const FLAGS = pool<unknown>([true, false], ['true', null, 1]);
    const SOURCES = pool(['江都区民政局通知', '文'.repeat(2000)], ['', ' ', '文'.repeat(2001), '\u0000', '\u202Eabc']);
    const admin = () => (rnd.next() < 0.9 ? w.county : w.townStaff).token;
    const calls = [
      () => ({
        query: `mutation($input: SetLedgerRulesInput!) { setLedgerRules(input: $input) { code fromMonth mealOwnSharePercent } }`,
        variables: {
          input: {
            jurisdictionCode: draw(CODES),
            fromMonth: draw(FROM),
            mealOwnSharePercent: draw(SHARES),
            yearCap: draw(FLAGS),
            returnFrozen: draw(FLAGS),
            source: draw(SOURCES),
          },
        },
        token: admin(),
      }),
      () => ({ query: prepare, variables: { contract: draw(CONTRACTS), month: draw(MONTHS) }, token: admin() }),
      () => ({
        query: `mutation($statement: ID!, $town: String!) { checkSettlementTown(statement: $statement, town: $town) { id } }`,
        variables: { statement: draw(STATEMENTS), town: draw(TOWNS) },
        token: rnd.next() < 0.5 ? w.townStaff.token : w.county.token,
      }),
      () => ({ query: `mutation($statement: ID!) { reviewSettlement(statement: $statement) { id state } }`, variables: { statement: draw(STATEMENTS) }, token: admin() }),
      () => ({
        query: `mutation($statement: ID!) { approveSettlement(statement: $statement) { id state } }`,
        variables: { statement: draw(STATEMENTS) },
        token: rnd.next() < 0.9 ? w.finance.token : w.county.token,
      }),
    ];
    const counts = async () =>
      (
        await h.db.query(
          `SELECT (SELECT count(*)::int FROM ledger_rules) AS rules, (SELECT string_agg(id || state::text, ',' ORDER BY id) FROM settlement_statement) AS statements,
                  (SELECT count(*)::int FROM settlement_town WHERE checked_by IS NOT NULL) AS checked, (SELECT count(*)::int FROM settlement_item) AS items,
                  (SELECT count(*)::int FROM ledger_posting WHERE cause = 'SETTLEMENT') AS settled, (SELECT count(*)::int FROM ledger_unsettled) AS unsettled`,
        )
      )[0];
    await fuzzMutations(h, CASES, () => rnd.pick(calls)(), counts);
  });
});
