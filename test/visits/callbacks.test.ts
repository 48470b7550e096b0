import { createHash } from 'node:crypto';
import { errorCodes, useHarness } from '../support/harness';
import { addDays, caseWorld, ok, today, type CaseWorld } from '../cases/support';
import {
  CALLBACKS,
  callbackWorld,
  DRAW,
  ONLINE_CALLBACK,
  PROVIDER_CALLBACK,
  RATES,
  SEED_004,
  STORED_DRAW,
  VILLAGES,
  visitOn,
  type CallbackWorld,
} from './callback-support';
import { registerPerson } from '../cases/support';

// Call-backs of work orders (回訪), seed 004 篇四 (江都): the provider calls back every order, the district
// calls back online a drawn share of each day's orders, and a service found below standard is void.
const h = useHarness();
const quoted = (quote: string) => expect(SEED_004).toContain(quote);

let w: CaseWorld;
let cw: CallbackWorld;
const DAY = () => addDays(today(), -3);

beforeEach(async () => {
  w = await caseWorld(h, 'JIANGDU');
  cw = await callbackWorld(h, w);
});

const orderRow = async (id: number) =>
  (await h.db.query(`SELECT state::text, void_reasons AS "voidReasons", version FROM work_order WHERE id = $1`, [id]))[0];
const callbackRows = async () => (await h.db.query(`SELECT order_id AS "orderId", kind::text FROM order_callback ORDER BY id`)) as { orderId: number; kind: string }[];
const writes = async () => ({
  callbacks: await callbackRows(),
  draws: Number((await h.db.query(`SELECT count(*) FROM callback_draw`))[0].count),
  orders: await h.db.query(`SELECT id, state::text, void_reasons, version FROM work_order ORDER BY id`),
});

describe('the provider’s call-back (seed 004 篇四)', () => {
  it('quotes the document: every order called back, satisfaction asked, a service below standard void', () => {
    quoted('各服務商要對日工單進行100%回訪,對服務質態及時長不符合規範的,均作廢單處理,通知服務人員重新提供服務');
    quoted('並進行滿意度回訪,並將回訪結果記載備查');
  });

  it('records the answer once per order, readable by the provider and the county, the order still VERIFIED', async () => {
    const order = await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY());
    const input = { reached: true, satisfaction: 'BASIC', note: '老人说打扫得还可以', calledOn: today() };
    const recorded = (await ok(h, PROVIDER_CALLBACK, { order: String(order), input }, cw.provider)).recordProviderCallback;
    expect(recorded).toEqual({
      id: expect.any(String),
      orderId: String(order),
      kind: 'PROVIDER',
      drawId: null,
      serviceDay: DAY(),
      calledOn: today(),
      reached: true,
      satisfaction: 'BASIC',
      belowStandard: false,
      note: '老人说打扫得还可以',
      voidedOrder: false,
      recordedBy: cw.provider.username,
    });
    expect(await orderRow(order)).toEqual({ state: 'VERIFIED', voidReasons: [], version: 1 });
    expect((await ok(h, CALLBACKS, { order: String(order) }, cw.provider)).orderCallbacks).toEqual([recorded]);
    expect((await ok(h, CALLBACKS, { order: String(order) }, cw.countyStaff)).orderCallbacks).toEqual([recorded]);

    const before = await writes();
    const again = await h.gql(PROVIDER_CALLBACK, { order: String(order), input }, cw.provider.token);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(await writes()).toEqual(before);
  });

  it('voids a verified order found below standard, in the same transaction and audit entry', async () => {
    const order = await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY());
    const input = { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '只待了二十分钟' };
    const recorded = (await ok(h, PROVIDER_CALLBACK, { order: String(order), input }, cw.provider)).recordProviderCallback;
    expect([recorded.belowStandard, recorded.voidedOrder, recorded.calledOn]).toEqual([true, true, today()]);
    expect(await orderRow(order)).toEqual({ state: 'VOID', voidReasons: ['VOIDED_ON_CALLBACK'], version: 2 });
    const [entry] = await h.db.query(`SELECT action, outcome, target_type, target_ids, detail FROM audit_entry WHERE action = 'callback.recordProvider'`);
    expect(entry).toMatchObject({ outcome: 'SUCCESS', target_type: 'WorkOrder', target_ids: [String(order)], detail: { kind: 'PROVIDER', belowStandard: true, voidedOrder: true } });
  });

  it('records a call-back of an order already void without voiding it again', async () => {
    const order = await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY(), ['SHORTER_THAN_MINIMUM']);
    const recorded = (await ok(h, PROVIDER_CALLBACK, { order: String(order), input: { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true } }, cw.provider)).recordProviderCallback;
    expect(recorded.voidedOrder).toBe(false);
    expect(await orderRow(order)).toEqual({ state: 'VOID', voidReasons: ['SHORTER_THAN_MINIMUM'], version: 1 });
  });

  it('refuses another organisation’s order and an order that does not exist alike, and writes nothing', async () => {
    const order = await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY());
    const input = { reached: true, satisfaction: 'SATISFIED' };
    const before = await writes();
    for (const id of [String(order), '999999']) {
      const res = await h.gql(PROVIDER_CALLBACK, { order: id, input }, cw.otherProvider.token);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.errors![0].message).toBe((await h.gql(PROVIDER_CALLBACK, { order: '999998', input }, cw.otherProvider.token)).errors![0].message);
      expect(errorCodes(await h.gql(CALLBACKS, { order: id }, cw.otherProvider.token))).toEqual(['FORBIDDEN']);
    }
    // Recording is the provider's: the county's staff, a village worker, the leadership office and an analyst may not.
    for (const user of [cw.countyStaff, w.worker, w.leadership, w.analyst]) {
      expect(errorCodes(await h.gql(PROVIDER_CALLBACK, { order: String(order), input }, user.token))).toEqual(['FORBIDDEN']);
    }
    expect(await writes()).toEqual(before);
  });

  it('refuses an order without a decided visit (CONFLICT) and each bad answer naming its field, writing nothing', async () => {
    const [assigned] = await h.db.query(
      `INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, items, booked_by_kind, planned_day, state)
       VALUES ($1, $2, $3, $4, '{CLEANING}', 'PROVIDER', $5, 'ASSIGNED') RETURNING id`,
      [cw.people[VILLAGES[0]], VILLAGES[0], cw.organisationA, cw.caregivers[cw.organisationA], DAY()],
    );
    const order = await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY());
    const before = await writes();
    const undecided = await h.gql(PROVIDER_CALLBACK, { order: String(assigned.id), input: { reached: true, satisfaction: 'SATISFIED' } }, cw.provider.token);
    expect(errorCodes(undecided)).toEqual(['CONFLICT']);
    const cases: [Record<string, unknown>, string][] = [
      [{ reached: true }, 'input.satisfaction'],
      [{ reached: false, satisfaction: 'SATISFIED' }, 'input.satisfaction'],
      [{ reached: false, belowStandard: true }, 'input.belowStandard'],
      [{ reached: true, satisfaction: 'SATISFIED', calledOn: addDays(DAY(), -1) }, 'input.calledOn'],
      [{ reached: true, satisfaction: 'SATISFIED', calledOn: addDays(today(), 1) }, 'input.calledOn'],
      [{ reached: true, satisfaction: 'SATISFIED', note: '很'.repeat(2001) }, 'input.note'],
    ];
    for (const [input, field] of cases) {
      const res = await h.gql(PROVIDER_CALLBACK, { order: String(order), input }, cw.provider.token);
      expect([field, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([field, ['BAD_USER_INPUT'], field]);
    }
    expect(errorCodes(await h.gql(PROVIDER_CALLBACK, { order: 'abc', input: { reached: false } }, cw.provider.token))).toEqual(['BAD_USER_INPUT']);
    expect(await writes()).toEqual(before);
  });
});

/** The auditor's recipe (docs/oversight.md), written out again here: SHA-256 of `${seed}:${id}` in hex, smallest first, ceil(percent × n / 100). */
function redraw(seed: string, population: string[], percent: number): string[] {
  const keyed = population.map((id) => ({ id, key: createHash('sha256').update(`${seed}:${id}`).digest('hex') }));
  keyed.sort((a, b) => a.key.localeCompare(b.key));
  return keyed.slice(0, Math.ceil((percent * population.length) / 100)).map((k) => k.id);
}

describe('the district’s online call-backs (seed 004 篇四)', () => {
  it('quotes the document: at least 10 % of each day’s orders', () => {
    quoted('區通過智慧養老大數據信息平台,線上對上門服務情況和滿意度進行回訪調查,線上回訪率不低於日工單的10%');
  });

  it('draws ceil(10 % × n) of the county’s verified orders of the day, once, reproducibly from the stored seed', async () => {
    const verified: number[] = [];
    for (let i = 0; i < 25; i++) verified.push(await visitOn(h, cw, cw.people[VILLAGES[i % 3]], i % 2 ? cw.organisationA : cw.organisationB, DAY()));
    // Not drawn from: void orders, another day's, another county's.
    await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, DAY(), ['NO_PLACE_EVIDENCE']);
    await visitOn(h, cw, cw.people[VILLAGES[0]], cw.organisationA, addDays(DAY(), -1));
    const elsewhere = Number(await registerPerson(h, w.otherCounty, '321023100001'));
    await visitOn(h, cw, elsewhere, cw.organisationA, DAY());

    const draw = (await ok(h, DRAW, { county: '321012', day: DAY() }, cw.countyStaff)).drawCallbackSample;
    expect(draw).toMatchObject({ county: { code: '321012' }, day: DAY(), percent: 10, populationSize: 25 });
    expect(draw.seed).toMatch(/^[0-9a-f]{32}$/);
    expect(draw.populationIds).toEqual(verified.map(String));
    expect(draw.orderIds).toHaveLength(3);
    expect(draw.orderIds).toEqual(redraw(draw.seed, draw.populationIds, 10));
    // The recipe of docs/oversight.md, in SQL.
    const bySql = await h.db.query(
      `SELECT id::text FROM unnest($1::int[]) AS id ORDER BY encode(sha256(convert_to($2 || ':' || id, 'UTF8')), 'hex'), id LIMIT ceil($3::int * $4::int / 100.0)`,
      [draw.populationIds, draw.seed, draw.percent, draw.populationSize],
    );
    expect(bySql.map((r: { id: string }) => r.id)).toEqual(draw.orderIds);

    // Once per county and day: a second call, and the read, answer the stored draw.
    expect((await ok(h, DRAW, { county: '321012', day: DAY() }, w.county)).drawCallbackSample).toEqual(draw);
    expect((await ok(h, STORED_DRAW, { county: '321012', day: DAY() }, cw.countyStaff)).callbackDraw).toEqual(draw);
    expect(Number((await h.db.query(`SELECT count(*) FROM callback_draw`))[0].count)).toBe(1);
    // The stored draw is a fact: the database refuses changing it.
    await expect(h.db.query(`UPDATE callback_draw SET seed = repeat('0', 32)`)).rejects.toThrow(/never changed/);
  });

  it('draws nothing from a day without orders, and refuses today, a town, another county and town staff', async () => {
    const empty = (await ok(h, DRAW, { county: '321012', day: DAY() }, cw.countyStaff)).drawCallbackSample;
    expect([empty.populationSize, empty.orderIds]).toEqual([0, []]);
    const before = await writes();
    const refusals: [Record<string, string>, typeof cw.countyStaff, string, string | undefined][] = [
      [{ county: '321012', day: today() }, cw.countyStaff, 'BAD_USER_INPUT', 'day'],
      [{ county: '321012100', day: DAY() }, cw.countyStaff, 'BAD_USER_INPUT', 'county'],
      [{ county: '321023', day: DAY() }, cw.countyStaff, 'FORBIDDEN', undefined],
      [{ county: '321012', day: addDays(DAY(), -1) }, w.townStaff, 'FORBIDDEN', undefined],
      [{ county: '321012', day: addDays(DAY(), -1) }, cw.provider, 'FORBIDDEN', undefined],
      [{ county: '321012', day: addDays(DAY(), -1) }, w.leadership, 'FORBIDDEN', undefined],
    ];
    for (const [variables, user, code, field] of refusals) {
      const res = await h.gql(DRAW, variables, user.token);
      expect([variables, errorCodes(res), res.errors?.[0].extensions.field]).toEqual([variables, [code], field]);
    }
    expect(await writes()).toEqual(before);
  });

  it('lets the county call back a drawn order (voiding it below standard), and refuses an order not drawn', async () => {
    const orders: number[] = [];
    for (let i = 0; i < 12; i++) orders.push(await visitOn(h, cw, cw.people[VILLAGES[i % 3]], cw.organisationA, DAY()));
    const draw = (await ok(h, DRAW, { county: '321012', day: DAY() }, cw.countyStaff)).drawCallbackSample;
    expect(draw.orderIds).toHaveLength(2);
    const [drawn] = draw.orderIds;
    const notDrawn = String(orders.find((id) => !draw.orderIds.includes(String(id))));

    const input = { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '服务时长不足' };
    const recorded = (await ok(h, ONLINE_CALLBACK, { order: drawn, input }, cw.countyStaff)).recordOnlineCallback;
    expect(recorded).toMatchObject({ orderId: drawn, kind: 'ONLINE', drawId: draw.id, voidedOrder: true });
    expect(await orderRow(Number(drawn))).toEqual({ state: 'VOID', voidReasons: ['VOIDED_ON_CALLBACK'], version: 2 });
    // The provider still calls back its (now void) order: the two kinds are separate, and the provider reads both.
    await ok(h, PROVIDER_CALLBACK, { order: drawn, input: { reached: false } }, cw.provider);
    expect((await ok(h, CALLBACKS, { order: drawn }, cw.provider)).orderCallbacks.map((c: any) => c.kind)).toEqual(['ONLINE', 'PROVIDER']);

    const before = await writes();
    const res = await h.gql(ONLINE_CALLBACK, { order: notDrawn, input }, cw.countyStaff.token);
    expect([errorCodes(res), res.errors![0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'order']);
    expect(errorCodes(await h.gql(ONLINE_CALLBACK, { order: drawn, input }, cw.countyStaff.token))).toEqual(['CONFLICT']);
    // The town's staff reaches the order's village but not the county that drew it.
    expect(errorCodes(await h.gql(ONLINE_CALLBACK, { order: draw.orderIds[1], input }, w.townStaff.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(ONLINE_CALLBACK, { order: draw.orderIds[1], input }, w.otherCounty.token))).toEqual(['FORBIDDEN']);
    expect(await writes()).toEqual(before);
  });
});

describe('call-back rates', () => {
  it('equal a count from scratch of what was recorded, at the county, its towns and a village', async () => {
    // Four days of orders in the three villages, two organisations; some void on the evidence.
    const days = [0, 1, 2, 3].map((d) => addDays(DAY(), -d));
    type Order = { id: number; village: string; day: string; org: number; evidenceVoid: boolean; provider?: string; online?: string; drawn?: boolean; voided?: boolean };
    const orders: Order[] = [];
    let n = 0;
    for (const day of days) {
      for (const village of VILLAGES) {
        for (let k = 0; k < 4 + (n % 3); k++, n++) {
          const org = n % 2 ? cw.organisationA : cw.organisationB;
          const evidenceVoid = n % 7 === 0;
          orders.push({ id: await visitOn(h, cw, cw.people[village], org, day, evidenceVoid ? ['SHORTER_THAN_MINIMUM'] : []), village, day, org, evidenceVoid });
        }
      }
    }
    const bProvider = cw.otherProvider;
    const answers = ['SATISFIED', 'BASIC', 'DISSATISFIED'];
    for (const [i, o] of orders.entries()) {
      if (i % 5 === 4) continue; // not called back
      const below = i % 11 === 3;
      const satisfaction = below ? 'DISSATISFIED' : answers[i % 3];
      await ok(h, PROVIDER_CALLBACK, { order: String(o.id), input: { reached: true, satisfaction, belowStandard: below } }, o.org === cw.organisationA ? cw.provider : bProvider);
      o.provider = satisfaction;
      if (below && !o.evidenceVoid) o.voided = true;
    }
    for (const day of days.slice(0, 3)) {
      const draw = (await ok(h, DRAW, { county: '321012', day }, cw.countyStaff)).drawCallbackSample;
      // Drawn from the orders still VERIFIED then.
      expect(draw.populationIds).toEqual(orders.filter((o) => o.day === day && !o.evidenceVoid && !o.voided).map((o) => String(o.id)));
      for (const [j, id] of draw.orderIds.entries()) {
        const o = orders.find((x) => String(x.id) === id)!;
        o.drawn = true;
        if (j === 1) continue; // drawn, not yet called
        await ok(h, ONLINE_CALLBACK, { order: id, input: { reached: true, satisfaction: j === 0 ? 'DISSATISFIED' : 'SATISFIED', belowStandard: j === 0 } }, cw.countyStaff);
        o.online = j === 0 ? 'DISSATISFIED' : 'SATISFIED';
        if (j === 0) o.voided = true;
      }
    }

    const recount = (prefix: string, from: string, to: string) => {
      const counted = orders.filter((o) => o.village.startsWith(prefix) && o.day >= from && o.day <= to && !o.evidenceVoid);
      const count = (pick: (o: Order) => boolean) => counted.filter(pick).length;
      const verifiedOrders = counted.length;
      return {
        verifiedOrders,
        providerCallbacks: count((o) => o.provider !== undefined),
        providerShare: verifiedOrders ? count((o) => o.provider !== undefined) / verifiedOrders : null,
        drawnOrders: count((o) => o.drawn === true),
        onlineCallbacks: count((o) => o.online !== undefined),
        onlineShare: verifiedOrders ? count((o) => o.online !== undefined) / verifiedOrders : null,
        voidedOnCallback: count((o) => o.voided === true),
        dissatisfied: count((o) => o.provider === 'DISSATISFIED') + count((o) => o.online === 'DISSATISFIED'),
      };
    };
    // Siblings ranked by the provider's share, then the county's: 1 + how many siblings did strictly better.
    const ranked = (codes: string[], from: string, to: string) => {
      const figures = codes.map((code) => recount(code, from, to));
      const better = (a: (typeof figures)[0], b: (typeof figures)[0]) =>
        a.providerShare! > b.providerShare! || (a.providerShare === b.providerShare && a.onlineShare! > b.onlineShare!);
      return codes.map((code, i) => ({
        node: { code },
        figures: figures[i],
        rank: figures[i].verifiedOrders === 0 ? null : 1 + figures.filter((other) => other.verifiedOrders > 0 && better(other, figures[i])).length,
      }));
    };
    const [from, to] = [days[2], days[0]];
    const county = (await ok(h, RATES, { under: '321012', from, to }, w.leadership)).callbackRates;
    expect(county).toEqual({
      node: { code: '321012' },
      from,
      to,
      providerPercentRequired: 100,
      onlinePercentRequired: 10,
      figures: recount('321012', from, to),
      children: ranked(['321012100', '321012101'], from, to),
    });
    expect(county.figures.verifiedOrders).toBeGreaterThan(20);
    expect(county.figures.voidedOnCallback).toBeGreaterThan(2);
    const town = (await ok(h, RATES, { under: '321012100', from: days[3], to }, w.townStaff)).callbackRates;
    expect(town.figures).toEqual(recount('321012100', days[3], to));
    expect(town.children).toEqual(ranked(['321012100001', '321012100002'], days[3], to));
    expect(town.children.map((child: { rank: number | null }) => child.rank).sort()).not.toEqual([null, null]);
    const village = (await ok(h, RATES, { under: VILLAGES[0], from, to }, w.worker)).callbackRates;
    expect([village.figures, village.children]).toEqual([recount(VILLAGES[0], from, to), []]);
    expect((await ok(h, RATES, { under: '321012', from, to }, w.analyst)).callbackRates.figures).toEqual(recount('321012', from, to));
  });

  it('refuses a range over a year or backwards, another county, and providers and finance', async () => {
    const res = await h.gql(RATES, { under: '321012', from: '2025-01-01', to: '2026-01-02' }, w.leadership.token);
    expect([errorCodes(res), res.errors![0].extensions.field]).toEqual([['BAD_USER_INPUT'], 'to']);
    expect(errorCodes(await h.gql(RATES, { under: '321012', from: '2025-02-01', to: '2025-01-01' }, w.leadership.token))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await h.gql(RATES, { under: '321023', from: '2025-01-01', to: '2025-01-31' }, w.leadership.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(RATES, { under: '321023999', from: '2025-01-01', to: '2025-01-31' }, w.leadership.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(RATES, { under: '321012', from: '2025-01-01', to: '2025-01-31' }, cw.provider.token))).toEqual(['FORBIDDEN']);
  });
});
