import ExcelJS from 'exceljs';
import { Role } from '../../src/kernel/actor';
import { addMonths } from '../../src/kernel/dates';
import { allocate } from '../../src/policies/cost-shares';
import { createUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';
import { ok } from '../cases/support';
import { PROVIDER_CALLBACK } from '../visits/callback-support';
import { assigned, COUNTY, TOWN, visit } from '../visits/support';
import { CREDIT, ITEM_PRICE, ledgerHolds, ledgerWorld, RUN, SEED_004, type LedgerWorld } from './support';

// Settlement, 江都区 (seed 004 篇四): «服務結算每月一次,資金結算每季一次,由各鎮核實上報數據,並及時和服務商結算,結算金額根據居家養老服務
// 管理系統生成的實際消費金額為準» and «政府購買居家養老服務補貼資金由區、鎮財政按總資金7:3的比例承擔».
const h = useHarness();
const quoted = (quote: string) => expect(SEED_004).toContain(quote);

const STATEMENT = `id contractId provider code month state orders priceFen voucherFen ownFen
  funders { code level amountFen } towns { code orders priceFen voucherFen ownFen checkedBy }
  villages { code voucherFen shares { code level amountFen } } items(first: 500) { orderId personId reversal priceFen voucherFen ownFen }
  reviewedBy approvedBy`;
const PREPARE = `mutation($contract: ID!, $month: Month!) { prepareSettlement(contract: $contract, month: $month) { ${STATEMENT} } }`;
const CHECK = `mutation($statement: ID!, $town: String!) { checkSettlementTown(statement: $statement, town: $town) { ${STATEMENT} } }`;
const REVIEW = `mutation($statement: ID!) { reviewSettlement(statement: $statement) { ${STATEMENT} } }`;
const APPROVE = `mutation($statement: ID!) { approveSettlement(statement: $statement) { ${STATEMENT} } }`;
const READ = `query($id: ID!) { settlementStatement(id: $id) { ${STATEMENT} } }`;
const QUARTER = `query($at: String!, $year: Int!, $quarter: Int!) { settlementQuarter(at: $at, year: $year, quarter: $quarter) { code statements totalFen funders { code level amountFen } } }`;
const ADD_VERSION = `mutation($id: ID!, $version: SchemeVersionInput!) { addSubsidySchemeVersion(id: $id, version: $version) { id } }`;

/** The shared scheme's monthly amount (the tests' own figure; the 7 : 3 split is the document's). */
const SHARED_AMOUNT = 5000;

let w: LedgerWorld;
let contract: string;

/**
 * The world's recipient funded 7 : 3 throughout: the county's two schemes get 7 : 3 versions from the visits'
 * month, so every voucher fen of the month is the district's and the town's.
 */
beforeEach(async () => {
  w = await ledgerWorld(h, SHARED_AMOUNT);
  for (const [id, requiresApplication] of [[w.schemeId, true], [w.freeSchemeId, false]] as const) {
    const version = {
      fromMonth: w.month,
      requiresApplication,
      firstMonth: 'MONTH_AFTER_APPROVAL',
      lastMonth: 'STOP_IN_MONTH_OF_EVENT',
      funding: [{ level: 'COUNTY', weight: 7 }, { level: 'TOWN', weight: 3 }],
      tiers: [{ name: '60岁以上', amountFen: 10_000, minAge: 60 }],
    };
    await ok(h, ADD_VERSION, { id, version }, w.county);
  }
  await ok(h, RUN, { code: COUNTY, month: w.month }, w.county);
  await ok(h, CREDIT, { at: COUNTY, month: w.month }, w.county);
  [{ id: contract }] = await h.db.query(`SELECT id::text FROM service_contract WHERE organisation_id = $1`, [w.org.id]);
});

/** Verified one-item visits of the recipient, one a day from the world's first day, each at `hour`. */
async function visits(items: string[][], hour = 9): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, orderItems] of items.entries()) {
    const day = w.days[i % w.days.length];
    const at = hour + 2 * Math.floor(i / w.days.length);
    const order = await assigned(h, w, day, { items: orderItems });
    const out = await visit(h, w, order.id, day, { from: `${String(at).padStart(2, '0')}:00`, to: `${String(at + 1).padStart(2, '0')}:05` });
    expect(out.order.state).toBe('VERIFIED');
    ids.push(order.id);
  }
  return ids;
}

describe('a provider’s month', () => {
  it('is settled at the vouchers the orders used, void orders excluded, and split 7 : 3 between the district and the town to the fen', async () => {
    quoted('服務結算每月一次,資金結算每季一次,由各鎮核實上報數據,並及時和服務商結算');
    quoted('結算金額根據居家養老服務管理系統生成的實際消費金額為準');
    quoted('政府購買居家養老服務補貼資金由區、鎮財政按總資金7:3的比例承擔');
    const orders = await visits([['CLEANING'], ['PERSONAL_CARE'], ['COMPANIONSHIP'], ['CLEANING', 'COMPANIONSHIP']]);
    // The last order is voided on its call-back: its charge is reversed and it settles at nothing.
    await ok(h, PROVIDER_CALLBACK, { order: orders[3], input: { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '服务不到位' } }, w.provider);

    const countyStaff = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF], 'county-staff@321012');
    const prepared = (await ok(h, PREPARE, { contract, month: w.month }, w.county)).prepareSettlement;
    const voucher = 3 * ITEM_PRICE;
    expect(prepared).toMatchObject({ contractId: contract, code: COUNTY, month: w.month, state: 'DRAFT', orders: 3, priceFen: voucher, voucherFen: voucher, ownFen: 0 });
    // 9,000 fen at 7 : 3 is 6,300 and 2,700; the village's split is the statement's.
    const [county, town] = allocate(voucher, [7, 3]);
    expect([county, town]).toEqual([6300, 2700]);
    expect(prepared.funders).toEqual([{ code: COUNTY, level: 'COUNTY', amountFen: county }, { code: TOWN, level: 'TOWN', amountFen: town }]);
    expect(prepared.villages).toEqual([{ code: '321012100001', voucherFen: voucher, shares: prepared.funders }]);
    expect(prepared.towns).toEqual([{ code: TOWN, orders: 3, priceFen: voucher, voucherFen: voucher, ownFen: 0, checkedBy: null }]);
    // Five items: three charges, the voided order's charge and its reversal, which cancel.
    expect(prepared.items).toHaveLength(5);
    expect(prepared.items.filter((i: any) => i.orderId === orders[3]).map((i: any) => i.voucherFen).sort()).toEqual([-2 * ITEM_PRICE, 2 * ITEM_PRICE]);

    // The county reviews only once the town has checked its part; finance approves; the reviewer never approves.
    expect(errorCodes(await h.gql(REVIEW, { statement: prepared.id }, countyStaff.token))).toEqual(['CONFLICT']);
    const checked = (await ok(h, CHECK, { statement: prepared.id, town: TOWN }, w.townStaff)).checkSettlementTown;
    expect(checked.towns[0].checkedBy).toBe(w.townStaff.username);
    expect(errorCodes(await h.gql(APPROVE, { statement: prepared.id }, w.finance.token))).toEqual(['CONFLICT']);
    const reviewed = (await ok(h, REVIEW, { statement: prepared.id }, countyStaff)).reviewSettlement;
    expect(reviewed).toMatchObject({ state: 'REVIEWED', reviewedBy: countyStaff.username });
    const approved = (await ok(h, APPROVE, { statement: prepared.id }, w.finance)).approveSettlement;
    expect(approved).toMatchObject({ state: 'APPROVED', approvedBy: w.finance.username, voucherFen: voucher });

    // The funders now owe the provider their shares; the provider's account keeps only what people paid themselves.
    const payable = await h.db.query(
      `SELECT j.code, sum(l.amount_fen)::int AS fen FROM ledger_line l JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'PAYABLE'
         JOIN jurisdiction j ON j.id = a.jurisdiction_id GROUP BY j.code ORDER BY j.code`,
    );
    expect(payable).toEqual([{ code: COUNTY, fen: county }, { code: TOWN, fen: town }]);
    const [provider] = await h.db.query(
      `SELECT sum(l.amount_fen)::int AS fen FROM ledger_line l JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'PROVIDER' WHERE a.organisation_id = $1`,
      [w.org.id],
    );
    expect(provider.fen).toBe(0);
    await ledgerHolds(h);

    // A quarter's funds: what each level under the district owes by the quarter's approved statements.
    const month = Number(w.month.slice(5, 7));
    const quarter = (await ok(h, QUARTER, { at: COUNTY, year: Number(w.month.slice(0, 4)), quarter: Math.ceil(month / 3) }, w.analyst)).settlementQuarter;
    expect(quarter).toEqual({ code: COUNTY, statements: 1, totalFen: voucher, funders: prepared.funders });

    // Approved, it is kept: prepared again it is refused, and the database refuses a change.
    expect(errorCodes(await h.gql(PREPARE, { contract, month: w.month }, w.county.token))).toEqual(['CONFLICT']);
    await expect(h.db.query(`UPDATE settlement_statement SET voucher_fen = 0 WHERE id = $1`, [prepared.id])).rejects.toThrow(/kept as approved/);
    await expect(h.db.query(`DELETE FROM settlement_item WHERE statement_id = $1`, [prepared.id])).rejects.toThrow(/kept as approved/);
    await expect(h.db.query(`UPDATE settlement_share SET amount_fen = amount_fen + 1 WHERE statement_id = $1`, [prepared.id])).rejects.toThrow(/kept as approved/);
  });

  it('prepared again takes the orders signed out since and starts the checks over; a reviewer holding finance’s role too may not approve', async () => {
    await visits([['CLEANING']]);
    const first = (await ok(h, PREPARE, { contract, month: w.month }, w.county)).prepareSettlement;
    await ok(h, CHECK, { statement: first.id, town: TOWN }, w.townStaff);
    await visits([['PERSONAL_CARE']], 14);
    const again = (await ok(h, PREPARE, { contract, month: w.month }, w.county)).prepareSettlement;
    expect(again).toMatchObject({ id: first.id, orders: 2, voucherFen: 2 * ITEM_PRICE, towns: [{ code: TOWN, checkedBy: null }] });

    const both = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF, Role.FINANCE], 'staff-and-finance@321012');
    await ok(h, CHECK, { statement: again.id, town: TOWN }, w.townStaff);
    expect(errorCodes(await h.gql(CHECK, { statement: again.id, town: TOWN }, w.townStaff.token))).toEqual(['CONFLICT']);
    await ok(h, REVIEW, { statement: again.id }, both);
    expect(errorCodes(await h.gql(APPROVE, { statement: again.id }, both.token))).toEqual(['FORBIDDEN']);
    await expect(
      h.db.query(`UPDATE settlement_statement SET state = 'APPROVED', approved_by = reviewed_by, approved_at = now() WHERE id = $1`, [again.id]),
    ).rejects.toThrow(/settlement_statement_two_people/);
  });

  it('is reached from the purchasing level and from its towns; a provider reads its own; others are refused the same way whether or not it exists', async () => {
    await visits([['CLEANING']]);
    const statement = (await ok(h, PREPARE, { contract, month: w.month }, w.county)).prepareSettlement;
    for (const user of [w.townStaff, w.finance, w.leadership, w.provider]) {
      expect((await ok(h, READ, { id: statement.id }, user)).settlementStatement.voucherFen).toBe(ITEM_PRICE);
    }
    for (const id of [statement.id, '999999']) {
      for (const user of [w.otherProvider, w.otherCounty, w.worker, w.analyst, w.caregiver]) {
        expect(errorCodes(await h.gql(READ, { id }, user.token))).toEqual(['FORBIDDEN']);
      }
      // A town with no part in a statement checks nothing: refused as one out of reach.
      expect(errorCodes(await h.gql(CHECK, { statement: id, town: '321012101' }, w.county.token))).toEqual(['FORBIDDEN']);
    }
    expect(errorCodes(await h.gql(PREPARE, { contract, month: w.month }, w.townStaff.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(PREPARE, { contract: '999999', month: w.month }, w.county.token))).toEqual(['FORBIDDEN']);
    // Listed under the county and its town with or without the filters (a filter left out filters nothing); a provider its own only.
    const LIST = `query($under: String, $month: Month, $state: SettlementState) { settlementStatements(under: $under, month: $month, state: $state) { id } }`;
    for (const [user, variables] of [[w.county, {}], [w.county, { under: TOWN }], [w.townStaff, { month: w.month }], [w.finance, { state: 'DRAFT' }], [w.provider, {}]] as const) {
      expect((await ok(h, LIST, variables, user)).settlementStatements).toEqual([{ id: statement.id }]);
    }
    expect((await ok(h, `{ settlementStatements { id } }`, {}, w.county)).settlementStatements).toEqual([{ id: statement.id }]);
    for (const [user, variables] of [[w.county, { state: 'APPROVED' }], [w.county, { month: addMonths(w.month, -1) }], [w.otherProvider, {}]] as const) {
      expect((await ok(h, LIST, variables, user)).settlementStatements).toEqual([]);
    }
    const future = await h.gql(PREPARE, { contract, month: addMonths(w.month, 2) }, w.county.token);
    expect(errorCodes(future)).toEqual(['BAD_USER_INPUT']);
    expect(future.errors?.[0].extensions?.field).toBe('month');
  });

  it('downloads as CSV and XLSX whose lines foot to the statement’s totals and splits; refused as the API refuses', async () => {
    await visits([['CLEANING'], ['MEALS'], ['PERSONAL_CARE', 'COMPANIONSHIP']]);
    const statement = (await ok(h, PREPARE, { contract, month: w.month }, w.county)).prepareSettlement;
    const download = (p: string, token?: string) => fetch(`${h.url}${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const csv = Buffer.from(await (await download(`/exports/settlements/${statement.id}.csv`, w.finance.token)).arrayBuffer());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.subarray(3).toString('utf8').split('\r\n').filter((line) => line !== '').map((line) => line.split(','));
    expect(lines[0]).toEqual(['区划代码', '名称', '订单数', '服务金额（元）', '代金券支付（元）', '个人支付（元）', '县级承担（元）', '镇级承担（元）']);
    const body = lines.slice(1, -1);
    const total = lines[lines.length - 1];
    expect(total[0]).toBe('合计');
    // Every column's total is the sum of its lines, in fen, and the statement's own figure.
    const fen = (text: string) => Math.round(Number(text) * 100);
    for (const column of [3, 4, 5, 6, 7]) expect(fen(total[column])).toBe(body.reduce((sum, line) => sum + fen(line[column]), 0));
    expect(Number(total[2])).toBe(statement.orders);
    expect([fen(total[3]), fen(total[4]), fen(total[5])]).toEqual([statement.priceFen, statement.voucherFen, statement.ownFen]);
    expect([fen(total[6]), fen(total[7])]).toEqual(statement.funders.map((f: any) => f.amountFen));
    // The meal's own half is the person's (seed 000), the rest the vouchers'.
    expect(statement.ownFen).toBe(ITEM_PRICE / 2);

    const xlsx = await download(`/exports/settlements/${statement.id}.xlsx`, w.provider.token);
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    const rows = Array.from(workbook.worksheets[0].getSheetValues() as unknown[][], (row) => (row ?? []).slice(1));
    const last = rows[rows.length - 1];
    expect(last.slice(0, 1).concat(last.slice(3, 6))).toEqual(['合计', statement.priceFen / 100, statement.voucherFen / 100, statement.ownFen / 100]);

    for (const [user, status] of [[null, 401], [w.otherProvider, 403], [w.analyst, 403], [w.otherCounty, 403]] as const) {
      expect((await download(`/exports/settlements/${statement.id}.csv`, user?.token)).status).toBe(status);
    }
    expect((await download(`/exports/settlements/999999.csv`, w.finance.token)).status).toBe(403);
    expect((await download(`/exports/settlements/${statement.id}.pdf`, w.finance.token)).status).toBe(404);
  });
});
