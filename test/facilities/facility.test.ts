import { Role } from '../../src/kernel/actor';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, insertOrganisation, smallTree, testCreditCode, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const CREATE = `mutation($input: CreateFacilityInput!) {
  createFacility(input: $input) {
    id name type typeName status statusSince services operatingModel floorAreaM2 staff dailyDiners
    beds { total nursing dementia } operator { creditCode name } jurisdiction { code }
    history { kind occurredOn fromStatus status services }
  }
}`;
const TRANSITION = `mutation($id: ID!, $to: FacilityStatus!, $on: Date, $note: String) {
  transitionFacility(id: $id, to: $to, on: $on, note: $note) { id status statusSince history { kind occurredOn fromStatus status note } }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { id name services staff beds { total nursing dementia } history { kind occurredOn services } } }`;

let admin: TestUser;

beforeEach(async () => {
  await smallTree(h.db);
  admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
});

const VALID = {
  name: '东苑社区互助养老中心',
  type: 'MUTUAL_AID_CENTER',
  jurisdictionCode: '321012100001',
  operator: { creditCode: testCreditCode(7), name: '江都区颐和养老服务中心' },
  operatingModel: 'PUBLIC_BUILT_PRIVATE_RUN',
  services: ['RECREATION', 'MEALS'],
  floorAreaM2: 320.5,
  beds: { total: 12, nursing: 8, dementia: 1 },
  staff: 2,
  dailyDiners: 35,
};

async function tableCounts() {
  const [row] = await h.db.query(
    `SELECT (SELECT count(*) FROM facility)::int AS facilities, (SELECT count(*) FROM facility_event)::int AS events,
            (SELECT count(*) FROM organisation)::int AS organisations, (SELECT count(*) FROM rollup_value)::int AS figures`,
  );
  return row;
}

describe('registering a facility', () => {
  it('stores its facts, its operator and a first history entry, and audits it', async () => {
    const res = await h.gql(CREATE, { input: { ...VALID, status: 'OPERATING', since: '2024-05-06' } }, admin.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.createFacility).toEqual({
      id: '1',
      name: VALID.name,
      type: 'MUTUAL_AID_CENTER',
      typeName: '互助养老中心 / 党建+互助养老中心',
      status: 'OPERATING',
      statusSince: '2024-05-06',
      // Services come back in catalogue order, whatever order they were given in.
      services: ['MEALS', 'RECREATION'],
      operatingModel: 'PUBLIC_BUILT_PRIVATE_RUN',
      floorAreaM2: 320.5,
      staff: 2,
      dailyDiners: 35,
      beds: { total: 12, nursing: 8, dementia: 1 },
      operator: VALID.operator,
      jurisdiction: { code: '321012100001' },
      history: [{ kind: 'REGISTERED', occurredOn: '2024-05-06', fromStatus: null, status: 'OPERATING', services: ['MEALS', 'RECREATION'] }],
    });
    const [audit] = await h.db.query(`SELECT action, outcome, target_type, target_ids, detail FROM audit_entry WHERE action = 'createFacility'`);
    expect(audit).toEqual({
      action: 'createFacility',
      outcome: 'SUCCESS',
      target_type: 'Facility',
      target_ids: ['1'],
      detail: { type: 'MUTUAL_AID_CENTER', jurisdictionCode: '321012100001', status: 'OPERATING', since: '2024-05-06' },
    });
  });

  it('defaults to PLANNED today and reuses a registered operator', async () => {
    const first = await h.gql(CREATE, { input: VALID }, admin.token);
    const second = await h.gql(CREATE, { input: { ...VALID, jurisdictionCode: '321012100002' } }, admin.token);
    expect(second.errors).toBeUndefined();
    expect(first.data.createFacility).toMatchObject({ status: 'PLANNED', statusSince: todayInChina() });
    expect((await tableCounts()).organisations).toBe(1);
  });

  it.each([
    ['a name too long', { name: '院'.repeat(101) }, 'input.name'],
    ['a village-level type on a town', { jurisdictionCode: '321012100' }, 'input.jurisdictionCode'],
    ['a town center in a village', { type: 'TOWN_CENTER' }, 'input.jurisdictionCode'],
    ['a credit code with a wrong check character', { operator: { creditCode: `${testCreditCode(7).slice(0, 17)}0`, name: 'x' } }, 'input.operator.creditCode'],
    ['a credit code with a letter it never uses', { operator: { creditCode: 'I1321012MA1XXXXX0A', name: 'x' } }, 'input.operator.creditCode'],
    ['a credit code of 17 characters', { operator: { creditCode: testCreditCode(7).slice(0, 17), name: 'x' } }, 'input.operator.creditCode'],
    ['a status of CLOSED', { status: 'CLOSED' }, 'input.status'],
    ['a date in the future', { since: '2999-01-01' }, 'input.since'],
    ['a date that does not exist', { since: '2025-02-30' }, null],
    ['more nursing beds than beds', { beds: { total: 5, nursing: 6, dementia: 0 } }, 'input.beds.nursing'],
    ['negative staff', { staff: -1 }, 'input.staff'],
    ['a floor area with three decimals', { floorAreaM2: 300.125 }, 'input.floorAreaM2'],
  ] as [string, object, string | null][])('rejects %s, naming the field, and writes nothing', async (_what, change, field) => {
    const res = await h.gql(CREATE, { input: { ...VALID, ...change } }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    // A value the Date scalar refuses is named in the message (by GraphQL), not in extensions.field.
    if (field) expect(res.errors![0].extensions.field).toBe(field);
    else expect(res.errors![0].message).toMatch(/since.*YYYY-MM-DD/);
    expect(await tableCounts()).toEqual({ facilities: 0, events: 0, organisations: 0, figures: 0 });
  });

  it('refuses an operator code already registered under another name (CONFLICT), writing nothing', async () => {
    await insertOrganisation(h.db, 7, '另一家机构');
    const res = await h.gql(CREATE, { input: VALID }, admin.token);
    expect(errorCodes(res)).toEqual(['CONFLICT']);
    expect(res.errors![0].extensions.field).toBe('input.operator.name');
    expect(await tableCounts()).toMatchObject({ facilities: 0, events: 0, organisations: 1 });
    const [failure] = await h.db.query(`SELECT outcome, error_code FROM audit_entry WHERE action = 'createFacility'`);
    expect(failure).toEqual({ outcome: 'FAILURE', error_code: 'CONFLICT' });
  });
});

describe('the lifecycle', () => {
  async function planned(since = '2024-01-02'): Promise<string> {
    const res = await h.gql(CREATE, { input: { ...VALID, since } }, admin.token);
    expect(res.errors).toBeUndefined();
    return res.data.createFacility.id;
  }

  it('walks planned → under construction → built → accepted → operating ⇄ suspended → closed, keeping every dated step', async () => {
    const id = await planned();
    const steps: [string, string][] = [
      ['UNDER_CONSTRUCTION', '2024-02-01'],
      ['BUILT', '2024-06-30'],
      ['ACCEPTED', '2024-06-30'],
      ['OPERATING', '2024-07-15'],
      ['SUSPENDED', '2025-01-20'],
      ['OPERATING', '2025-03-01'],
      ['CLOSED', '2025-09-30'],
    ];
    let res;
    for (const [to, on] of steps) {
      res = await h.gql(TRANSITION, { id, to, on, note: `to ${to}` }, admin.token);
      expect(res.errors).toBeUndefined();
    }
    expect(res!.data.transitionFacility).toMatchObject({ status: 'CLOSED', statusSince: '2025-09-30' });
    const history = res!.data.transitionFacility.history;
    expect(history.map((e: any) => [e.kind, e.fromStatus, e.status, e.occurredOn])).toEqual([
      ['REGISTERED', null, 'PLANNED', '2024-01-02'],
      ...steps.map(([to, on], i) => ['TRANSITION', i === 0 ? 'PLANNED' : steps[i - 1][0], to, on]),
    ]);
    expect(history[1].note).toBe('to UNDER_CONSTRUCTION');
    // CLOSED is final.
    const reopened = await h.gql(TRANSITION, { id, to: 'OPERATING', on: '2025-10-01' }, admin.token);
    expect(errorCodes(reopened)).toEqual(['BAD_USER_INPUT']);
    expect(reopened.errors![0].message).toMatch(/final/);
  });

  it.each([
    ['skips a step', 'OPERATING', '2024-03-01', 'to'],
    ['is dated before the previous entry', 'UNDER_CONSTRUCTION', '2024-01-01', 'on'],
    ['is dated in the future', 'UNDER_CONSTRUCTION', '2999-12-31', 'on'],
  ])('rejects a transition that %s, naming the argument, and changes nothing', async (_what, to, on, field) => {
    const id = await planned();
    const before = await tableCounts();
    const res = await h.gql(TRANSITION, { id, to, on }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe(field);
    expect(await tableCounts()).toEqual(before);
    const [row] = await h.db.query(`SELECT status FROM facility WHERE id = $1`, [id]);
    expect(row.status).toBe('PLANNED');
  });

  it('rejects a transition that goes back, naming the argument, and changes nothing', async () => {
    const id = await planned();
    expect(errorCodes(await h.gql(TRANSITION, { id, to: 'UNDER_CONSTRUCTION', on: '2024-02-01' }, admin.token))).toEqual([]);
    const before = await tableCounts();
    const res = await h.gql(TRANSITION, { id, to: 'PLANNED', on: '2024-03-01' }, admin.token);
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0].extensions.field).toBe('to');
    expect(await tableCounts()).toEqual(before);
  });

  it('answers CONFLICT for a move to the status the facility already has (made once already), and changes nothing', async () => {
    const id = await planned();
    const before = await tableCounts();
    const res = await h.gql(TRANSITION, { id, to: 'PLANNED', on: '2024-03-01' }, admin.token);
    expect(errorCodes(res)).toEqual(['CONFLICT']);
    expect(res.errors![0].extensions.field).toBe('to');
    expect(await tableCounts()).toEqual(before);
  });

  it('answers FORBIDDEN alike for a facility that does not exist and one outside the subtree', async () => {
    const id = await planned();
    const outsider = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const theirs = await h.gql(TRANSITION, { id, to: 'UNDER_CONSTRUCTION' }, outsider.token);
    const missing = await h.gql(TRANSITION, { id: '999', to: 'UNDER_CONSTRUCTION' }, admin.token);
    expect(errorCodes(theirs)).toEqual(['FORBIDDEN']);
    expect(errorCodes(missing)).toEqual(['FORBIDDEN']);
    expect(theirs.errors![0].message).toBe(missing.errors![0].message);
  });

  it('answers the facility query alike for a missing id, one outside the subtree and one another organisation operates', async () => {
    const id = await planned();
    const outsider = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const operator = await insertOrganisation(h.db, 8, '别家');
    const provider = await createUser(h.db, '321012', [Role.SERVICE_PROVIDER], 'provider@321012', { organisationId: operator.id });
    const FACILITY = `query($id: ID!) { facility(id: $id) { id } }`;
    const answers = await Promise.all([
      h.gql(FACILITY, { id: '999' }, admin.token),
      h.gql(FACILITY, { id }, outsider.token),
      h.gql(FACILITY, { id }, provider.token),
    ]);
    const [missing, ...refused] = answers.map((res) => ({ data: res.data, errors: res.errors?.map((e) => [e.extensions.code, e.message]) }));
    expect(missing).toEqual({ data: { facility: null }, errors: [['FORBIDDEN', expect.any(String)]] });
    expect(refused).toEqual([missing, missing]);
  });

  it('dates a services change, and meal-service coverage follows it from that day', async () => {
    const res = await h.gql(CREATE, { input: { ...VALID, services: ['RECREATION'], status: 'OPERATING', since: '2024-03-01' } }, admin.token);
    const id = res.data.createFacility.id;
    const updated = await h.gql(UPDATE, { id, input: { services: ['MEALS', 'RECREATION'], servicesSince: '2024-09-01' } }, admin.token);
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateFacility.history).toEqual([
      { kind: 'REGISTERED', occurredOn: '2024-03-01', services: ['RECREATION'] },
      { kind: 'SERVICES_CHANGED', occurredOn: '2024-09-01', services: ['MEALS', 'RECREATION'] },
    ]);
    const meals = `query($asOf: Date) { jurisdiction(code: "321012100") { coverage(metric: MEAL_SERVICE, asOf: $asOf) { numerator } } }`;
    expect((await h.gql(meals, { asOf: '2024-08-31' }, admin.token)).data.jurisdiction.coverage.numerator).toBe(0);
    expect((await h.gql(meals, { asOf: '2024-09-01' }, admin.token)).data.jurisdiction.coverage.numerator).toBe(1);
    expect((await h.gql(meals, {}, admin.token)).data.jurisdiction.coverage.numerator).toBe(1);
    const early = await h.gql(UPDATE, { id, input: { services: ['CLEANING'], servicesSince: '2024-08-01' } }, admin.token);
    expect(errorCodes(early)).toEqual(['BAD_USER_INPUT']);
    expect(early.errors![0].extensions.field).toBe('input.servicesSince');
  });
});

describe('service providers', () => {
  it('report the day-to-day facts of the facilities their organisation operates, and nothing else', async () => {
    const operator = await insertOrganisation(h.db, 7, VALID.operator.name);
    const provider = await createUser(h.db, '321012', [Role.SERVICE_PROVIDER], 'provider@321012', { organisationId: operator.id });
    const ours = (await h.gql(CREATE, { input: { ...VALID, status: 'OPERATING', since: '2024-01-01' } }, admin.token)).data.createFacility.id;
    const other = (await h.gql(CREATE, { input: { ...VALID, operator: { creditCode: testCreditCode(8), name: '别家' } } }, admin.token)).data.createFacility.id;

    const reported = await h.gql(UPDATE, { id: ours, input: { staff: 3, beds: { total: 20, nursing: 12, dementia: 2 } } }, provider.token);
    expect(reported.errors).toBeUndefined();
    expect(reported.data.updateFacility).toMatchObject({ staff: 3, beds: { total: 20, nursing: 12, dementia: 2 } });
    const beds = await h.gql(`{ jurisdiction(code: "321012") { facilityStats { beds { total nursing } } } }`, {}, admin.token);
    expect(beds.data.jurisdiction.facilityStats.beds).toEqual({ total: 20, nursing: 12 });

    const renamed = await h.gql(UPDATE, { id: ours, input: { name: '新名字' } }, provider.token);
    expect(errorCodes(renamed)).toEqual(['FORBIDDEN']);
    const theirs = await h.gql(UPDATE, { id: other, input: { staff: 9 } }, provider.token);
    expect(errorCodes(theirs)).toEqual(['FORBIDDEN']);
    const listed = await h.gql(`{ facilities { totalCount edges { node { id } } } }`, {}, provider.token);
    expect(listed.data.facilities).toEqual({ totalCount: 1, edges: [{ node: { id: ours } }] });
    const [row] = await h.db.query(`SELECT name, staff FROM facility WHERE id = $1`, [other]);
    expect(row).toEqual({ name: VALID.name, staff: 2 });
  });
});

describe('listing facilities', () => {
  it('filters by place, type, status, service, operator and name, and pages in registration order', async () => {
    const inputs = [
      { ...VALID, name: '东苑互助', status: 'OPERATING', since: '2024-01-01' },
      { ...VALID, name: '龙川站', type: 'COMMUNITY_STATION', jurisdictionCode: '321012100002', services: ['CLEANING'] },
      { ...VALID, name: '小纪中心', type: 'TOWN_CENTER', jurisdictionCode: '321012101', operator: { creditCode: testCreditCode(9), name: '小纪运营' } },
      { ...VALID, name: '江都指导中心', type: 'COUNTY_GUIDANCE_CENTER', jurisdictionCode: '321012', status: 'OPERATING', since: '2023-05-05' },
    ];
    for (const input of inputs) expect((await h.gql(CREATE, { input }, admin.token)).errors).toBeUndefined();
    const list = async (args: string) =>
      (await h.gql(`{ facilities(${args}) { totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }`, {}, admin.token)).data.facilities;
    const names = async (args: string) => (await list(args)).edges.map((e: any) => e.node.name);
    expect(await names('under: "321012100"')).toEqual(['东苑互助', '龙川站']);
    expect(await names('type: TOWN_CENTER')).toEqual(['小纪中心']);
    expect(await names('status: OPERATING')).toEqual(['东苑互助', '江都指导中心']);
    expect(await names('service: MEALS')).toEqual(['东苑互助', '小纪中心', '江都指导中心']);
    expect(await names(`operatorCreditCode: "${testCreditCode(9)}"`)).toEqual(['小纪中心']);
    expect(await names('search: "中心"')).toEqual(['小纪中心', '江都指导中心']);
    const badCode = await h.gql(`{ facilities(operatorCreditCode: "not-a-code") { totalCount } }`, {}, admin.token);
    expect(errorCodes(badCode)).toEqual(['BAD_USER_INPUT']);
    expect(badCode.errors![0].extensions.field).toBe('operatorCreditCode');
    const first = await list('first: 3');
    expect(first).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    expect(await names(`first: 3, after: "${first.pageInfo.endCursor}"`)).toEqual(['江都指导中心']);
  });
});

describe('concurrent changes in one village', () => {
  it('serialise on the village, so that the figures stay exact', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await h.gql(CREATE, { input: { ...VALID, name: `站${i}`, type: 'COMMUNITY_STATION', status: 'ACCEPTED', since: '2024-01-01' } }, admin.token);
      ids.push(res.data.createFacility.id);
    }
    // Four writers at once, each opening and suspending its own facility on back-dated days.
    await Promise.all(
      ids.map(async (id, i) => {
        for (const [to, on] of [
          ['OPERATING', `2024-0${2 + i}-01`],
          ['SUSPENDED', `2024-06-1${i}`],
          ['OPERATING', '2024-07-01'],
        ]) {
          const res = await h.gql(TRANSITION, { id, to, on }, admin.token);
          expect(res.errors).toBeUndefined();
        }
      }),
    );
    const figures = async () =>
      h.db.query(`SELECT node_id, key, value FROM rollup_value WHERE value <> 0 ORDER BY node_id, key`).then((rows: unknown[]) => rows);
    const changes = async () =>
      h.db.query(`SELECT node_id, key, days, figures FROM rollup_history ORDER BY node_id, key`).then((rows: unknown[]) => rows);
    const live = { figures: await figures(), changes: await changes() };
    await rebuildRollups(h.db);
    expect({ figures: await figures(), changes: await changes() }).toEqual(live);
    const station = `query($asOf: Date) { jurisdiction(code: "321012100001") { coverage(metric: COMMUNITY_STATION, asOf: $asOf) { numerator } } }`;
    expect((await h.gql(station, { asOf: '2024-01-31' }, admin.token)).data.jurisdiction.coverage.numerator).toBe(0);
    expect((await h.gql(station, { asOf: '2024-02-01' }, admin.token)).data.jurisdiction.coverage.numerator).toBe(1);
  });

  it('leave no empty history behind when an opening is undone on its own day', async () => {
    const histories = async () =>
      h.db.query(`SELECT node_id, key, days, figures FROM rollup_history ORDER BY node_id, key`).then((rows: unknown[]) => rows);
    const created = await h.gql(CREATE, { input: { ...VALID, status: 'ACCEPTED', since: '2024-01-01' } }, admin.token);
    const { id } = created.data.createFacility;
    expect((await h.gql(TRANSITION, { id, to: 'OPERATING' }, admin.token)).errors).toBeUndefined();
    expect((await histories()).length).toBeGreaterThan(0);
    expect((await h.gql(TRANSITION, { id, to: 'SUSPENDED' }, admin.token)).errors).toBeUndefined();
    // The village was never covered at the end of any day: no node keeps a history, as a rebuild writes none.
    expect(await histories()).toEqual([]);
    await rebuildRollups(h.db);
    expect(await histories()).toEqual([]);
  });
});
