import { addMonths } from '../../src/kernel/dates';
import { distanceMetres } from '../../src/visits/verification.rules';
import { errorCodes, forgetCaches, useHarness, type GraphQLResponse } from '../support/harness';
import { addDays, ok } from '../cases/support';
import { ALL_ITEMS, credited, ITEM_PRICE, ledgerWorld, type LedgerWorld } from '../ledger/support';
import { PROVIDER_CALLBACK } from '../visits/callback-support';
import { assigned, COUNTY, FAR, HOME, TOWN, VILLAGE, visit } from '../visits/support';
import { ANOMALIES, postCharge, postCredit, secondRecipient, SEED_004 } from './support';

// The special campaign (专项治理) of seed 004 篇六 looks for «虛列套取» in «居家養老上門服務資金使用、養老服務組織履行合同»; each
// list below is one place such claims show in the records. What each rule reads is quoted where a document says it.
const h = useHarness();
const quoted = (quote: string) => expect(SEED_004).toContain(quote);
const refusal = (res: GraphQLResponse) => ({ code: errorCodes(res)[0], field: res.errors?.[0]?.extensions.field });

let w: LedgerWorld;
let from: string;
let to: string;
beforeEach(async () => {
  w = await ledgerWorld(h, 5000);
  from = `${w.month}-01`;
  to = addDays(`${addMonths(w.month, 1)}-01`, -1);
});

const list = async (kind: string, extra: Record<string, unknown> = {}, user = w.county) =>
  (await ok(h, ANOMALIES, { at: COUNTY, kind, from, to, first: 100, ...extra }, user)).anomalies;

/** A verified visit of the world's recipient (or `person` with `card`) on `day`, `from`–`to` China time, at `place`; the order's id. */
async function verified(day: string, times: { from: string; to: string }, options: { person?: string; card?: string; place?: { lat: number; lng: number }; items?: string[] } = {}) {
  const order = await assigned(h, w, day, { person: options.person, items: options.items ?? ['CLEANING'] });
  const out = await visit(h, w, order.id, day, { ...times, card: options.card, place: options.place });
  expect(out.order.state).toBe('VERIFIED');
  return order.id as string;
}

describe('CHARGED_AFTER_END: charges standing on orders of people who died, moved or whose enrolment ended', () => {
  it('seed 004 篇四 «遷離、去世…應立即核銷平台人員信息、停止提供服務»: an order on the day of death is listed, the day before is not listed for death', async () => {
    quoted('遷離、去世或其他原因不再享受政府購買服務補貼時');
    quoted('應立即核銷平台人員信息、停止提供服務');
    await credited(h, w);
    const before = await verified(w.days[0], { from: '08:00', to: '09:05' });
    const onDeath = await verified(w.days[1], { from: '08:00', to: '09:05' });
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: w.days[1] }, w.county);
    const found = await list('CHARGED_AFTER_END');
    const row = found.rows.find((r: any) => r.orderIds[0] === onDeath);
    expect(row).toMatchObject({
      kind: 'CHARGED_AFTER_END',
      personIds: [w.recipient],
      villageCodes: [VILLAGE],
      organisationId: String(w.org.id),
      serviceDays: [w.days[1]],
      amountFen: ITEM_PRICE,
      statusSince: w.days[1],
    });
    expect(row.reasons).toContain('DECEASED');
    // The day before the death is not after it; the month's enrolment and account ended with the death (the
    // scheme stops in the month of the event), which the list says for both orders.
    const earlier = found.rows.find((r: any) => r.orderIds[0] === before);
    expect(earlier.reasons).not.toContain('DECEASED');
    expect(earlier.reasons).toEqual(['ENROLMENT_ENDED', 'ACCOUNT_FROZEN']);
    expect(earlier).toMatchObject({ lastEnrolledMonth: addMonths(w.month, -1), frozenAfter: addMonths(w.month, -1), statusSince: null });
  });

  it('seed 004 篇四 «註銷歸檔和補貼賬户凍結»: lists an order served after every voucher enrolment ended, not one in the enrolment’s last month', async () => {
    quoted('並通過系統進行註銷歸檔和補貼賬户凍結');
    await credited(h, w);
    const order = await verified(w.days[0], { from: '08:00', to: '09:05' });
    const end = (month: string) =>
      h.db.query(`UPDATE enrolment SET until_month = $2::date, end_reason = 'WITHDRAWN', ended_on = $2::date WHERE person_id = $1`, [w.recipient, `${month}-01`]);
    await end(w.month);
    expect((await list('CHARGED_AFTER_END')).rows).toEqual([]);
    await end(addMonths(w.month, -1));
    const [row] = (await list('CHARGED_AFTER_END')).rows;
    expect(row).toMatchObject({ orderIds: [order], reasons: ['ENROLMENT_ENDED'], lastEnrolledMonth: addMonths(w.month, -1), frozenAfter: null });
  });

  it('seed 004 篇四 «補貼賬户自動凍結»: lists an order of a month after the account froze, not one of the month it froze after', async () => {
    quoted('補貼賬户自動凍結');
    await credited(h, w);
    const order = await verified(w.days[0], { from: '08:00', to: '09:05' });
    const freeze = (month: string) => h.db.query(`UPDATE ledger_account SET frozen_after = $2::date, frozen_on = $2::date WHERE kind = 'SUBSIDY' AND person_id = $1`, [w.recipient, `${month}-01`]);
    await freeze(w.month);
    expect((await list('CHARGED_AFTER_END')).rows).toEqual([]);
    await freeze(addMonths(w.month, -1));
    expect((await list('CHARGED_AFTER_END')).rows).toMatchObject([{ orderIds: [order], reasons: ['ACCOUNT_FROZEN'], frozenAfter: addMonths(w.month, -1) }]);
  });

  it('seed 004 篇四 «遷離»: an order on the day of moving away is listed as MOVED_AWAY', async () => {
    quoted('遷離、去世');
    await credited(h, w);
    const order = await verified(w.days[1], { from: '08:00', to: '09:05' });
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: MOVED_AWAY, on: $on) { status } }`, { id: w.recipient, on: w.days[1] }, w.county);
    const [row] = (await list('CHARGED_AFTER_END')).rows;
    expect(row).toMatchObject({ orderIds: [order], statusSince: w.days[1] });
    expect(row.reasons).toContain('MOVED_AWAY');
    expect(row.reasons).not.toContain('DECEASED');
  });

  it('leaves out a charge reversed by a call-back’s void, and orders outside the period', async () => {
    await credited(h, w);
    const order = await verified(w.days[0], { from: '08:00', to: '09:05' });
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: w.days[0] }, w.county);
    expect((await list('CHARGED_AFTER_END')).rows.map((r: any) => r.orderIds)).toEqual([[order]]);
    expect((await list('CHARGED_AFTER_END', { from: addDays(w.days[0], 1), to: addDays(w.days[0], 1) })).rows).toEqual([]);
    await ok(h, PROVIDER_CALLBACK, { order, input: { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '服务不到位' } }, w.provider);
    expect((await list('CHARGED_AFTER_END')).rows).toEqual([]);
  });
});

describe('IMPOSSIBLE_SCHEDULE: one caregiver’s visits that overlap or are too far apart for the time between', () => {
  it('lists visits overlapping by a second, not visits where one ends as the other begins', async () => {
    const a = await verified(w.days[0], { from: '08:00', to: '09:05' });
    const b = await verified(w.days[0], { from: '09:10', to: '10:15' });
    expect((await list('IMPOSSIBLE_SCHEDULE')).rows).toEqual([]);
    // Offline devices report their own clocks: set the later sign-in to the earlier sign-out, then a second before it.
    const moveIn = (interval: string) =>
      h.db.query(`UPDATE work_order SET check_in_at = (SELECT check_out_at FROM work_order WHERE id = $1) - $3::interval WHERE id = $2`, [a, b, interval]);
    await moveIn('0 seconds');
    expect((await list('IMPOSSIBLE_SCHEDULE')).rows).toEqual([]);
    await moveIn('1 second');
    const [row] = (await list('IMPOSSIBLE_SCHEDULE')).rows;
    expect(row).toMatchObject({ reasons: ['OVERLAPPING_VISITS'], orderIds: [a, b], caregiverId: String(w.caregiverId), gapSeconds: -1, distanceMetres: 0, speedKmh: null });
  });

  it('lists consecutive visits needing more than the speed (a default of 60 km/h, the documents give none), not at or under it', async () => {
    const other = await secondRecipient(h, w, FAR);
    const a = await verified(w.days[0], { from: '08:00', to: '09:05' });
    const b = await verified(w.days[0], { from: '09:07', to: '10:12' }, { person: other.id, card: other.card, place: FAR });
    const metres = distanceMetres(HOME, FAR);
    const speed = (metres / 120) * 3.6; // 2 minutes between them: about 33 km/h
    const defaults = await list('IMPOSSIBLE_SCHEDULE');
    expect([defaults.maxSpeedKmh, defaults.rows]).toEqual([60, []]);
    expect((await list('IMPOSSIBLE_SCHEDULE', { maxSpeedKmh: Math.ceil(speed) })).rows).toEqual([]);
    const [row] = (await list('IMPOSSIBLE_SCHEDULE', { maxSpeedKmh: Math.floor(speed) })).rows;
    expect(row).toMatchObject({
      reasons: ['TOO_FAST_BETWEEN_VISITS'],
      orderIds: [a, b],
      personIds: [w.recipient, other.id],
      gapSeconds: 120,
      distanceMetres: Math.round(metres),
      speedKmh: Math.round(speed * 10) / 10,
    });
  });
});

describe('DEBITED_TO_ZERO: a voucher account emptied by one provider month after month', () => {
  const PRICE = 5000;
  async function months(count: number, byOther: number | null = null, leftFen = 0) {
    const first = addMonths(w.month, -count);
    for (let i = 0; i < count; i++) {
      const month = addMonths(first, i);
      await postCredit(h, w.recipient, month, PRICE, w.schemeId);
      await postCharge(h, w.recipient, month, PRICE - (i === count - 1 ? leftFen : 0), i === byOther ? w.otherOrg.id : w.org.id, 900 + i);
    }
    return first;
  }
  const period = (first: string) => ({ from: `${first}-01`, to: addDays(`${w.month}-01`, -1) });

  it('seed 004 篇六 «居家養老上門服務資金使用…虛列套取»: lists 3 months in a row at zero by one provider (a default: the documents give no number), not 2', async () => {
    quoted('虛列套取');
    quoted('居家養老上門服務資金使用');
    const first = await months(3);
    const found = await list('DEBITED_TO_ZERO', period(first));
    expect(found.months).toBe(3);
    expect(found.rows).toEqual([
      expect.objectContaining({
        reasons: ['DEBITED_TO_ZERO_BY_ONE_PROVIDER'],
        personIds: [w.recipient],
        villageCodes: [VILLAGE],
        organisationId: String(w.org.id),
        months: [first, addMonths(first, 1), addMonths(first, 2)],
        orderIds: ['900', '901', '902'],
        amountFen: 3 * PRICE,
        schemeKind: 'HOME_CARE_SUBSIDY',
      }),
    ]);
    expect((await list('DEBITED_TO_ZERO', { ...period(first), months: 4 })).rows).toEqual([]);
    expect((await list('DEBITED_TO_ZERO', { ...period(addMonths(first, 1)) })).rows).toEqual([]);
  });

  it('does not list the run when one month was charged by another provider', async () => {
    const first = await months(3, 1);
    expect((await list('DEBITED_TO_ZERO', period(first))).rows).toEqual([]);
    expect((await list('DEBITED_TO_ZERO', { ...period(first), months: 2 })).rows).toEqual([]);
  });

  it('does not list the run when the last month left one fen', async () => {
    const first = await months(3, null, 1);
    expect((await list('DEBITED_TO_ZERO', period(first))).rows).toEqual([]);
    expect((await list('DEBITED_TO_ZERO', { ...period(first), months: 2 })).rows).toMatchObject([{ months: [first, addMonths(first, 1)] }]);
  });
});

describe('ROUND_ADJUSTMENT: approved manual adjustments of a round amount', () => {
  const PROPOSE = `mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) { id } }`;
  const DECIDE = `mutation($id: ID!) { decideVoucherAdjustment(id: $id, approve: true, note: "核对无误") { id } }`;
  const adjusted = async (amountFen: number, approve = true) => {
    const input = { person: w.recipient, schemeKind: 'HOME_CARE_SUBSIDY', funder: TOWN, amountFen, reason: '补录' };
    const { id } = (await ok(h, PROPOSE, { input }, w.townStaff)).proposeVoucherAdjustment;
    if (approve) await ok(h, DECIDE, { id }, w.finance);
    return id as string;
  };

  it('lists an approved 100 元 (a default multiple, not policy), not 100.01 元 nor one only proposed', async () => {
    await credited(h, w);
    const round = await adjusted(10_000);
    await adjusted(10_001);
    await adjusted(20_000, false);
    const found = await list('ROUND_ADJUSTMENT');
    expect(found.multipleFen).toBe(10_000);
    expect(found.rows).toEqual([
      expect.objectContaining({ reasons: ['ROUND_AMOUNT'], adjustmentId: round, amountFen: 10_000, personIds: [w.recipient], villageCodes: [VILLAGE], funderCode: TOWN, schemeKind: 'HOME_CARE_SUBSIDY' }),
    ]);
    expect(found.rows[0].proposedBy).not.toBe(found.rows[0].decidedBy);
    expect((await list('ROUND_ADJUSTMENT', { multipleFen: 20_000 })).rows).toEqual([]);
    expect((await list('ROUND_ADJUSTMENT', { multipleFen: 5_000 })).rows.map((r: any) => r.adjustmentId)).toEqual([round]);
  });
});

describe('VERIFIED_NOT_CHARGED: verified orders the ledger charged nothing for', () => {
  it('seed 004 篇六 «養老服務組織履行合同»: lists an order whose contract does not price its item for its class, with the missing price; not a priced one', async () => {
    quoted('養老服務組織履行合同');
    await credited(h, w);
    // 助急 under a contract that prices it for the free class only: booked and verified, but not priced for the recipient's class.
    const contract = (await ok(h, `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`, {
      input: { jurisdictionCode: COUNTY, provider: w.org.creditCode, area: [TOWN], from: `${addMonths(w.month, -3)}-01`, catalogue: [{ item: 'EMERGENCY', serviceClass: 'FREE', unitPriceFen: 3000 }] },
    }, w.county)).createContract;
    await verified(w.days[0], { from: '08:00', to: '09:05' }, { items: ALL_ITEMS });
    const unpriced = await verified(w.days[1], { from: '08:00', to: '09:05' }, { items: ['EMERGENCY'] });
    const found = await list('VERIFIED_NOT_CHARGED');
    expect(found.rows).toEqual([
      expect.objectContaining({
        reasons: ['ITEMS_UNPRICED'],
        orderIds: [unpriced],
        contractId: contract.id,
        missingPrices: [{ item: 'EMERGENCY', serviceClass: 'LOW_PAID' }],
        serviceDays: [w.days[1]],
        organisationId: String(w.org.id),
      }),
    ]);
  });
});

describe('scope, input and masking', () => {
  it('seed 004 篇六 «養老科、財計科…為成員»: the leading group’s offices read the lists; a node outside the subtree is refused the same way whether or not it exists, and so are roles outside the campaign', async () => {
    quoted('成立由區民政局主要負責人為組長、分管負責人為副組長、養老科、財計科');
    for (const at of ['321023', '321099', '321023100']) {
      expect(errorCodes(await h.gql(ANOMALIES, { at, kind: 'ROUND_ADJUSTMENT', from, to }, w.county.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(ANOMALIES, { at: COUNTY, kind: 'ROUND_ADJUSTMENT', from, to }, w.townStaff.token))).toEqual(['FORBIDDEN']);
    for (const user of [w.worker, w.analyst, w.provider, w.caregiver, w.assessor]) {
      expect(errorCodes(await h.gql(ANOMALIES, { at: TOWN, kind: 'ROUND_ADJUSTMENT', from, to }, user.token))).toEqual(['FORBIDDEN']);
    }
    for (const user of [w.townStaff, w.finance, w.leadership]) {
      expect((await h.gql(ANOMALIES, { at: TOWN, kind: 'ROUND_ADJUSTMENT', from, to }, user.token)).errors).toBeUndefined();
    }
  });

  it('reads a page in as many statements whatever its size', async () => {
    await credited(h, w);
    for (const day of w.days) await verified(day, { from: '08:00', to: '09:05' });
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: w.days[0] }, w.county);
    const statements = async (first: number) => {
      await forgetCaches(h);
      const res = await h.gql(ANOMALIES, { at: COUNTY, kind: 'CHARGED_AFTER_END', from, to, first }, w.county.token);
      expect(res.data.anomalies.rows).toHaveLength(first);
      return res.extensions?.sqlStatements;
    };
    expect(await statements(1)).toBe(await statements(4));
  });

  it('names the field of every bad period or parameter', async () => {
    const bad = async (over: Record<string, unknown>) => refusal(await h.gql(ANOMALIES, { at: COUNTY, kind: 'IMPOSSIBLE_SCHEDULE', from, to, ...over }, w.county.token));
    expect(await bad({ to: addDays(from, -1) })).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await bad({ to: addDays(from, 366) })).toEqual({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await bad({ from: '1800-01-01' })).toEqual({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(await bad({ maxSpeedKmh: 0 })).toEqual({ code: 'BAD_USER_INPUT', field: 'maxSpeedKmh' });
    expect(await bad({ maxSpeedKmh: 1001 })).toEqual({ code: 'BAD_USER_INPUT', field: 'maxSpeedKmh' });
    expect(await bad({ months: 1 })).toEqual({ code: 'BAD_USER_INPUT', field: 'months' });
    expect(await bad({ months: 13 })).toEqual({ code: 'BAD_USER_INPUT', field: 'months' });
    expect(await bad({ multipleFen: 99 })).toEqual({ code: 'BAD_USER_INPUT', field: 'multipleFen' });
    expect(await bad({ first: 0 })).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(await bad({ after: 'not-a-cursor' })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await bad({ after: Buffer.from('9999999999:0').toString('base64url') })).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await bad({ at: '32101' })).toEqual({ code: 'BAD_USER_INPUT', field: 'at' });
    // A year is accepted: 365 days after from.
    expect((await h.gql(ANOMALIES, { at: COUNTY, kind: 'IMPOSSIBLE_SCHEDULE', from, to: addDays(from, 365) }, w.county.token)).errors).toBeUndefined();
  });

  it('pages in order, and names people by id only: no name or national ID in an answer or a download', async () => {
    await credited(h, w);
    const orders = [await verified(w.days[0], { from: '08:00', to: '09:05' }), await verified(w.days[1], { from: '08:00', to: '09:05' })];
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: w.days[0] }, w.county);
    const page1 = (await ok(h, ANOMALIES, { at: COUNTY, kind: 'CHARGED_AFTER_END', from, to, first: 1 }, w.finance)).anomalies;
    expect([page1.rows.map((r: any) => r.orderIds[0]), page1.pageInfo.hasNextPage]).toEqual([[orders[0]], true]);
    const page2 = (await ok(h, ANOMALIES, { at: COUNTY, kind: 'CHARGED_AFTER_END', from, to, first: 1, after: page1.pageInfo.endCursor }, w.finance)).anomalies;
    expect([page2.rows.map((r: any) => r.orderIds[0]), page2.pageInfo.hasNextPage]).toEqual([[orders[1]], false]);

    const [person] = await h.db.query(`SELECT name, national_id FROM person WHERE id = $1`, [w.recipient]);
    const answer = JSON.stringify([page1, page2]);
    const get = (path: string, token?: string) => fetch(`${h.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const csvRes = await get(`/exports/anomalies/${COUNTY}.csv?kind=CHARGED_AFTER_END&from=${from}&to=${to}`, w.finance.token);
    expect(csvRes.status).toBe(200);
    const csv = Buffer.from(await csvRes.arrayBuffer()).toString('utf8');
    const xlsx = await get(`/exports/anomalies/${COUNTY}.xlsx?kind=CHARGED_AFTER_END&from=${from}&to=${to}`, w.finance.token);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`anomalies-${COUNTY}-charged_after_end-${from}-${to}.xlsx`);
    for (const text of [answer, csv]) {
      expect(text).not.toContain(person.name);
      expect(text).not.toContain(person.national_id);
    }
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 6)).toEqual(['序号', '类型代码', '原因', '原因代码', '工单号', '老人ID']);
    expect(lines.slice(1).map((line) => line.split(',')[4])).toEqual(orders);
    expect(lines.slice(1).every((line) => line.split(',')[5] === w.recipient)).toBe(true);
  });

  it('downloads through the same checks as the API: 401 signed out, 403 out of scope, 400 naming a bad kind or day, 404 another extension', async () => {
    const get = async (path: string, token?: string) => {
      const res = await fetch(`${h.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, body: (res.headers.get('content-type')?.includes('json') ? await res.json() : null) as any };
    };
    const query = `kind=ROUND_ADJUSTMENT&from=${from}&to=${to}`;
    expect((await get(`/exports/anomalies/${COUNTY}.csv?${query}`)).status).toBe(401);
    expect((await get(`/exports/anomalies/321023.csv?${query}`, w.county.token)).status).toBe(403);
    expect((await get(`/exports/anomalies/${COUNTY}.csv?${query}`, w.worker.token)).status).toBe(403);
    const badKind = await get(`/exports/anomalies/${COUNTY}.csv?kind=NOPE&from=${from}&to=${to}`, w.county.token);
    expect([badKind.status, badKind.body.errors[0].extensions.field]).toEqual([400, 'kind']);
    const badDay = await get(`/exports/anomalies/${COUNTY}.csv?kind=ROUND_ADJUSTMENT&from=${from}&to=2026-02-30`, w.county.token);
    expect([badDay.status, badDay.body.errors[0].extensions.field]).toEqual([400, 'to']);
    const badMonths = await get(`/exports/anomalies/${COUNTY}.csv?${query}&months=x`, w.county.token);
    expect([badMonths.status, badMonths.body.errors[0].extensions.field]).toEqual([400, 'months']);
    expect((await get(`/exports/anomalies/${COUNTY}.pdf?${query}`, w.county.token)).status).toBe(404);
  });
});
