import { Client } from 'pg';
import { Role } from '../../src/kernel/actor';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, facilityWithHistory, smallTree, type TestUser } from '../support/factories';
import { useHarness, type GraphQLResponse } from '../support/harness';

const h = useHarness();

// The selection the coverage benchmark's case (c) asks for.
const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!, $on: Date) { transitionFacility(id: $id, to: $to, on: $on) { id status statusSince } }`;

type Query = (this: Client, ...args: unknown[]) => unknown;

/**
 * The round trips to the database `send` makes, as seen on every client of this process (the pool's
 * and the cache listener's): a statement starts a round trip unless it goes out behind answers still
 * awaited on a pipelined connection. Each round trip is listed as its statements' first words.
 */
async function roundTrips(send: () => Promise<unknown>): Promise<string[]> {
  const original = Client.prototype.query as unknown as Query;
  const awaited = new WeakMap<Client, number>();
  const trips: string[][] = [];
  Client.prototype.query = function (this: Client & { pipeline?: boolean }, ...args: unknown[]) {
    const result = original.apply(this, args);
    const config = args[0] as string | { text?: string };
    const words = (typeof config === 'string' ? config : (config.text ?? '')).trim().split(/\s+/).slice(0, 3).join(' ');
    const pending = awaited.get(this) ?? 0;
    if (this.pipeline && pending > 0) trips[trips.length - 1].push(words);
    else trips.push([words]);
    if (result instanceof Promise) {
      awaited.set(this, pending + 1);
      const answered = () => awaited.set(this, (awaited.get(this) ?? 1) - 1);
      result.then(answered, answered);
    }
    return result;
  } as unknown as typeof Client.prototype.query;
  try {
    await send();
  } finally {
    Client.prototype.query = original as unknown as typeof Client.prototype.query;
  }
  return trips.map((statements) => statements.join(' | '));
}

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
