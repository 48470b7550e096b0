import { useHarness } from '../support/harness';
import { generator } from '../support/random';
import type { TestUser } from '../support/factories';
import { at, FAR, HOME, uuid, visitWorld } from './support';

// The work-order and visit mutations, each as a user who may make it, with values drawn from good ones and
// broken ones: every answer is data or a typed error (never INTERNAL_SERVER_ERROR or HTTP 5xx), and a
// refused call writes nothing. FUZZ_SEED=<n> replays a run.

const h = useHarness();
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_207);
const CASES = 300;

const TABLES = ['work_order', 'visit_event', 'service_card', 'person_home_place'];
const pool = <T>(good: T[], bad: T[]) => ({ good, bad });

describe('work-order and visit mutations with drawn values', () => {
  it(`answer with data or a typed error and write nothing when refused (seed ${SEED}, ${CASES} cases)`, async () => {
    const w = await visitWorld(h);
    const rnd = generator(SEED);
    const draw = <T>(from: { good: T[]; bad: T[] }): T => rnd.pick(rnd.next() < 0.2 ? from.bad : from.good);
    const maybe = <T>(value: () => T) => (rnd.next() < 0.3 ? undefined : value());
    const orderIds = ['1', '2', '3', '4', '5', '6'];
    const clientIds = [uuid(), uuid(), uuid(), uuid()];
    const PEOPLE = pool([w.recipient], ['0', '-1', 'x', '99999999', w.personId]);
    const ORDERS = pool(orderIds, ['0', 'x', '99999999999', '']);
    const CREDIT = pool([w.org.creditCode], [w.otherOrg.creditCode, 'nope', '']);
    const ITEMS = pool([['MEALS'], ['CLEANING', 'MEALS'], ['COMPANIONSHIP']], [[], ['EMERGENCY'], ['MEALS', 'MEALS']]);
    const DAYS = pool(w.days, ['1900-01-01', '2999-12-31', '2030-02-29', 'x']);
    const BOOKERS = pool(['PROVIDER', 'AGENT', 'VILLAGE_WORKER'], ['NOPE']);
    const NAMES = pool(['李明', '老'.repeat(50)], ['', ' ', '老'.repeat(51), '\u202Eabc']);
    const UUIDS = pool(clientIds, ['x', '', '00000000-0000-0000-0000-00000000000g']);
    const MOMENTS = pool(w.days.flatMap((day) => [at(day, '09:00'), at(day, '10:05'), at(day, '09:40')]), ['x', '2999-01-01T00:00:00Z', '1899-01-01T00:00:00Z']);
    const PLACES = pool([HOME, FAR, null], [{ lat: 91, lng: 0 }, { lat: 0, lng: 181 }, { lat: Number.NaN, lng: 0 }]);
    const CARDS = pool([w.card, null, 'another-card'], ['', 'with space', 'x'.repeat(101)]);
    const COORDS = pool([32.4, 119.5, 0], [-91, 181, 1e9]);
    const event = () => ({ order: draw(ORDERS), clientId: draw(UUIDS), deviceAt: draw(MOMENTS), place: maybe(() => draw(PLACES)), cardToken: maybe(() => draw(CARDS)) });
    const calls: (() => { query: string; variables: Record<string, unknown>; user: TestUser })[] = [
      () => ({ query: `mutation($p: ID!, $lat: Float!, $lng: Float!) { setHomePlace(person: $p, lat: $lat, lng: $lng) { personId } }`, variables: { p: draw(PEOPLE), lat: draw(COORDS), lng: draw(COORDS) }, user: w.worker }),
      () => ({ query: `mutation($p: ID!) { issueServiceCard(person: $p) { token } }`, variables: { p: draw(PEOPLE) }, user: w.worker }),
      () => ({
        query: `mutation($input: BookWorkOrderInput!) { bookWorkOrder(input: $input) { id } }`,
        variables: { input: { person: draw(PEOPLE), provider: draw(CREDIT), items: draw(ITEMS), plannedDay: draw(DAYS), bookedAs: draw(BOOKERS), agentName: maybe(() => draw(NAMES)), clientId: maybe(() => draw(UUIDS)) } },
        user: rnd.pick([w.provider, w.worker, w.county]),
      }),
      () => ({ query: `mutation($o: ID!, $c: ID!) { assignWorkOrder(order: $o, caregiver: $c) { id } }`, variables: { o: draw(ORDERS), c: rnd.pick([String(w.caregiverId), '0', 'x', '99999']) }, user: w.provider }),
      () => ({ query: `mutation($o: ID!, $r: String!) { cancelWorkOrder(order: $o, reason: $r) { id } }`, variables: { o: draw(ORDERS), r: draw(NAMES) }, user: rnd.pick([w.provider, w.worker]) }),
      () => ({ query: `mutation($o: ID!, $d: Date) { redoWorkOrder(order: $o, plannedDay: $d) { id } }`, variables: { o: draw(ORDERS), d: maybe(() => draw(DAYS)) }, user: w.provider }),
      () => ({ query: `mutation($input: VisitEventInput!) { checkIn(input: $input) { reasons } }`, variables: { input: event() }, user: w.caregiver }),
      () => ({ query: `mutation($input: VisitEventInput!) { checkOut(input: $input) { reasons } }`, variables: { input: event() }, user: w.caregiver }),
      () => ({
        query: `mutation($events: [SyncVisitEventInput!]!) { syncVisits(events: $events) { refusal { code } } }`,
        variables: {
          events: Array.from({ length: rnd.int(3) }, () => ({
            kind: rnd.pick(['CHECK_IN', 'CHECK_OUT']),
            ...(rnd.next() < 0.5 ? { order: draw(ORDERS) } : { newOrder: { clientId: draw(UUIDS), person: draw(PEOPLE), items: draw(ITEMS) } }),
            clientId: draw(UUIDS),
            deviceAt: draw(MOMENTS),
            place: maybe(() => draw(PLACES)),
          })),
        },
        user: w.caregiver,
      }),
    ];
    const counts = async () => (await h.db.query(`SELECT ${TABLES.map((t) => `(SELECT count(*)::int FROM ${t}) AS ${t}`).join(', ')}`))[0];
    const failures: unknown[] = [];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < CASES; i += 1) {
      const { query, variables, user } = rnd.pick(calls)();
      const before = await counts();
      const res = await h.gql(query, variables, user.token);
      const code = res.errors ? res.errors[0].extensions.code : 'OK';
      outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
      if (res.status >= 500 || code === 'INTERNAL_SERVER_ERROR' || code === undefined) failures.push({ query, variables, errors: res.errors });
      if (res.errors && JSON.stringify(await counts()) !== JSON.stringify(before)) failures.push({ halfWritten: query, variables });
    }
    expect(failures).toEqual([]);
    expect(outcomes.get('OK') ?? 0).toBeGreaterThan(10);
    expect(outcomes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(CASES / 10);
  }, 180_000);
});
