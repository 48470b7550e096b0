import { addMonths } from '../../src/kernel/dates';
import { errorCodes, useHarness } from '../support/harness';
import { ok } from '../cases/support';
import { PROVIDER_CALLBACK } from '../visits/callback-support';
import { assigned, COUNTY, TOWN, visit } from '../visits/support';
import { ACCOUNT, ALL_ITEMS, postingsOf, CREDIT, credited as creditedIn, entitled as entitledIn, ITEM_PRICE, ledgerHolds as holds, ledgerWorld, SEED_004, type LedgerWorld } from './support';

// Voucher accounts, 江都区 (seed 004 篇四): «各鎮以電子代金券的形式把政府購買服務補貼充入市民卡補貼賬户,補貼賬户中的餘額可結轉使用,
// 當餘額不足時,應由個人賬户承擔消費» and «政府購買居家養老服務補貼資金由區、鎮財政按總資金7:3的比例承擔».
const h = useHarness();
const quoted = (quote: string) => expect(SEED_004).toContain(quote);
const FIGURES = `query($at: String!, $month: Month!) { voucherFigures(at: $at, month: $month) {
  jurisdiction { code } month creditedFen funders { level amountFen } voucherChargedFen ownPaidFen returnedFen adjustedFen balanceFen
  children { jurisdiction { code } creditedFen voucherChargedFen balanceFen } } }`;
/** The district-and-town scheme's monthly amount (the tests' own figure; the split is the document's). */
const SHARED_AMOUNT = 5000;

let w: LedgerWorld;
let month: string;
const credited = () => creditedIn(h, w);
const entitled = (person: string) => entitledIn(h, w, person);
const ledgerHolds = () => holds(h);

beforeEach(async () => {
  w = await ledgerWorld(h, SHARED_AMOUNT);
  month = w.month;
});

describe('the month’s credit', () => {
  it('credits each person’s entitlement once, the district and the town sharing 7 : 3, and a rerun posts nothing', async () => {
    quoted('補貼資金由區、鎮財政按總資金7:3的比例承擔');
    quoted('各鎮以電子代金券的形式把政府購買服務補貼充入市民卡補貼賬户');
    const run = await credited();
    const due = await entitled(w.recipient);
    expect(due).toBeGreaterThan(SHARED_AMOUNT);
    expect(run).toMatchObject({ jurisdiction: { code: COUNTY }, month, withheld: 0 });
    const account = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    expect(account).toMatchObject({ personId: w.recipient, balanceFen: due, ownPaidFen: 0, accounts: [{ schemeKind: 'HOME_CARE_SUBSIDY', balanceFen: due, frozenAfter: null }] });
    expect(postingsOf(account).every((p: any) => p.cause === 'CREDIT' && p.month === month)).toBe(true);

    // The town's figures: what its villages' people were credited, the town paying 3 tenths of the shared scheme.
    const people = Number((await h.db.query(`SELECT count(DISTINCT person_id) AS n FROM entitlement_line l JOIN subsidy_scheme s ON s.id = l.scheme_id
      WHERE l.month = $1::date AND s.kind = 'HOME_CARE_SUBSIDY' AND s.name = '政府购买居家养老服务'`, [`${month}-01`]))[0].n);
    const town = (await ok(h, FIGURES, { at: TOWN, month }, w.townStaff)).voucherFigures;
    const total = Number((await h.db.query(`SELECT sum(l.amount_fen) AS fen FROM entitlement_line l JOIN subsidy_scheme s ON s.id = l.scheme_id
      WHERE l.month = $1::date AND s.kind = 'HOME_CARE_SUBSIDY'`, [`${month}-01`]))[0].fen);
    expect(run.creditedFen).toBe(total);
    expect(town.creditedFen).toBe(total);
    expect(town.funders).toEqual([
      { level: 'COUNTY', amountFen: total - (people * SHARED_AMOUNT * 3) / 10 },
      { level: 'TOWN', amountFen: (people * SHARED_AMOUNT * 3) / 10 },
    ]);
    expect(town.balanceFen).toBe(total);

    const before = Number((await h.db.query(`SELECT count(*) AS n FROM ledger_posting`))[0].n);
    const again = await credited();
    expect([again.postings, again.creditedFen]).toEqual([0, 0]);
    expect(Number((await h.db.query(`SELECT count(*) AS n FROM ledger_posting`))[0].n)).toBe(before);
    await ledgerHolds();
  });

  it('is refused outside the caller’s subtree, the same way whether or not the node exists', async () => {
    for (const at of ['321023', '321099']) {
      expect(errorCodes(await h.gql(CREDIT, { at, month }, w.county.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(CREDIT, { at: TOWN, month }, w.townStaff.token))).toEqual(['FORBIDDEN']);
  });
});

describe('charges', () => {
  it('charges a verified visit at the contract’s price from the vouchers, the shortfall to the person, and reverses it when voided', async () => {
    quoted('當餘額不足時,應由個人賬户承擔消費');
    quoted('服務結束後簽出並通過POS機或專用APP刷市民卡進行消費扣款結算');
    await credited();
    const due = await entitled(w.recipient);
    const price = ALL_ITEMS.length * ITEM_PRICE;
    // Enough visits to run the vouchers out, and one more.
    const visits = Math.floor(due / price) + 1;
    const orders: string[] = [];
    for (let i = 0; i < visits; i++) {
      const day = w.days[i % w.days.length];
      const hour = 8 + 2 * Math.floor(i / w.days.length);
      const order = await assigned(h, w, day, { items: ALL_ITEMS });
      const out = await visit(h, w, order.id, day, { from: `${String(hour).padStart(2, '0')}:00`, to: `${String(hour + 1).padStart(2, '0')}:05` });
      expect(out.order.state).toBe('VERIFIED');
      orders.push(order.id);
    }
    const account = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    const ownPaid = visits * price - due;
    expect([account.balanceFen, account.ownPaidFen]).toEqual([0, ownPaid]);
    const charges = postingsOf(account).filter((p: any) => p.cause === 'CHARGE');
    expect(charges.map((p: any) => p.amountFen).reduce((a: number, b: number) => a + b, 0)).toBe(-due);

    // The last visit was paid mostly by the person; a call-back finds it below standard and voids it.
    const last = orders[orders.length - 1];
    const voided = (await ok(h, PROVIDER_CALLBACK, { order: last, input: { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '服务不到位' } }, w.provider)).recordProviderCallback;
    expect(voided.voidedOrder).toBe(true);
    const after = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    const lastCharge = postingsOf(account).find((p: any) => p.cause === 'CHARGE' && p.orderId === last);
    expect(after.balanceFen).toBe(-lastCharge.amountFen);
    expect(after.ownPaidFen).toBe(ownPaid - (price + lastCharge.amountFen));
    expect(postingsOf(after)[0]).toMatchObject({ cause: 'REVERSAL', orderId: last, amountFen: -lastCharge.amountFen, reversesId: lastCharge.id });

    const figures = (await ok(h, FIGURES, { at: COUNTY, month }, w.finance)).voucherFigures;
    expect(figures.voucherChargedFen + figures.ownPaidFen).toBe((visits - 1) * price);
    expect(figures.balanceFen).toBe(figures.creditedFen - figures.voucherChargedFen);
    await ledgerHolds();
  });

  it('carries the balance over to the next month', async () => {
    quoted('補貼賬户中的餘額可結轉使用');
    await credited();
    const due = await entitled(w.recipient);
    const order = await assigned(h, w, w.days[0], { items: ['CLEANING'] });
    await visit(h, w, order.id, w.days[0], { from: '09:00', to: '10:05' });
    const next = (await ok(h, FIGURES, { at: COUNTY, month: addMonths(month, 1) }, w.finance)).voucherFigures;
    expect([next.creditedFen, next.voucherChargedFen]).toEqual([0, 0]);
    const [left] = await h.db.query(`SELECT balance_fen::int AS fen FROM ledger_account WHERE kind = 'SUBSIDY' AND person_id = $1`, [w.recipient]);
    expect(left.fen).toBe(due - ITEM_PRICE);
    expect(next.balanceFen).toBeGreaterThanOrEqual(left.fen);
  });
});

describe('freezing', () => {
  it('freezes the account when the enrolment ends at death; later months are not credited to it', async () => {
    quoted('補貼賬户自動凍結');
    await credited();
    const death = w.days[0];
    await ok(h, `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { status } }`, { id: w.recipient, on: death }, w.county);
    const account = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    expect([account.accounts[0].frozenAfter, account.accounts[0].frozenOn]).toEqual([addMonths(death.slice(0, 7), -1), death]);
    // The month of death is no longer due (the scheme stops in the month of the event): the rerun takes it back.
    const rerun = await credited();
    expect(await entitled(w.recipient)).toBe(0);
    const after = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
    expect(after.balanceFen).toBe(0);
    expect(rerun.creditedFen).toBe(-account.balanceFen);
    await ledgerHolds();
  });
});

describe('the database keeps the ledger', () => {
  it('refuses an unbalanced posting, any edit or deletion of postings, and a balance set by hand', async () => {
    await credited();
    const [posting] = await h.db.query(`SELECT id FROM ledger_posting LIMIT 1`);
    const [account] = await h.db.query(`SELECT id FROM ledger_account WHERE kind = 'SUBSIDY' LIMIT 1`);
    await expect(h.db.query(`UPDATE ledger_line SET amount_fen = amount_fen + 1 WHERE posting_id = $1`, [posting.id])).rejects.toThrow(/kept/);
    await expect(h.db.query(`DELETE FROM ledger_posting WHERE id = $1`, [posting.id])).rejects.toThrow(/kept/);
    await expect(h.db.query(`UPDATE ledger_account SET balance_fen = balance_fen + 100 WHERE id = $1`, [account.id])).rejects.toThrow(/follows its postings/);
    const [fresh] = await h.db.query(`INSERT INTO ledger_posting (cause, month, village_code, person_id, scheme_id, run_id) VALUES ('CREDIT', $1::date, '321012100001', $2, 1, 1) RETURNING id`, [`${month}-01`, w.recipient]);
    await expect(h.db.query(`INSERT INTO ledger_line (posting_id, account_id, amount_fen) VALUES ($1, $2, 100)`, [fresh.id, account.id])).rejects.toThrow(/sum to zero/);
    await expect(
      h.db.query(`INSERT INTO ledger_line (posting_id, account_id, amount_fen)
        VALUES ($1, $2, -1000000000), ($1, (SELECT min(id) FROM ledger_account WHERE kind = 'FUNDER'), 1000000000)`, [fresh.id, account.id]),
    ).rejects.toThrow(/not_negative|ledger_account_subsidy_not_negative/);
    await ledgerHolds();
  });
});
