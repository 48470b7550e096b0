import fs from 'node:fs';
import path from 'node:path';
import { addMonths, monthEnd } from '../../src/kernel/dates';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';
import { ok } from '../cases/support';
import { enrol, PLAN, registered } from '../care/support';
import {
  assigned,
  at,
  BOOK,
  CANCEL,
  CHECK_IN,
  CHECK_OUT,
  FAR,
  HOME,
  HOME_PLACE,
  ISSUE_CARD,
  LIST,
  READ,
  REDO,
  SYNC,
  SYNC_DAYS,
  uuid,
  VILLAGE,
  visit,
  visitWorld,
  type VisitWorld,
} from './support';

// Work orders and verified home visits, 江都区 (seed 004 篇四): «服務商接到轄區內老人服務需求後,派出服務人員上門對老人進行服務,
// 服務前掃二維碼簽入,服務結束後簽出» and «對服務質態及時長不符合規範的,均作廢單處理,通知服務人員重新提供服務».
const h = useHarness();
const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');
const quoted = (quote: string) => expect(SEED_004).toContain(quote);
const refusal = (res: GraphQLResponse) => ({ code: errorCodes(res)[0], field: res.errors?.[0]?.extensions.field });
const count = async (table: string) => Number((await h.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

let w: VisitWorld;
beforeEach(async () => {
  w = await visitWorld(h);
});

describe('a 失能 recipient’s month', () => {
  it('holds 4 verified visits of an hour or more, as the plan asks «失能老人每月不少於4次» (seed 004 篇四)', async () => {
    quoted('失能老人每月不少於4次');
    quoted('每次服務時長不低於1小時');
    const month = w.days[0].slice(0, 7);
    const plan = (await ok(h, PLAN, { person: w.recipient, month }, w.worker)).carePlan;
    expect(plan.requirement.visitsPerMonth).toBe(4);
    for (const day of w.days) {
      const order = await assigned(h, w, day);
      const out = await visit(h, w, order.id, day, { from: '09:00', to: '10:05' });
      expect([out.order.state, out.order.minutes, out.reasons, out.order.serviceDay]).toEqual(['VERIFIED', 65, [], day]);
      expect(out.order.checkIn).toMatchObject({ distanceMetres: 0, placeGiven: true, cardScanned: true });
    }
    const verified = (await ok(h, LIST, { state: 'VERIFIED', from: `${month}-01`, until: monthEnd(`${month}-01`), first: 10 }, w.worker)).workOrders;
    expect(verified.totalCount).toBe(plan.requirement.visitsPerMonth);
    // What the compliance figures read: the rows themselves.
    const rows = await h.db.query(`SELECT state, to_char(service_day, 'YYYY-MM') AS month, minutes, void_reasons FROM work_order WHERE person_id = $1`, [w.recipient]);
    expect(rows).toEqual(w.days.map(() => ({ state: 'VERIFIED', month, minutes: 65, void_reasons: [] })));
  });
});

describe('the service class of an order', () => {
  it('is the recipient’s plan’s for the planned month: LOW_PAID for 低保, FREE for “三無”, none without a plan', async () => {
    quoted('無償服務的對象為具有鬆崗户籍的“三無”老人;低償服務的對象為具有鬆崗户籍的高齡老人、特殊羣體老人');
    const day = w.days[0];
    const book = async (person: string) =>
      (await ok(h, BOOK, { input: { person, provider: w.org.creditCode, items: ['CLEANING'], plannedDay: day, bookedAs: 'PROVIDER' } }, w.provider)).bookWorkOrder;
    // 低保 is one of the 特殊羣體 the JIANGDU template reads from 松岗.
    expect((await book(w.recipient)).serviceClass).toBe('LOW_PAID');
    const threeNos = await registered(h, w, { birthYear: 1952, categories: ['THREE_NOS'], ability: 'MILD', assessedOn: `${addMonths(day.slice(0, 7), -3)}-01` });
    await enrol(h, w, threeNos, `${addMonths(day.slice(0, 7), -2)}-10`);
    expect((await book(threeNos)).serviceClass).toBe('FREE');
    const unplanned = await registered(h, w, { birthYear: 1952, categories: ['THREE_NOS'] });
    expect((await book(unplanned)).serviceClass).toBeNull();
  });
});

describe('a visit shorter than the minimum', () => {
  it('is VOID with SHORTER_THAN_MINIMUM at 40 minutes, then redone once and verified', async () => {
    quoted('均作廢單處理,通知服務人員重新提供服務');
    const order = await assigned(h, w, w.days[0]);
    const short = await visit(h, w, order.id, w.days[0], { from: '14:00', to: '14:40' });
    expect([short.order.state, short.order.minutes, short.reasons, short.order.voidReasons]).toEqual(['VOID', 40, ['SHORTER_THAN_MINIMUM'], ['SHORTER_THAN_MINIMUM']]);
    const redo = (await ok(h, REDO, { order: order.id, plannedDay: w.days[1] }, w.provider)).redoWorkOrder;
    expect([redo.state, redo.redoOf, redo.caregiver.id, redo.items]).toEqual(['ASSIGNED', order.id, String(w.caregiverId), ['CLEANING']]);
    expect((await ok(h, READ, { id: order.id }, w.worker)).workOrder.redoneBy).toBe(redo.id);
    // Only once.
    expect(refusal(await h.gql(REDO, { order: order.id }, w.provider.token))).toEqual({ code: 'CONFLICT', field: 'order' });
    const done = await visit(h, w, redo.id, w.days[1], { from: '09:00', to: '10:10' });
    expect([done.order.state, done.order.minutes, done.order.voidReasons]).toEqual(['VERIFIED', 70, []]);
    // Only a VOID order is redone.
    expect(refusal(await h.gql(REDO, { order: redo.id }, w.provider.token))).toEqual({ code: 'CONFLICT', field: 'order' });
  });
});

describe('a visit on the day after the recipient’s death', () => {
  it('is VOID with RECIPIENT_DECEASED, warned at the sign-in already, and not counted', async () => {
    quoted('遷離、去世');
    const [death, after] = [w.days[1], w.days[2]];
    const order = await assigned(h, w, after);
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: death }, w.county);
    const checkIn = (await ok(h, CHECK_IN, { input: { order: order.id, clientId: uuid(), deviceAt: at(after, '09:00'), place: HOME, cardToken: w.card } }, w.caregiver)).checkIn;
    // The death also ended the enrolment (the scheme stops in the month of the event): not enrolled that month either.
    expect([checkIn.order.state, checkIn.reasons]).toEqual(['CHECKED_IN', ['RECIPIENT_NOT_ENROLLED', 'RECIPIENT_DECEASED']]);
    const out = (await ok(h, CHECK_OUT, { input: { order: order.id, clientId: uuid(), deviceAt: at(after, '10:05'), place: HOME, cardToken: w.card } }, w.caregiver)).checkOut;
    expect([out.order.state, out.order.voidReasons]).toEqual(['VOID', ['RECIPIENT_NOT_ENROLLED', 'RECIPIENT_DECEASED']]);
    expect((await ok(h, LIST, { state: 'VERIFIED' }, w.worker)).workOrders.totalCount).toBe(0);
  });
});

describe('one caregiver at two homes at once', () => {
  it('voids the second visit with CAREGIVER_OVERLAP; one ending as the next begins does not overlap', async () => {
    const other = await assigned(h, w, w.days[0]);
    const first = await assigned(h, w, w.days[0]);
    expect((await visit(h, w, first.id, w.days[0], { from: '09:00', to: '10:05' })).order.state).toBe('VERIFIED');
    const second = await visit(h, w, other.id, w.days[0], { from: '09:30', to: '10:45' });
    expect([second.order.state, second.order.voidReasons]).toEqual(['VOID', ['CAREGIVER_OVERLAP']]);
    const next = await assigned(h, w, w.days[0]);
    expect((await visit(h, w, next.id, w.days[0], { from: '10:05', to: '11:10' })).order.state).toBe('VERIFIED');
  });
});

describe('the evidence of place', () => {
  it('shows a wrong card, a sign-in away from home, no evidence at all and a late sync, each as its reason', async () => {
    quoted('服務前掃二維碼簽入,服務結束後簽出');
    const day = w.days[0];
    const cases: [string, Parameters<typeof visit>[4], string[]][] = [
      ['wrong card', { from: '08:00', to: '09:05', place: null, card: 'not-the-recipients-card' }, ['WRONG_CARD']],
      ['away from home', { from: '10:00', to: '11:05', place: FAR, card: null }, ['AWAY_FROM_HOME']],
      ['no place, no card', { from: '12:00', to: '13:05', place: null, card: null }, ['NO_PLACE_EVIDENCE']],
      ['the card without coordinates', { from: '14:00', to: '15:05', place: null }, []],
    ];
    for (const [label, v, reasons] of cases) {
      const order = await assigned(h, w, day);
      const out = await visit(h, w, order.id, day, v);
      expect([label, out.order.voidReasons]).toEqual([label, reasons]);
    }
    const away = (await ok(h, LIST, { state: 'VOID', first: 10 }, w.provider)).workOrders.edges.map((e: any) => e.node.checkIn);
    // The distance in whole metres, never the home's coordinates (about 1.1 km north).
    expect(away.map((fact: any) => fact.distanceMetres)).toEqual([null, expect.any(Number), null]);
    expect(away[1].distanceMetres).toBeGreaterThan(1000);
    expect(away[1].distanceMetres).toBeLessThan(1200);
    // An offline device's visit sent more than the county's days later.
    const late = (await ok(h, SYNC, { events: [
      { kind: 'CHECK_IN', newOrder: { clientId: uuid(), person: w.recipient, items: ['MEALS'] }, clientId: uuid(), deviceAt: at(w.days[0], '09:00'), place: HOME },
    ] }, w.caregiver)).syncVisits[0];
    const lateOrder = late.outcome.order.id;
    const oldDay = new Date(Date.now() - (SYNC_DAYS + 2) * 86_400_000);
    // The order's own sign-in could not be that old: a second offline order carries it.
    const old = (await ok(h, SYNC, { events: [
      { kind: 'CHECK_IN', newOrder: { clientId: uuid(), person: w.recipient, items: ['MEALS'] }, clientId: uuid(), deviceAt: oldDay.toISOString(), place: HOME },
    ] }, w.caregiver)).syncVisits[0];
    expect(old.outcome.reasons).toContain('SYNCED_TOO_LATE');
    expect(late.outcome.reasons).not.toContain('SYNCED_TOO_LATE');
    expect(lateOrder).not.toBe(old.outcome.order.id);
  });
});

describe('an offline batch', () => {
  it('sent twice creates each order and each event once, and answers the second time as replayed', async () => {
    const [a, b] = [uuid(), uuid()];
    const day = w.days[2];
    const events = [
      { kind: 'CHECK_OUT', newOrder: { clientId: a, person: w.recipient, items: ['MEALS', 'CLEANING'] }, clientId: uuid(), deviceAt: at(day, '10:05'), place: HOME, cardToken: w.card },
      { kind: 'CHECK_IN', newOrder: { clientId: a, person: w.recipient, items: ['MEALS', 'CLEANING'] }, clientId: uuid(), deviceAt: at(day, '09:00'), place: HOME, cardToken: w.card },
      { kind: 'CHECK_IN', newOrder: { clientId: b, person: w.recipient, items: ['COMPANIONSHIP'] }, clientId: uuid(), deviceAt: at(day, '14:00'), place: HOME },
      { kind: 'CHECK_OUT', newOrder: { clientId: b, person: w.recipient, items: ['COMPANIONSHIP'] }, clientId: uuid(), deviceAt: at(day, '15:00'), place: HOME },
    ];
    const first = (await ok(h, SYNC, { events }, w.caregiver)).syncVisits;
    expect(first.map((r: any) => [r.clientId, r.refusal, r.outcome.replayed, r.outcome.order.state])).toEqual([
      [events[0].clientId, null, false, 'VERIFIED'],
      [events[1].clientId, null, false, 'CHECKED_IN'],
      [events[2].clientId, null, false, 'CHECKED_IN'],
      [events[3].clientId, null, false, 'VERIFIED'],
    ]);
    const before = { orders: await count('work_order'), events: await count('visit_event') };
    expect(before).toEqual({ orders: 2, events: 4 });
    const second = (await ok(h, SYNC, { events }, w.caregiver)).syncVisits;
    expect(second.map((r: any) => [r.refusal, r.outcome.replayed, r.outcome.order.state])).toEqual(events.map(() => [null, true, 'VERIFIED']));
    expect({ orders: await count('work_order'), events: await count('visit_event') }).toEqual(before);
    // The caregiver's organisation, assigned to them, planned for the day of the visit.
    const orders = await h.db.query(`SELECT organisation_id, caregiver_id, state, to_char(planned_day, 'YYYY-MM-DD') AS planned_day FROM work_order ORDER BY id`);
    expect(orders).toEqual([
      { organisation_id: w.org.id, caregiver_id: w.caregiverId, state: 'VERIFIED', planned_day: day },
      { organisation_id: w.org.id, caregiver_id: w.caregiverId, state: 'VERIFIED', planned_day: day },
    ]);
  });

  it('answers a bad event with its code and field and records the rest', async () => {
    const day = w.days[1];
    const res = (await ok(h, SYNC, { events: [
      { kind: 'CHECK_IN', clientId: uuid(), deviceAt: at(day, '09:00') },
      { kind: 'CHECK_IN', newOrder: { clientId: 'not-a-uuid', person: w.recipient, items: ['MEALS'] }, clientId: uuid(), deviceAt: at(day, '09:00') },
      { kind: 'CHECK_IN', newOrder: { clientId: uuid(), person: w.recipient, items: ['MEALS'] }, clientId: uuid(), deviceAt: at(day, '11:00'), cardToken: w.card },
    ] }, w.caregiver)).syncVisits;
    expect(res.map((r: any) => r.refusal && [r.refusal.code, r.refusal.field])).toEqual([
      ['BAD_USER_INPUT', 'events[0].order'],
      ['BAD_USER_INPUT', 'events[1].newOrder.clientId'],
      null,
    ]);
    expect(await count('work_order')).toBe(1);
  });
});

describe('booking', () => {
  it('refuses a provider without a contract serving the village for an item on the day, naming the item', async () => {
    const input = { person: w.recipient, provider: w.org.creditCode, items: ['CLEANING', 'EMERGENCY'], plannedDay: w.days[0], bookedAs: 'PROVIDER' };
    expect(refusal(await h.gql(BOOK, { input }, w.provider.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.items[1]' });
    // Another provider with no contract here, booked by the village worker.
    const other = { ...input, items: ['CLEANING'], provider: w.otherOrg.creditCode, bookedAs: 'VILLAGE_WORKER' };
    expect(refusal(await h.gql(BOOK, { input: other }, w.worker.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.items[0]' });
    // A provider books for its own organisation only.
    expect(refusal(await h.gql(BOOK, { input: { ...input, items: ['CLEANING'] } }, w.otherProvider.token))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await count('work_order')).toBe(0);
  });

  it('records the agent who phoned, and a booking re-sent with its clientId is the same order', async () => {
    const clientId = uuid();
    const input = { person: w.recipient, provider: w.org.creditCode, items: ['MEALS'], plannedDay: w.days[3], bookedAs: 'AGENT', agentName: '李明(儿子)', clientId };
    const booked = (await ok(h, BOOK, { input }, w.worker)).bookWorkOrder;
    expect([booked.state, booked.bookedAs, booked.agentName, booked.caregiver]).toEqual(['BOOKED', 'AGENT', '李明(儿子)', null]);
    expect((await ok(h, BOOK, { input }, w.worker)).bookWorkOrder.id).toBe(booked.id);
    expect(await count('work_order')).toBe(1);
    expect(refusal(await h.gql(BOOK, { input: { ...input, clientId: uuid(), agentName: null } }, w.worker.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.agentName' });
    expect(refusal(await h.gql(BOOK, { input: { ...input, clientId: uuid(), bookedAs: 'PROVIDER' } }, w.worker.token))).toEqual({ code: 'BAD_USER_INPUT', field: 'input.bookedAs' });
  });

  it('cancels before the sign-in only', async () => {
    const order = await assigned(h, w, w.days[0]);
    const cancelled = (await ok(h, CANCEL, { order: order.id, reason: '老人住院' }, w.worker)).cancelWorkOrder;
    expect([cancelled.state, cancelled.cancelReason]).toEqual(['CANCELLED', '老人住院']);
    const visited = await assigned(h, w, w.days[0]);
    await ok(h, CHECK_IN, { input: { order: visited.id, clientId: uuid(), deviceAt: at(w.days[0], '09:00'), place: HOME } }, w.caregiver);
    expect(refusal(await h.gql(CANCEL, { order: visited.id, reason: '老人住院' }, w.provider.token))).toEqual({ code: 'CONFLICT', field: 'order' });
  });
});

describe('sign-in and sign-out', () => {
  it('are the assigned caregiver’s alone; a re-sent event writes nothing new', async () => {
    const order = await assigned(h, w, w.days[0]);
    const input = { order: order.id, clientId: uuid(), deviceAt: at(w.days[0], '09:00'), place: HOME };
    expect(refusal(await h.gql(CHECK_IN, { input }, w.otherCaregiver.token))).toEqual({ code: 'FORBIDDEN', field: undefined });
    const first = (await ok(h, CHECK_IN, { input }, w.caregiver)).checkIn;
    const again = (await ok(h, CHECK_IN, { input }, w.caregiver)).checkIn;
    expect([first.replayed, again.replayed, again.order.state, again.order.checkIn.serverAt]).toEqual([false, true, 'CHECKED_IN', first.order.checkIn.serverAt]);
    expect(await count('visit_event')).toBe(1);
    // A second sign-in with another client id is refused: the order is already signed in.
    expect(refusal(await h.gql(CHECK_IN, { input: { ...input, clientId: uuid() } }, w.caregiver.token))).toEqual({ code: 'CONFLICT', field: 'input.order' });
    // A client id already used for the sign-in cannot be a sign-out.
    expect(refusal(await h.gql(CHECK_OUT, { input }, w.caregiver.token))).toEqual({ code: 'CONFLICT', field: 'input.clientId' });
  });

  it('refuses bad input naming the field and writes nothing', async () => {
    const order = await assigned(h, w, w.days[0]);
    const base = { order: order.id, clientId: uuid(), deviceAt: at(w.days[0], '09:00') };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, clientId: 'x' }, 'input.clientId'],
      [{ ...base, deviceAt: new Date(Date.now() + 3_600_000).toISOString() }, 'input.deviceAt'],
      [{ ...base, place: { lat: 91, lng: 0 } }, 'input.place.lat'],
      [{ ...base, place: { lat: 0, lng: -181 } }, 'input.place.lng'],
      [{ ...base, cardToken: 'no spaces allowed' }, 'input.cardToken'],
      [{ ...base, order: 'abc' }, 'input.order'],
    ];
    for (const [input, field] of cases) expect(refusal(await h.gql(CHECK_IN, { input }, w.caregiver.token))).toEqual({ code: 'BAD_USER_INPUT', field });
    expect(await count('visit_event')).toBe(0);
  });
});

describe('the visit events', () => {
  it('are facts the database keeps: no UPDATE or DELETE of visit_event', async () => {
    const order = await assigned(h, w, w.days[0]);
    await visit(h, w, order.id, w.days[0], { from: '09:00', to: '10:05' });
    await expect(h.db.query(`UPDATE visit_event SET lat = 0`)).rejects.toThrow(/never changed or deleted/);
    await expect(h.db.query(`DELETE FROM visit_event`)).rejects.toThrow(/never changed or deleted/);
    expect(await count('visit_event')).toBe(2);
  });
});

describe('the home place and the service card', () => {
  it('keep only the card’s hash; a new card replaces the old, whose scan is then a wrong card', async () => {
    const [stored] = await h.db.query(`SELECT encode(token_hash, 'hex') AS hash FROM service_card WHERE replaced_at IS NULL`);
    expect(stored.hash).toBe(require('node:crypto').createHash('sha256').update(w.card).digest('hex'));
    expect(w.card).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const next = (await ok(h, ISSUE_CARD, { person: w.recipient }, w.townStaff)).issueServiceCard.token;
    expect(next).not.toBe(w.card);
    expect((await h.db.query(`SELECT count(*)::int AS n FROM service_card WHERE replaced_at IS NULL`))[0].n).toBe(1);
    const order = await assigned(h, w, w.days[3]);
    const out = await visit(h, w, order.id, w.days[3], { from: '09:00', to: '10:05', place: null, card: w.card });
    expect(out.order.voidReasons).toEqual(['WRONG_CARD']);
  });

  it('is read by those who read personal data of the village only, and set by the village’s worker or the office', async () => {
    expect((await ok(h, HOME_PLACE, { person: w.recipient }, w.worker)).homePlace).toMatchObject(HOME);
    // Personal data: the read is in the trail, as an unmasking of the person.
    const [read] = await h.db.query(`SELECT actor_username, target_ids, detail FROM audit_entry WHERE action = 'person.unmask' ORDER BY id DESC LIMIT 1`);
    expect(read).toEqual({ actor_username: w.worker.username, target_ids: [w.recipient], detail: { fields: ['homePlace'] } });
    for (const user of [w.provider, w.caregiver, w.finance, w.analyst, w.siblingWorker, w.otherCounty]) {
      expect(errorCodes(await h.gql(HOME_PLACE, { person: w.recipient }, user.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(ISSUE_CARD, { person: w.recipient }, w.siblingWorker.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(ISSUE_CARD, { person: '999999' }, w.worker.token))).toEqual(['FORBIDDEN']);
  });
});

describe('who reads an order', () => {
  it('shows the recipient in full to the order’s provider and caregiver, masked to the offices, barely to finance; none to an analyst or outsiders', async () => {
    const order = await assigned(h, w, w.days[0]);
    const read = async (user: typeof w.worker) => {
      const res = await h.gql(READ, { id: order.id }, user.token);
      return res.errors ? errorCodes(res)[0] : res.data.workOrder.recipient;
    };
    const full = { id: w.recipient, name: expect.stringMatching(/^受助人/), phone: '13800001234', address: '仙女镇东苑社区龙川路88号' };
    expect(await read(w.provider)).toEqual(full);
    expect(await read(w.caregiver)).toEqual(full);
    expect(await read(w.worker)).toEqual({ ...full, phone: '138****1234', address: expect.stringMatching(/\*{4}$/) });
    expect(await read(w.county)).toEqual({ ...full, phone: '138****1234', address: expect.stringMatching(/\*{4}$/) });
    expect(await read(w.finance)).toEqual({ id: w.recipient, name: expect.stringMatching(/^受\*+$/), phone: null, address: null });
    for (const user of [w.otherProvider, w.otherCaregiver, w.siblingWorker, w.otherCounty, w.analyst]) expect(await read(user)).toBe('FORBIDDEN');
    // A missing order is refused as one out of reach.
    expect(errorCodes(await h.gql(READ, { id: '99999' }, w.provider.token))).toEqual(['FORBIDDEN']);
    // Lists narrow the same way.
    const listed = async (user: typeof w.worker) => (await ok(h, LIST, {}, user)).workOrders.totalCount;
    expect([await listed(w.provider), await listed(w.caregiver), await listed(w.worker), await listed(w.otherProvider), await listed(w.otherCaregiver), await listed(w.siblingWorker)]).toEqual([1, 1, 1, 0, 0, 0]);
    expect(VILLAGE).toBe('321012100001');
  });

  it('lists a page of 2 or of 12 orders with their events in the same number of statements', async () => {
    for (let i = 0; i < 14; i += 1) {
      const order = await assigned(h, w, w.days[0]);
      await visit(h, w, order.id, w.days[0], { from: `${String(6 + i).padStart(2, '0')}:00`, to: `${String(6 + i).padStart(2, '0')}:30` });
    }
    await ok(h, LIST, { first: 2 }, w.county);
    const counts: number[] = [];
    for (const first of [2, 12]) {
      const res = await h.gql(LIST, { first }, w.county.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.workOrders.edges).toHaveLength(first);
      counts.push(res.extensions!.sqlStatements!);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
