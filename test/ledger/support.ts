import fs from 'node:fs';
import path from 'node:path';
import type { Harness } from '../support/harness';
import { ok } from '../cases/support';
import { COUNTY, visitWorld, type VisitWorld } from '../visits/support';

/** Seed 004 (篇四 江都), as the document is written. */
export const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
export const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { id } }`;
export const CREDIT = `mutation($at: String!, $month: Month!) { postVoucherCredits(at: $at, month: $month) { id jurisdiction { code } month postings creditedFen withheld returnedFen } }`;
export const ACCOUNT = `query($person: ID!) { personVouchers(person: $person) { personId balanceFen ownPaidFen
  accounts { schemeKind balanceFen frozenAfter frozenOn postings { id cause month amountFen orderId schemeId reversesId } } } }`;
/** Every posting of the person's accounts, latest first. */
export const postingsOf = (vouchers: any): any[] => vouchers.accounts.flatMap((a: any) => a.postings).sort((a: any, b: any) => Number(b.id) - Number(a.id));
/** Every item the world's contract prices at the low-paid class (3,000 fen each). */
export const ALL_ITEMS = ['MEALS', 'CLEANING', 'PERSONAL_CARE', 'COMPANIONSHIP'];
export const ITEM_PRICE = 3000;

export interface LedgerWorld extends VisitWorld {
  /** The month of the world's visit days. */
  month: string;
}

/**
 * The visits' 江都 world with a third home-care scheme the district and the town fund 7 : 3
 * («補貼資金由區、鎮財政按總資金7:3的比例承擔», seed 004 篇四), paying `sharedAmount` fen a month (the tests' figure).
 */
export async function ledgerWorld(h: Harness, sharedAmount: number): Promise<LedgerWorld> {
  const w = await visitWorld(h);
  await ok(h, CREATE_SCHEME, {
    input: {
      jurisdictionCode: COUNTY,
      name: '政府购买居家养老服务',
      kind: 'HOME_CARE_SUBSIDY',
      version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 7 }, { level: 'TOWN', weight: 3 }], tiers: [{ name: '60岁以上', amountFen: sharedAmount, minAge: 60 }] },
    },
  }, w.county);
  return { ...w, month: w.days[0].slice(0, 7) };
}

/** Runs the month's entitlements of the county and credits them; the credit run. */
export async function credited(h: Harness, w: LedgerWorld): Promise<any> {
  await ok(h, RUN, { code: COUNTY, month: w.month }, w.county);
  return (await ok(h, CREDIT, { at: COUNTY, month: w.month }, w.county)).postVoucherCredits;
}

/** What the month's entitlement lines of voucher schemes pay the person, as stored by the run. */
export async function entitled(h: Harness, w: LedgerWorld, person: string): Promise<number> {
  const [row] = await h.db.query(
    `SELECT coalesce(sum(l.amount_fen), 0)::int AS fen FROM entitlement_line l JOIN subsidy_scheme s ON s.id = l.scheme_id
      WHERE l.person_id = $1 AND l.month = $2::date AND s.kind = 'HOME_CARE_SUBSIDY'`,
    [person, `${w.month}-01`],
  );
  return row.fen;
}

/** Every posting balances and every person's balance equals the sum of its lines, read straight from the tables. */
export async function ledgerHolds(h: Harness): Promise<void> {
  expect(await h.db.query(`SELECT posting_id FROM ledger_line GROUP BY posting_id HAVING sum(amount_fen) <> 0 OR count(*) < 2`)).toEqual([]);
  expect(
    await h.db.query(
      `SELECT a.id FROM ledger_account a LEFT JOIN ledger_line l ON l.account_id = a.id
        WHERE a.kind IN ('SUBSIDY', 'PERSONAL') GROUP BY a.id HAVING a.balance_fen <> coalesce(sum(l.amount_fen), 0)`,
    ),
  ).toEqual([]);
}
