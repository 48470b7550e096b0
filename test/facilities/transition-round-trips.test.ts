import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, facilityWithHistory, smallTree, type TestUser } from '../support/factories';
import { useHarness, type GraphQLResponse } from '../support/harness';
import { roundTrips } from '../support/round-trips';

const h = useHarness();

// The selection the coverage benchmark's case (c) asks for.
const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { id status statusSince } }`;

let admin: TestUser;

beforeEach(async () => {
  await smallTree(h.db);
  admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
});

describe('a facility transition with its roll-ups, audit entry and notice wait', () => {
  it.each([
    ['moves coverage history (OPERATING since last year)', '2024-05-06'],
    ["undoes today's opening, leaving no coverage history", null],
  ])('takes at most 4 round trips when it %s', async (_what, since) => {
    const today = todayInChina();
    const id = await facilityWithHistory(h, admin.token, {
      name: '东苑社区互助养老中心',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321012100001',
      services: ['MEALS'],
      status: 'OPERATING',
      since: since ?? today,
    });
    // The caller and the tree are cached by an earlier request, as on a running server.
    const other = await facilityWithHistory(h, admin.token, {
      name: '西苑助餐点',
      type: 'MEAL_TABLE',
      jurisdictionCode: '321012100002',
      services: ['MEALS'],
      status: 'OPERATING',
      since: '2024-05-06',
    });
    expect((await h.gql(TRANSITION, { id: other, to: 'SUSPENDED', on: today }, admin.token)).errors).toBeUndefined();

    let res: GraphQLResponse | undefined;
    const trips = await roundTrips(async () => {
      res = await h.gql(TRANSITION, { id, to: 'SUSPENDED', on: today }, admin.token);
    });
    expect(res!.errors).toBeUndefined();
    expect(res!.data.transitionFacility).toEqual({ id, status: 'SUSPENDED', statusSince: today });
    // Every round trip is listed when there are too many.
    expect(trips.length <= 4 ? [] : trips).toEqual([]);

    const [audit] = await h.db.query(`SELECT outcome, target_ids FROM audit_entry WHERE action = 'transitionFacility' AND target_ids = ARRAY[$1]`, [id]);
    expect(audit).toEqual({ outcome: 'SUCCESS', target_ids: [id] });
    const [village] = await h.db.query(
      `SELECT coalesce((SELECT value FROM rollup_value v WHERE v.node_id = j.id AND v.key = 'covered:VILLAGE_SERVICE'), 0)::int AS covered,
         (SELECT count(*) FROM rollup_history r WHERE r.node_id = j.id AND cardinality(r.days) = 0)::int AS empty_histories
       FROM jurisdiction j WHERE j.code = '321012100001'`,
    );
    expect(village).toEqual({ covered: 0, empty_histories: 0 });
  });
});
