import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { addMonths } from '../../src/kernel/dates';
import { createUser, insertJurisdictions } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';
import { caseWorld, ok, today, type CaseWorld } from '../cases/support';
import { enrol, jiangduRules, registered } from '../care/support';
import { CLOSE_MONTH, COMPLIANCE, PLAN_MONTH, RECIPIENT_MONTH, visit, visitingProvider } from './support';

// Visit compliance: a recipient's month against their care plan (seed 004 篇四 服務頻次監管), rolled up
// along the tree, live and as closed.
const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');
const quoted = (quote: string) => expect(SEED_004).toContain(quote);

let w: CaseWorld;
// Two months that have ended or begun: M and the month after it, this month.
const M = () => addMonths(today().slice(0, 7), -1);
const NEXT = () => today().slice(0, 7);
const YEAR = () => Number(today().slice(0, 4));
const day = (month: string, d: number) => `${month}-${String(d).padStart(2, '0')}`;

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
  await jiangduRules(h, w.county);
});

/** A 失能 hardship recipient (4 visits a month), enrolled from M, assessed the month before. */
async function severeRecipient(village = '321012100001'): Promise<string> {
  const id = await registered(h, w, {
    birthYear: YEAR() - 72,
    village,
    categories: ['MINIMUM_LIVING_ALLOWANCE'],
    ability: 'SEVERE',
    assessedOn: day(addMonths(M(), -1), 1),
  });
  await enrol(h, w, id, day(addMonths(M(), -1), 2));
  return id;
}

const monthOf = async (person: string, month: string, live: boolean | null = null) =>
  (await ok(h, RECIPIENT_MONTH, { person, month, live }, w.county)).recipientCareMonth;
const boardOf = async (at: string, month: string, live: boolean | null = null, user = w.county) =>
  (await ok(h, COMPLIANCE, { at, month, live }, user)).careCompliance;

describe('a missed month made up the next (seed 004 篇四)', () => {
  it('owes M’s shortfall in M+1 once M is closed, and counts M as made up when M+1 covers both', async () => {
    // «失能老人每月不少於4次» and «可在下月補增服務時間和次數».
    quoted('失能老人每月不少於4次');
    quoted('可在下月補增服務時間和次數');
    const person = await severeRecipient();
    const provider = await visitingProvider(h.db, '321012100001');

    const planned = (await ok(h, PLAN_MONTH, { under: '321012', month: M() }, w.county)).planCareMonth;
    expect(planned).toEqual({ jurisdiction: { code: '321012' }, month: M(), enrolled: 1, requiredVisits: 4, makeUpVisits: 0, closed: false });
    const first = await visit(h.db, provider, person, day(M(), 3), { items: ['CLEANING'] });
    await visit(h.db, provider, person, day(M(), 17), { minutes: 75, items: ['MEALS'] });
    // A 40-minute visit void: not counted, but shown as void.
    await visit(h.db, provider, person, day(M(), 20), { minutes: 40, voidReasons: ['SHORTER_THAN_MINIMUM'] });

    const open = await monthOf(person, M());
    expect(open).toMatchObject({ basis: 'LIVE', planned: true, requiredVisits: 4, makeUpOwed: 0, verifiedVisits: 2, verifiedMinutes: 135, voidOrders: 1 });
    expect(open).toMatchObject({ met: false, shortfall: 2, makeUpAllowed: true, madeUpNextMonth: null, distinctItemsThisYear: 2 });
    expect(open.visits).toEqual([
      { orderId: String(first), serviceDay: day(M(), 3), minutes: 60 },
      { orderId: expect.any(String), serviceDay: day(M(), 17), minutes: 75 },
    ]);

    const closed = (await ok(h, CLOSE_MONTH, { under: '321012', month: M() }, w.county)).closeCareMonth;
    expect(closed).toMatchObject({ enrolled: 1, requiredVisits: 4, closed: true });
    expect(await monthOf(person, M())).toMatchObject({ basis: 'CLOSED', verifiedVisits: 2, met: false, shortfall: 2 });

    // M+1: its own 4 and the 2 owed.
    expect((await ok(h, PLAN_MONTH, { under: '321012', month: NEXT() }, w.county)).planCareMonth).toMatchObject({ requiredVisits: 4, makeUpVisits: 2 });
    for (const d of [1, 2, 3, 4, 5]) await visit(h.db, provider, person, day(NEXT(), d));
    expect(await monthOf(person, NEXT())).toMatchObject({ requiredVisits: 4, makeUpOwed: 2, verifiedVisits: 5, met: false, shortfall: 0 });
    expect((await monthOf(person, M())).madeUpNextMonth).toBe(false);
    await visit(h.db, provider, person, day(NEXT(), 6));
    expect(await monthOf(person, NEXT())).toMatchObject({ requiredVisits: 4, makeUpOwed: 2, verifiedVisits: 6, met: true });
    expect((await monthOf(person, M())).madeUpNextMonth).toBe(true);

    // The county: M as closed (1 recipient, not met), M+1 live (met, 6 visits of 4 + 2).
    expect(await boardOf('321012', M())).toMatchObject({
      basis: 'CLOSED', closed: true, recipients: 1, recipientsMet: 0, metShare: 0, requiredVisits: 4, makeUpVisits: 0,
      verifiedVisits: 2, verifiedMinutes: 135, verifiedHours: 2.25, voidOrders: 1, voidRate: 1 / 3,
    });
    expect(await boardOf('321012', NEXT())).toMatchObject({
      basis: 'LIVE', closed: false, recipients: 1, recipientsMet: 1, metShare: 1, requiredVisits: 4, makeUpVisits: 2, verifiedVisits: 6, voidOrders: 0,
    });
  });

  it('keeps a closed month as closed when an order is voided later, until it is closed again', async () => {
    const person = await severeRecipient();
    const provider = await visitingProvider(h.db, '321012100001');
    const orders = [];
    for (const d of [2, 9, 16, 23]) orders.push(await visit(h.db, provider, person, day(M(), d)));
    await ok(h, CLOSE_MONTH, { under: '321012', month: M() }, w.county);
    expect(await boardOf('321012', M())).toMatchObject({ basis: 'CLOSED', recipients: 1, recipientsMet: 1, verifiedVisits: 4 });
    // A call-back voids one (as the call-backs do it).
    await h.db.query(
      `UPDATE work_order SET state = 'VOID', void_reasons = void_reasons || '{VOIDED_ON_CALLBACK}', decided_at = now(), version = version + 1 WHERE id = $1`,
      [orders[0]],
    );
    expect(await boardOf('321012', M())).toMatchObject({ basis: 'CLOSED', recipientsMet: 1, verifiedVisits: 4, voidOrders: 0 });
    expect(await boardOf('321012', M(), true)).toMatchObject({ basis: 'LIVE', closed: true, recipientsMet: 0, verifiedVisits: 3, voidOrders: 1 });
    expect(await monthOf(person, M())).toMatchObject({ basis: 'CLOSED', verifiedVisits: 4, met: true });

    const again = await h.gql(CLOSE_MONTH, { under: '321012', month: M() }, w.county.token);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    const planAgain = await h.gql(PLAN_MONTH, { under: '321012100', month: M() }, w.county.token);
    expect(errorCodes(planAgain)).toEqual(['CONFLICT']);
    await ok(h, CLOSE_MONTH, { under: '321012', month: M(), reclose: true }, w.county);
    expect(await boardOf('321012', M())).toMatchObject({ basis: 'CLOSED', recipientsMet: 0, verifiedVisits: 3, voidOrders: 1 });
    // The month after owes the one visit short.
    await ok(h, PLAN_MONTH, { under: '321012', month: NEXT() }, w.county);
    expect(await monthOf(person, NEXT())).toMatchObject({ requiredVisits: 4, makeUpOwed: 1 });
  });

  it('counts no recipient whose plan asks no visit, and no make-up where the rules allow none', async () => {
    const person = await severeRecipient();
    // 65, no hardship category: no visit rule of the 江都 template matches.
    const none = await registered(h, w, { birthYear: YEAR() - 66 });
    await enrol(h, w, none, day(addMonths(M(), -1), 2));
    const provider = await visitingProvider(h.db, '321012100001');
    await visit(h.db, provider, none, day(M(), 5));
    expect((await ok(h, PLAN_MONTH, { under: '321012100001', month: M() }, w.county)).planCareMonth).toMatchObject({ enrolled: 2, requiredVisits: 4 });
    expect(await monthOf(none, M())).toMatchObject({ planned: true, requiredVisits: 0, verifiedVisits: 1, met: false });
    // The visit counts in the hours; the recipient not among those to serve.
    expect(await boardOf('321012100001', M())).toMatchObject({ recipients: 1, recipientsMet: 0, verifiedVisits: 1 });
    expect((await monthOf(person, M())).makeUpAllowed).toBe(true);
  });
});

describe('the board along the tree', () => {
  it('ranks the children of a node, laggards first, and leaves nodes without recipients last', async () => {
    const a = await severeRecipient('321012100001');
    const b = await severeRecipient('321012100002');
    await severeRecipient('321012101200');
    const provider = await visitingProvider(h.db, '321012100001');
    for (const d of [1, 2, 3, 4]) await visit(h.db, provider, a, day(M(), d));
    await visit(h.db, provider, b, day(M(), 1));
    await ok(h, PLAN_MONTH, { under: '321012', month: M() }, w.county);

    const county = await boardOf('321012', M());
    expect(county).toMatchObject({ recipients: 3, recipientsMet: 1, requiredVisits: 12, verifiedVisits: 5, rank: null });
    expect(county.children.map((c: any) => [c.jurisdiction.code, c.recipients, c.recipientsMet, c.rank, c.rankedAmong])).toEqual([
      ['321012101', 1, 0, 2, 2],
      ['321012100', 2, 1, 1, 2],
    ]);
    const town = await boardOf('321012100', M());
    expect(town.children.map((c: any) => [c.jurisdiction.code, c.metShare, c.rank])).toEqual([
      ['321012100002', 0, 2],
      ['321012100001', 1, 1],
    ]);
    // A town closed alone: its board as closed, the county's live.
    await ok(h, CLOSE_MONTH, { under: '321012101', month: M() }, w.county);
    const after = await boardOf('321012', M());
    expect(after.basis).toBe('LIVE');
    expect(after.children.find((c: any) => c.jurisdiction.code === '321012101')).toMatchObject({ basis: 'CLOSED', closed: true, recipients: 1 });
    // The county's close overlaps the town's.
    expect(errorCodes(await h.gql(CLOSE_MONTH, { under: '321012', month: M() }, w.county.token))).toEqual(['CONFLICT']);
  });

  it('reads the children of a node in the same statements for 2 children as for 12', async () => {
    const statementsFor = async (county: string, towns: number) => {
      const nodes: [string, string][] = [[county, `测试县${county}`]];
      for (let t = 1; t <= towns; t++) nodes.push([`${county}${100 + t}`, `第${t}镇`]);
      await insertJurisdictions(h.db, nodes);
      const user = await createUser(h.db, county, [Role.CIVIL_AFFAIRS_ADMIN]);
      await forgetCaches(h);
      await ok(h, COMPLIANCE, { at: county, month: M() }, user);
      await forgetCaches(h);
      const res = await h.gql(COMPLIANCE, { at: county, month: M() }, user.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.careCompliance.children).toHaveLength(towns);
      return res.extensions!.sqlStatements;
    };
    expect(await statementsFor('321081', 2)).toBe(await statementsFor('321084', 12));
  });
});

describe('a recipient’s month', () => {
  it('is read in one statement, its visits and the year’s items with it', async () => {
    const person = await severeRecipient();
    const provider = await visitingProvider(h.db, '321012100001');
    await visit(h.db, provider, person, day(M(), 3), { items: ['CLEANING', 'MEALS'] });
    await ok(h, RECIPIENT_MONTH, { person, month: M() }, w.county);
    const res = await h.gql(RECIPIENT_MONTH, { person, month: M() }, w.county.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.recipientCareMonth).toMatchObject({ verifiedVisits: 1, distinctItemsThisYear: 2, visits: [{ serviceDay: day(M(), 3), minutes: 60 }] });
    expect(res.extensions!.sqlStatements).toBe(1);
  });
});

describe('the target metric', () => {
  it('lets a county set "≥ 95 % of recipients served as required" and follow it live and as closed', async () => {
    const people = [await severeRecipient('321012100001'), await severeRecipient('321012100002')];
    const provider = await visitingProvider(h.db, '321012100001');
    for (const d of [1, 2, 3, 4]) await visit(h.db, provider, people[0], day(NEXT(), d));
    await ok(h, PLAN_MONTH, { under: '321012', month: NEXT() }, w.county);
    const created = await ok(
      h,
      `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
      { input: { jurisdictionCode: '321012', title: '按频次服务达标', metric: 'VISIT_COMPLIANCE_SHARE', comparator: 'AT_LEAST', threshold: 95, startsOn: day(NEXT(), 1), deadline: `${YEAR() + 1}-12-31` } },
      w.county,
    );
    const progress = async () =>
      (await ok(h, `query($id: ID!) { target(id: $id) { progress { value numerator denominator } } }`, { id: created.createTarget.id }, w.leadership)).target.progress;
    // 1 of 2 served as required: 50 %.
    expect(await progress()).toEqual({ value: 50, numerator: 1, denominator: 2 });
    for (const d of [1, 2, 3, 4]) await visit(h.db, provider, people[1], day(NEXT(), d));
    expect(await progress()).toEqual({ value: 100, numerator: 2, denominator: 2 });
  });
});

describe('who reads and who plans', () => {
  it('gives figures to the leadership office and analysts, a recipient’s month only to the offices and the village', async () => {
    const person = await severeRecipient();
    const finance = await createUser(h.db, '321012', [Role.FINANCE]);
    const provider = await createUser(h.db, '321012', [Role.SERVICE_PROVIDER]);
    const query = (user: { token: string }, at = '321012') => h.gql(COMPLIANCE, { at, month: M() }, user.token);
    const month = (user: { token: string }, id = person) => h.gql(RECIPIENT_MONTH, { person: id, month: M() }, user.token);
    for (const reader of [w.county, w.leadership, w.analyst, finance]) expect(errorCodes(await query(reader))).toEqual([]);
    expect(errorCodes(await query(w.townStaff, '321012100'))).toEqual([]);
    expect(errorCodes(await query(w.worker, '321012100001'))).toEqual([]);
    for (const refused of [provider, w.assessor]) expect(errorCodes(await query(refused))).toEqual(['FORBIDDEN']);
    // Outside the subtree, existing or not.
    expect(errorCodes(await query(w.worker))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await query(w.otherCounty))).toEqual(['FORBIDDEN']);

    for (const reader of [w.county, w.townStaff, w.worker]) expect(errorCodes(await month(reader))).toEqual([]);
    for (const refused of [w.leadership, w.analyst, finance, provider, w.siblingWorker, w.otherCounty]) {
      expect(errorCodes(await month(refused))).toEqual(['FORBIDDEN']);
    }
    const missing = await month(w.siblingWorker, '999999');
    expect(missing.errors![0]).toMatchObject((await month(w.siblingWorker)).errors![0]);

    for (const planner of [w.worker, w.leadership, w.analyst]) {
      expect(errorCodes(await h.gql(PLAN_MONTH, { under: '321012100001', month: M() }, planner.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(PLAN_MONTH, { under: '321023', month: M() }, w.county.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(CLOSE_MONTH, { under: '321012', month: addMonths(NEXT(), 1) }, w.county.token))).toEqual(['BAD_USER_INPUT']);
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM care_month_close`);
    expect(n).toBe(0);
  });
});
