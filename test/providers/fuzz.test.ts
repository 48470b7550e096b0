import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, testCreditCode } from '../support/factories';
import { useHarness } from '../support/harness';
import { generator } from '../support/random';
import { fuzzMutations } from '../support/mutation-fuzz';

// The provider and contract mutations, as the administrator who may make them, with values drawn from
// good ones and broken ones: every answer is data or a typed error (never INTERNAL_SERVER_ERROR or
// HTTP 5xx), and a refused call writes nothing. FUZZ_SEED=<n> replays a run.

const h = useHarness();
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const CASES = 400;

const TABLES = ['provider_entry', 'provider_qualification', 'provider_ban', 'provider_ban_lift', 'service_contract', 'service_contract_area', 'service_contract_price', 'service_contract_coverage'];
// Each pool: values a careful client sends, then broken ones (drawn one time in five).
const pool = <T>(good: T[], bad: T[]) => ({ good, bad });
const CODES = pool(['321012', '321012100', '321012100001', '321012101200'], ['321023', '321023100001', '32', '3210', '', ' ', 'x', '321012100999', '3210121000011', '\u0000']);
const DAYS = pool(['2027-01-01', '2028-01-01', '2029-06-30', '2090-12-31', '2030-02-28'], ['2026-01-01', '1900-01-01', '2999-12-31', '2030-02-29', '2026-12-31']);
const CREDIT = pool([testCreditCode(1), testCreditCode(2), testCreditCode(3)], ['nope', '', testCreditCode(1).toLowerCase(), `${testCreditCode(1).slice(0, 17)}0`]);
const NAMES = pool(['扬州颐和养老服务有限公司'], ['', '江都康宁养老服务有限公司']);
const TEXT = pool(['整改', '老'.repeat(50)], ['', ' ', 'a'.repeat(2001), '\u202Eabc']);
const INTS = pool([0, 60, 61, 1440, 1_000_000], [1, 59, 1441, -1, 1_000_001, 2_147_483_647]);
const ITEMS = pool(['MEALS', 'CLEANING', 'ERRANDS'], ['NOPE']);
const CLASSES = pool(['FREE', 'LOW_PAID', 'PAID'], ['NOPE']);
const REASONS = pool(['CASHING_SUBSIDIES', 'OTHER_ILLEGAL_ACTS'], ['NOPE']);
const IDS = pool(['1', '2', '3', '4'], ['0', '-1', 'x', '99999999999']);

describe('provider and contract mutations with drawn values', () => {
  it(`answer with data or a typed error and write nothing when refused (seed ${SEED}, ${CASES} cases)`, async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const rnd = generator(SEED);
    const draw = <T>(from: { good: T[]; bad: T[] }): T => rnd.pick(rnd.next() < 0.2 ? from.bad : from.good);
    const maybe = <T>(value: () => T) => (rnd.next() < 0.3 ? undefined : value());
    // One name per credit code, so that a good draw is a registration that may succeed.
    const organisation = () => {
      const creditCode = draw(CREDIT);
      return { creditCode, name: rnd.next() < 0.2 ? draw(NAMES) : `服务商${creditCode.slice(-3)}` };
    };
    const ids = () => draw(IDS);
    const line = () => ({ item: draw(ITEMS), serviceClass: draw(CLASSES), unitPriceFen: draw(INTS), minMinutes: maybe(() => draw(INTS)) });
    const calls: (() => { query: string; variables: Record<string, unknown> })[] = [
      () => ({
        query: `mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { id } }`,
        variables: { input: { jurisdictionCode: draw(CODES), organisation: organisation(), admittedOn: maybe(() => draw(DAYS)), qualifications: maybe(() => [{ kind: draw(TEXT), number: draw(TEXT), validFrom: draw(DAYS), validUntil: maybe(() => draw(DAYS)) }]) } },
      }),
      () => ({
        query: `mutation($input: BanProviderInput!) { banProvider(input: $input) { id } }`,
        variables: { input: { jurisdictionCode: draw(CODES), organisation: organisation(), reason: draw(REASONS), detail: draw(TEXT), from: maybe(() => draw(DAYS)), until: maybe(() => draw(DAYS)) } },
      }),
      () => ({ query: `mutation($id: ID!, $on: Date!, $r: String!) { liftProviderBan(id: $id, liftedOn: $on, reason: $r) { id } }`, variables: { id: ids(), on: draw(DAYS), r: draw(TEXT) } }),
      () => ({
        query: `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`,
        variables: {
          input: {
            jurisdictionCode: draw(CODES),
            jointWith: maybe(() => draw(CODES)),
            provider: draw(CREDIT),
            area: Array.from({ length: 1 + rnd.int(2) }, () => draw(CODES)),
            from: draw(DAYS),
            until: maybe(() => draw(DAYS)),
            catalogue: Array.from({ length: 1 + rnd.int(2) }, line),
          },
        },
      }),
      () => ({ query: `mutation($id: ID!, $input: RenewContractInput) { renewContract(id: $id, input: $input) { id } }`, variables: { id: ids(), input: maybe(() => ({ until: maybe(() => draw(DAYS)), catalogue: maybe(() => [line()]) })) } }),
      () => ({ query: `mutation($id: ID!, $d: Date!, $r: String!) { endContract(id: $id, lastDay: $d, reason: $r) { id } }`, variables: { id: ids(), d: draw(DAYS), r: draw(TEXT) } }),
    ];
    const counts = async () => (await h.db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`))[0];
    await fuzzMutations(h, CASES, () => ({ ...rnd.pick(calls)(), token: admin.token }), counts);
  }, 120_000);
});
