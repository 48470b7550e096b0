import { useHarness } from '../support/harness';
import { generator } from '../support/random';
import { fuzzMutations } from '../support/mutation-fuzz';
import { addDays, caseWorld, today } from '../cases/support';
import { enrol } from '../care/support';
import { callbackWorld, visitOn, VILLAGES } from './callback-support';

// The call-back and oversight mutations, as the users who may make them, with values drawn from good ones
// and broken ones: every answer is data or a typed error (never INTERNAL_SERVER_ERROR or HTTP 5xx), and a
// refused call writes nothing. FUZZ_SEED=<n> replays a run.

const h = useHarness();
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_208);
const CASES = 300;

const TABLES = ['order_callback', 'callback_draw', 'oversight_visit', 'work_order'];
const pool = <T>(good: T[], bad: T[]) => ({ good, bad });

describe('call-back and oversight mutations with drawn values', () => {
  it(`answer with data or a typed error and write nothing when refused (seed ${SEED}, ${CASES} cases)`, async () => {
    const w = await caseWorld(h, 'JIANGDU');
    const cw = await callbackWorld(h, w);
    const days = [1, 2, 3].map((d) => addDays(today(), -d));
    const orders: string[] = [];
    for (const [i, day] of days.entries()) {
      for (const village of VILLAGES) orders.push(String(await visitOn(h, cw, cw.people[village], i % 2 ? cw.organisationA : cw.organisationB, day)));
    }
    for (const village of VILLAGES) await enrol(h, w, String(cw.people[village]), addDays(today(), -60));
    const people = Object.values(cw.people).map(String);

    const rnd = generator(SEED);
    const draw = <T>(from: { good: T[]; bad: T[] }): T => rnd.pick(rnd.next() < 0.2 ? from.bad : from.good);
    const maybe = <T>(value: () => T) => (rnd.next() < 0.3 ? undefined : value());
    const IDS = pool(orders, ['0', '-1', 'x', '99999999999', '999999', ' 1 ']);
    const PEOPLE = pool(people, ['0', 'x', '999999', '']);
    const DAYS = pool([...days, today()], [addDays(today(), 1), '1900-01-01', '2999-12-31', '2030-02-29', '']);
    const COUNTIES = pool(['321012'], ['321012100', '321023', '32', '', 'x', '321012100001', '\u0000']);
    const BY = pool([...VILLAGES, '321012100', '321012101'], ['321012', '321023100001', 'x', '']);
    const TEXT = pool(['回访', '老'.repeat(50)], ['', ' ', 'a'.repeat(4001), '\u202Eabc']);
    const SATISFACTION = pool(['SATISFIED', 'BASIC', 'DISSATISFIED'], ['NOPE']);
    const KINDS = pool(['PHONE_CALL', 'HOME_VISIT'], ['NOPE']);
    const PURPOSES = pool(['SPOT_CHECK', 'WELFARE_VISIT'], ['NOPE']);
    const CHECKED = pool([['SERVICE_AGREEMENT'], ['SERVICE_RECORDS'], []], [['SERVICE_RECORDS', 'SERVICE_RECORDS'], ['NOPE']]);
    const answer = () => ({
      reached: rnd.next() < 0.8,
      satisfaction: maybe(() => draw(SATISFACTION)),
      belowStandard: maybe(() => rnd.next() < 0.3),
      note: maybe(() => draw(TEXT)),
      calledOn: maybe(() => draw(DAYS)),
    });
    const calls: (() => { query: string; variables: Record<string, unknown>; token: string })[] = [
      () => ({
        query: `mutation($order: ID!, $input: CallbackInput!) { recordProviderCallback(order: $order, input: $input) { id } }`,
        variables: { order: draw(IDS), input: answer() },
        token: rnd.pick([cw.provider, cw.otherProvider]).token,
      }),
      () => ({
        query: `mutation($order: ID!, $input: CallbackInput!) { recordOnlineCallback(order: $order, input: $input) { id } }`,
        variables: { order: draw(IDS), input: answer() },
        token: cw.countyStaff.token,
      }),
      () => ({ query: `mutation($c: String!, $d: Date!) { drawCallbackSample(county: $c, day: $d) { id } }`, variables: { c: draw(COUNTIES), d: draw(DAYS) }, token: cw.countyStaff.token }),
      () => ({
        query: `mutation($input: RecordOversightVisitInput!) { recordOversightVisit(input: $input) { id } }`,
        variables: {
          input: {
            personId: draw(PEOPLE),
            by: maybe(() => draw(BY)),
            kind: draw(KINDS),
            purpose: draw(PURPOSES),
            visitedOn: maybe(() => draw(DAYS)),
            checked: maybe(() => draw(CHECKED)),
            findings: draw(TEXT),
            falsificationSuspected: rnd.next() < 0.2,
            record: draw(TEXT),
          },
        },
        token: rnd.pick([w.county, w.townStaff, w.worker]).token,
      }),
    ];
    const counts = async () => (await h.db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}, (SELECT sum(version)::int FROM work_order) AS versions`))[0];
    await fuzzMutations(h, CASES, () => rnd.pick(calls)(), counts);
  }, 180_000);
});
