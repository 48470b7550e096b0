import fs from 'node:fs';
import path from 'node:path';
import { addMonths, thisMonthInChina } from '../../src/kernel/dates';
import { errorCodes, useHarness } from '../support/harness';
import { ok } from '../cases/support';
import { assigned, COUNTY, TOWN, visit } from '../visits/support';
import { ACCOUNT, CREDIT, ITEM_PRICE, ledgerHolds, ledgerWorld, RUN, SEED_004, type LedgerWorld } from './support';

// The rules a level sets on its vouchers (docs/settlement.md#the-levels-rules), each from its document.
const h = useHarness();
const SEED_000 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('000'))!), 'utf8');

const RULES = `query($at: String!, $month: Month!) { ledgerRules(at: $at, month: $month) { code fromMonth mealOwnSharePercent yearCap returnFrozen source } }`;
const SET_RULES = `mutation($input: SetLedgerRulesInput!) { setLedgerRules(input: $input) { code fromMonth mealOwnSharePercent yearCap returnFrozen source } }`;

let w: LedgerWorld;

beforeEach(async () => {
  w = await ledgerWorld(h, 5000);
});

async function credit(month: string): Promise<any> {
  await ok(h, RUN, { code: COUNTY, month }, w.county);
  return (await ok(h, CREDIT, { at: COUNTY, month }, w.county)).postVoucherCredits;
}

/** A verified visit of the recipient with `items` on the world's `n`-th day at `hour`; its charge's lines by account kind. */
async function charged(items: string[], n = 0, hour = 9): Promise<{ voucher: number; own: number }> {
  const day = w.days[n % w.days.length];
  const order = await assigned(h, w, day, { items });
  await visit(h, w, order.id, day, { from: `${String(hour).padStart(2, '0')}:00`, to: `${String(hour + 1).padStart(2, '0')}:05` });
  const [row] = await h.db.query(
    `SELECT -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY'), 0)::int AS voucher, -coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PERSONAL'), 0)::int AS own
       FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id JOIN ledger_account a ON a.id = l.account_id WHERE p.order_id = $1 AND p.cause = 'CHARGE'`,
    [order.id],
  );
  return row;
}

/** Sets the county's rules from the visits' month: through the API when that is this month, else as the API would have stored them then. */
async function countyRules(rules: { mealOwnSharePercent: number; yearCap: boolean; returnFrozen: boolean }, from = w.month): Promise<void> {
  const input = { jurisdictionCode: COUNTY, fromMonth: from, source: '江都区政府购买居家养老服务实施方案', ...rules };
  if (from >= thisMonthInChina()) {
    await ok(h, SET_RULES, { input }, w.county);
    return;
  }
  await h.db.query(
    `INSERT INTO ledger_rules (jurisdiction_id, code, from_month, meal_own_share_percent, year_cap, return_frozen, source)
     SELECT id, code, $2::date, $3, $4, $5, $6 FROM jurisdiction WHERE code = $1`,
    [COUNTY, `${from}-01`, rules.mealOwnSharePercent, rules.yearCap, rules.returnFrozen, input.source],
  );
}

describe('a meal’s own share', () => {
  it('is paid by the person: at least half the meal’s price by default, more where the county says so (seed 000: 原则上个人缴费部分应不低于用餐成本的50%)', async () => {
    expect(SEED_000).toContain('原则上个人缴费部分应不低于用餐成本的50%');
    expect((await ok(h, RULES, { at: '321012100001', month: w.month }, w.worker)).ledgerRules).toEqual({
      code: null, fromMonth: null, mealOwnSharePercent: 50, yearCap: true, returnFrozen: false, source: null,
    });
    await credit(w.month);
    expect(await charged(['MEALS'])).toEqual({ voucher: ITEM_PRICE / 2, own: ITEM_PRICE / 2 });
    // A meal with other items: only the meal's share falls to the person.
    expect(await charged(['MEALS', 'CLEANING'], 1)).toEqual({ voucher: ITEM_PRICE + ITEM_PRICE / 2, own: ITEM_PRICE / 2 });
    await countyRules({ mealOwnSharePercent: 67, yearCap: true, returnFrozen: false });
    // 67 % of 3,000 fen is 2,010 fen: the person's share is rounded up to the fen, never down.
    expect(await charged(['MEALS'], 2)).toEqual({ voucher: ITEM_PRICE - 2010, own: 2010 });
    await ledgerHolds(h);
  });

  it('cannot be set below what the levels above require, nor for a month already past', async () => {
    const month = thisMonthInChina();
    await ok(h, SET_RULES, { input: { jurisdictionCode: COUNTY, fromMonth: month, mealOwnSharePercent: 60, yearCap: true, returnFrozen: false, source: '区民政局通知' } }, w.county);
    const below = await h.gql(SET_RULES, { input: { jurisdictionCode: TOWN, fromMonth: month, mealOwnSharePercent: 55, yearCap: true, returnFrozen: false, source: '镇通知' } }, w.county.token);
    expect(errorCodes(below)).toEqual(['BAD_USER_INPUT']);
    expect(below.errors?.[0].extensions?.field).toBe('input.mealOwnSharePercent');
    const past = await h.gql(SET_RULES, { input: { jurisdictionCode: TOWN, fromMonth: addMonths(month, -1), mealOwnSharePercent: 70, yearCap: true, returnFrozen: false, source: '镇通知' } }, w.county.token);
    expect(past.errors?.[0].extensions?.field).toBe('input.fromMonth');
    // A month beyond the ones the ledger takes is named by the input's field too.
    const far = await h.gql(SET_RULES, { input: { jurisdictionCode: TOWN, fromMonth: addMonths(month, 24), mealOwnSharePercent: 70, yearCap: true, returnFrozen: false, source: '镇通知' } }, w.county.token);
    expect(errorCodes(far)).toEqual(['BAD_USER_INPUT']);
    expect(far.errors?.[0].extensions?.field).toBe('input.fromMonth');
    const again = await h.gql(SET_RULES, { input: { jurisdictionCode: COUNTY, fromMonth: month, mealOwnSharePercent: 70, yearCap: true, returnFrozen: false, source: '区民政局通知' } }, w.county.token);
    expect(errorCodes(again)).toEqual(['CONFLICT']);
    expect(errorCodes(await h.gql(SET_RULES, { input: { jurisdictionCode: '321023', fromMonth: month, mealOwnSharePercent: 70, yearCap: true, returnFrozen: false, source: 'x' } }, w.county.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(SET_RULES, { input: { jurisdictionCode: TOWN, fromMonth: month, mealOwnSharePercent: 70, yearCap: true, returnFrozen: false, source: 'x' } }, w.townStaff.token))).toEqual(['FORBIDDEN']);
    // The town's stricter share applies below it; the county's elsewhere.
    await ok(h, SET_RULES, { input: { jurisdictionCode: TOWN, fromMonth: month, mealOwnSharePercent: 80, yearCap: true, returnFrozen: false, source: '镇通知' } }, w.county);
    expect((await ok(h, RULES, { at: '321012100001', month }, w.worker)).ledgerRules).toMatchObject({ code: TOWN, mealOwnSharePercent: 80 });
    expect((await ok(h, RULES, { at: '321012101', month }, w.county)).ledgerRules).toMatchObject({ code: COUNTY, mealOwnSharePercent: 60 });
  });
});

describe('the year’s amount', () => {
  it('caps what the vouchers pay in a calendar year, a balance carried from the year before notwithstanding (seed 004 篇四: 個人全年結算金額不得超過服務對象本人全年服務金額,超出部分由個人自行負擔)', async () => {
    expect(SEED_004).toContain('個人全年結算金額不得超過服務對象本人全年服務金額,超出部分由個人自行負擔');
    // The last month of the year before, and the visits' month: the balance holds both.
    const lastYear = `${Number(w.month.slice(0, 4)) - 1}-12`;
    const before = await credit(lastYear);
    const now = await credit(w.month);
    expect(before.creditedFen).toBeGreaterThan(0);
    const [{ fen: yearAmount }] = await h.db.query(
      `SELECT sum(l.amount_fen)::int AS fen FROM ledger_line l JOIN ledger_posting p ON p.id = l.posting_id JOIN ledger_account a ON a.id = l.account_id
        WHERE a.kind = 'SUBSIDY' AND a.person_id = $1 AND p.month >= $2::date`,
      [w.recipient, `${w.month.slice(0, 4)}-01-01`],
    );
    expect(now.creditedFen).toBeGreaterThanOrEqual(yearAmount);
    // One-item visits until the year's amount is used; the next is the person's, though the balance still holds last year's credit.
    let paid = 0;
    let n = 0;
    while (paid + ITEM_PRICE <= yearAmount) {
      expect(await charged(['CLEANING'], n, 8 + 2 * Math.floor(n / w.days.length))).toEqual({ voucher: ITEM_PRICE, own: 0 });
      paid += ITEM_PRICE;
      n++;
    }
    const straddling = await charged(['CLEANING'], n, 8 + 2 * Math.floor(n / w.days.length));
    expect(straddling).toEqual({ voucher: yearAmount - paid, own: ITEM_PRICE - (yearAmount - paid) });
    const vouchers = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    expect(vouchers.balanceFen).toBeGreaterThan(0);
    n++;
    expect(await charged(['CLEANING'], n, 8 + 2 * Math.floor(n / w.days.length))).toEqual({ voucher: 0, own: ITEM_PRICE });
    // A county that does not cap lets the carried balance pay.
    await countyRules({ mealOwnSharePercent: 50, yearCap: false, returnFrozen: false });
    n++;
    expect(await charged(['CLEANING'], n, 8 + 2 * Math.floor(n / w.days.length))).toEqual({ voucher: Math.min(ITEM_PRICE, vouchers.balanceFen), own: ITEM_PRICE - Math.min(ITEM_PRICE, vouchers.balanceFen) });
    await ledgerHolds(h);
  });
});

describe('a frozen balance', () => {
  it('stays frozen by default; where the county says so, the next credit run returns it to its funders by their shares', async () => {
    expect(SEED_004).toContain('賬户註銷後,個人賬户餘額退還本人(或代理人),補貼賬户自動凍結');
    const previous = addMonths(w.month, -1);
    await credit(previous);
    await credit(w.month);
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: w.days[0] }, w.county);
    // The month of death is taken back; what the month before left stays frozen.
    const kept = await credit(w.month);
    expect(kept.returnedFen).toBe(0);
    const [{ fen: frozen }] = await h.db.query(`SELECT balance_fen::int AS fen FROM ledger_account WHERE kind = 'SUBSIDY' AND person_id = $1`, [w.recipient]);
    expect(frozen).toBeGreaterThan(0);

    await countyRules({ mealOwnSharePercent: 50, yearCap: true, returnFrozen: true }, addMonths(thisMonthInChina(), 1));
    const next = await credit(addMonths(thisMonthInChina(), 1));
    expect(next.returnedFen).toBe(frozen);
    const [{ fen: left }] = await h.db.query(`SELECT balance_fen::int AS fen FROM ledger_account WHERE kind = 'SUBSIDY' AND person_id = $1`, [w.recipient]);
    expect(left).toBe(0);
    const back = await h.db.query(
      `SELECT j.level::text AS level, sum(l.amount_fen)::int AS fen FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id
         JOIN ledger_account a ON a.id = l.account_id JOIN jurisdiction j ON j.id = a.jurisdiction_id
        WHERE p.cause = 'FREEZE_RETURN' GROUP BY 1 ORDER BY 1`,
    );
    expect(back.reduce((sum: number, r: any) => sum + r.fen, 0)).toBe(frozen);
    expect(back.every((r: any) => r.fen > 0)).toBe(true);
    // Returned once: the run again returns nothing.
    expect((await credit(addMonths(thisMonthInChina(), 1))).returnedFen).toBe(0);
    await ledgerHolds(h);
  });
});
