import { Role } from '../../src/kernel/actor';
import { createUser } from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';
import { ok } from '../cases/support';
import { COUNTY, TOWN, VILLAGE } from '../visits/support';
import { ACCOUNT, credited, ledgerHolds, ledgerWorld, type LedgerWorld } from './support';

// Manual adjustments need a second person's approval (maker-checker): the civil-affairs office proposes, finance decides.
const h = useHarness();
const PROPOSE = `mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) {
  id personId schemeKind funderCode amountFen reason state proposedBy decidedBy postingId } }`;
const DECIDE = `mutation($id: ID!, $approve: Boolean!, $note: String) { decideVoucherAdjustment(id: $id, approve: $approve, note: $note) {
  id state decidedBy decisionNote postingId } }`;
const LIST = `query($under: String, $state: AdjustmentState) { voucherAdjustments(under: $under, state: $state) { id state amountFen } }`;
const refusal = (res: GraphQLResponse) => ({ code: errorCodes(res)[0], field: res.errors?.[0]?.extensions.field });
const count = async (table: string) => Number((await h.db.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

let w: LedgerWorld;
beforeEach(async () => {
  w = await ledgerWorld(h, 5000);
  await credited(h, w);
});

const input = (over: Record<string, unknown> = {}) => ({ person: w.recipient, schemeKind: 'HOME_CARE_SUBSIDY', funder: TOWN, amountFen: 1200, reason: '上月漏充补录', ...over });

it('moves nothing on a proposal; another person’s approval posts it, naming both and the reason', async () => {
  const before = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers.balanceFen;
  const proposed = (await ok(h, PROPOSE, { input: input() }, w.townStaff)).proposeVoucherAdjustment;
  expect(proposed).toMatchObject({ personId: w.recipient, funderCode: TOWN, amountFen: 1200, state: 'PROPOSED', proposedBy: w.townStaff.username, decidedBy: null, postingId: null });
  expect((await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers.balanceFen).toBe(before);
  expect((await ok(h, LIST, { under: COUNTY, state: 'PROPOSED' }, w.finance)).voucherAdjustments).toEqual([{ id: proposed.id, state: 'PROPOSED', amountFen: 1200 }]);

  const decided = (await ok(h, DECIDE, { id: proposed.id, approve: true, note: '核对无误' }, w.finance)).decideVoucherAdjustment;
  expect(decided).toMatchObject({ state: 'APPROVED', decidedBy: w.finance.username, decisionNote: '核对无误' });
  expect((await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers.balanceFen).toBe(before + 1200);
  const [posting] = await h.db.query(
    `SELECT p.cause::text, p.reason, p.made_by, p.approved_by, array_agg(l.amount_fen::int ORDER BY l.amount_fen) AS lines
       FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id WHERE p.id = $1 GROUP BY p.id`,
    [decided.postingId],
  );
  const [maker] = await h.db.query(`SELECT id FROM app_user WHERE username = $1`, [w.townStaff.username]);
  const [checker] = await h.db.query(`SELECT id FROM app_user WHERE username = $1`, [w.finance.username]);
  expect(posting).toEqual({ cause: 'ADJUSTMENT', reason: '上月漏充补录', made_by: maker.id, approved_by: checker.id, lines: [-1200, 1200] });
  // Decided once: a second decision is a conflict.
  expect(refusal(await h.gql(DECIDE, { id: proposed.id, approve: false }, w.finance.token))).toEqual({ code: 'CONFLICT', field: 'id' });
  await ledgerHolds(h);
});

it('never lets the proposer decide their own adjustment, even holding both roles; the database refuses it too', async () => {
  const both = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_ADMIN, Role.FINANCE], 'both@321012');
  const proposed = (await ok(h, PROPOSE, { input: input() }, both)).proposeVoucherAdjustment;
  expect(errorCodes(await h.gql(DECIDE, { id: proposed.id, approve: true }, both.token))).toEqual(['FORBIDDEN']);
  const [user] = await h.db.query(`SELECT id FROM app_user WHERE username = 'both@321012'`);
  await expect(h.db.query(`UPDATE ledger_adjustment SET state = 'REJECTED', decided_by = $1, decided_at = now() WHERE id = $2`, [user.id, proposed.id])).rejects.toThrow(
    /ledger_adjustment_two_people/,
  );
  expect(await count('ledger_posting WHERE cause = \'ADJUSTMENT\'')).toBe(0);
});

it('refuses a take-back larger than the balance, and leaves nothing written', async () => {
  const balance = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers.balanceFen;
  const proposed = (await ok(h, PROPOSE, { input: input({ amountFen: -(balance + 1) }) }, w.townStaff)).proposeVoucherAdjustment;
  const postings = await count('ledger_posting');
  expect(refusal(await h.gql(DECIDE, { id: proposed.id, approve: true }, w.finance.token))).toEqual({ code: 'CONFLICT', field: 'id' });
  expect(await count('ledger_posting')).toBe(postings);
  expect((await ok(h, LIST, { under: COUNTY }, w.finance)).voucherAdjustments[0].state).toBe('PROPOSED');
  // A rejection moves nothing.
  expect((await ok(h, DECIDE, { id: proposed.id, approve: false, note: '金额有误' }, w.finance)).decideVoucherAdjustment.state).toBe('REJECTED');
  expect(await count('ledger_posting')).toBe(postings);
});

it('answers bad input with BAD_USER_INPUT on its field and writes nothing', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ amountFen: 0 }, 'input.amountFen'],
    [{ amountFen: 100_000_001 }, 'input.amountFen'],
    [{ reason: '  ' }, 'input.reason'],
    [{ schemeKind: 'OLD_AGE_ALLOWANCE' }, 'input.schemeKind'],
    [{ funder: '321012101' }, 'input.funder'],
    [{ funder: '' }, 'input.funder'],
  ];
  for (const [over, field] of cases) expect(refusal(await h.gql(PROPOSE, { input: input(over) }, w.townStaff.token))).toEqual({ code: 'BAD_USER_INPUT', field });
  // Above the caller's home is out of reach: the town's staff may not spend the county's funds.
  expect(errorCodes(await h.gql(PROPOSE, { input: input({ funder: COUNTY }) }, w.townStaff.token))).toEqual(['FORBIDDEN']);
  // A person out of reach is denied as one that does not exist.
  const other = await createUser(h.db, '321012101', [Role.CIVIL_AFFAIRS_STAFF]);
  expect(errorCodes(await h.gql(PROPOSE, { input: input({ funder: VILLAGE }) }, other.token))).toEqual(['FORBIDDEN']);
  expect(errorCodes(await h.gql(PROPOSE, { input: input({ person: '99999999', funder: VILLAGE }) }, other.token))).toEqual(['FORBIDDEN']);
  expect(await count('ledger_adjustment')).toBe(0);
});

it('lets exactly one of 20 concurrent decisions of one adjustment win; the others are CONFLICT', async () => {
  const proposed = (await ok(h, PROPOSE, { input: input() }, w.townStaff)).proposeVoucherAdjustment;
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => h.gql(DECIDE, { id: proposed.id, approve: i % 2 === 0 }, w.finance.token)));
  expect(responses.filter((r) => !r.errors)).toHaveLength(1);
  expect(responses.filter((r) => r.errors).map((r) => errorCodes(r)[0])).toEqual(Array(19).fill('CONFLICT'));
  expect(await count(`ledger_posting WHERE cause = 'ADJUSTMENT'`)).toBeLessThanOrEqual(1);
  await ledgerHolds(h);
});
