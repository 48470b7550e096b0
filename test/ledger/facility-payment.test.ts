import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { createUser, facilityWithHistory, insertJurisdictions, SMALL_TREE, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';
import { ok } from '../cases/support';
import { ledgerHolds } from './support';

// Facility subsidies paid through the ledger (docs/settlement.md#facility-subsidies): «对每个持续运营260天以上的实行助餐等服务的
// 互助养老服务中心，镇将补助50元/人/月» (seed 000), proposed at what is due less what was paid, approved by finance.
const h = useHarness();
const SEED_000 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('000'))!), 'utf8');
const OPERATING = '对每个持续运营260天以上的实行助餐等服务的互助养老服务中心，镇将补助50元/人/月';
const TOWN = '321012100';
const VILLAGE = '321012100001';
const YEAR = 2025;
const DINERS = 30;
const MONTHLY = 5000 * DINERS;

const PAYMENT = `id year amountFen state shares { code level amountFen } proposedBy decidedBy postingId`;
const PROPOSE = `mutation($facility: ID!, $year: Int!) { proposeFacilitySubsidyPayment(facility: $facility, year: $year) { ${PAYMENT} } }`;
const DECIDE = `mutation($id: ID!, $approve: Boolean!) { decideFacilitySubsidyPayment(id: $id, approve: $approve, note: "核对无误") { ${PAYMENT} } }`;
const LIST = `query($facility: ID!, $year: Int) { facilitySubsidyPayments(facility: $facility, year: $year) { ${PAYMENT} } }`;
const DINERS_OF = `mutation($id: ID!, $month: Month!, $diners: Int!) { recordFacilityDiners(id: $id, month: $month, diners: $diners) { id } }`;

let admin: TestUser;
let finance: TestUser;
let facility: string;

beforeEach(async () => {
  await insertJurisdictions(h.db, SMALL_TREE);
  admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  finance = await createUser(h.db, '321012', [Role.FINANCE]);
  await ok(h, `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`, {
    input: {
      jurisdictionCode: TOWN,
      name: '互助养老中心运营补助',
      kind: 'FACILITY_OPERATING',
      version: {
        fromMonth: '2024-01',
        funding: [{ level: 'TOWN', weight: 1 }],
        tiers: [{ name: '运营260天以上·50元/人/月', amountFen: 5000, facilityTypes: ['MUTUAL_AID_CENTER'], requiredServices: ['MEALS'], minOperatingDays: 260 }],
      },
    },
  }, admin);
  // Operating with meals all year; the diners of January to November recorded, December's not yet.
  const months = Array.from({ length: 11 }, (_, i) => `${YEAR}-${String(i + 1).padStart(2, '0')}`);
  facility = await facilityWithHistory(h, admin.token, {
    name: '东苑互助养老中心',
    type: 'MUTUAL_AID_CENTER',
    jurisdictionCode: VILLAGE,
    services: ['MEALS'],
    dinerMonths: Object.fromEntries(months.map((m) => [m, DINERS])),
    status: 'OPERATING',
    since: '2024-06-01',
  });
});

/** What the ledger says each level owes for facility subsidies, from its PAYABLE lines. */
const payable = () =>
  h.db.query(`SELECT j.code, sum(l.amount_fen)::int AS fen FROM ledger_line l JOIN ledger_posting p ON p.id = l.posting_id AND p.cause = 'FACILITY_SUBSIDY'
    JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'PAYABLE' JOIN jurisdiction j ON j.id = a.jurisdiction_id GROUP BY 1 ORDER BY 1`);

describe('a facility’s year', () => {
  it('is paid as due, the town paying 50 元 a diner a month; a later count is paid as the difference', async () => {
    expect(SEED_000).toContain(OPERATING);
    const first = (await ok(h, PROPOSE, { facility, year: YEAR }, admin)).proposeFacilitySubsidyPayment;
    expect(first).toMatchObject({ year: YEAR, amountFen: 11 * MONTHLY, state: 'PROPOSED', shares: [{ code: TOWN, level: 'TOWN', amountFen: 11 * MONTHLY }], postingId: null });
    // Nothing moves until finance approves; a second proposal waits for the first.
    expect(await payable()).toEqual([]);
    expect(errorCodes(await h.gql(PROPOSE, { facility, year: YEAR }, admin.token))).toEqual(['CONFLICT']);
    const approved = (await ok(h, DECIDE, { id: first.id, approve: true }, finance)).decideFacilitySubsidyPayment;
    expect(approved).toMatchObject({ state: 'APPROVED', decidedBy: finance.username, postingId: expect.any(String) });
    expect(await payable()).toEqual([{ code: TOWN, fen: 11 * MONTHLY }]);
    expect(errorCodes(await h.gql(DECIDE, { id: first.id, approve: true }, finance.token))).toEqual(['CONFLICT']);

    // Paid as due: nothing to propose; December's diners recorded, December is proposed alone.
    expect(errorCodes(await h.gql(PROPOSE, { facility, year: YEAR }, admin.token))).toEqual(['CONFLICT']);
    await ok(h, DINERS_OF, { id: facility, month: `${YEAR}-12`, diners: DINERS }, admin);
    const december = (await ok(h, PROPOSE, { facility, year: YEAR }, admin)).proposeFacilitySubsidyPayment;
    expect(december.amountFen).toBe(MONTHLY);
    // Rejected, it moves nothing and may be proposed again.
    expect((await ok(h, DECIDE, { id: december.id, approve: false }, finance)).decideFacilitySubsidyPayment.state).toBe('REJECTED');
    expect(await payable()).toEqual([{ code: TOWN, fen: 11 * MONTHLY }]);
    const again = (await ok(h, PROPOSE, { facility, year: YEAR }, admin)).proposeFacilitySubsidyPayment;
    await ok(h, DECIDE, { id: again.id, approve: true }, finance);
    expect(await payable()).toEqual([{ code: TOWN, fen: 12 * MONTHLY }]);
    const listed = (await ok(h, LIST, { facility, year: YEAR }, finance)).facilitySubsidyPayments;
    expect(listed.map((p: any) => [p.amountFen, p.state])).toEqual([[MONTHLY, 'APPROVED'], [MONTHLY, 'REJECTED'], [11 * MONTHLY, 'APPROVED']]);
    await ledgerHolds(h);
  });

  it('is never decided by its proposer, and is refused out of reach the same way whether or not the facility exists', async () => {
    const both = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN, Role.FINANCE], 'admin-and-finance@321012');
    const proposed = (await ok(h, PROPOSE, { facility, year: YEAR }, both)).proposeFacilitySubsidyPayment;
    expect(errorCodes(await h.gql(DECIDE, { id: proposed.id, approve: true }, both.token))).toEqual(['FORBIDDEN']);
    await expect(
      h.db.query(`UPDATE facility_subsidy_payment SET state = 'REJECTED', decided_by = proposed_by, decided_at = now() WHERE id = $1`, [proposed.id]),
    ).rejects.toThrow(/facility_subsidy_payment_two_people/);
    const other = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const otherFinance = await createUser(h.db, '321023', [Role.FINANCE]);
    for (const id of [facility, '999999']) expect(errorCodes(await h.gql(PROPOSE, { facility: id, year: YEAR }, other.token))).toEqual(['FORBIDDEN']);
    for (const id of [proposed.id, '999999']) expect(errorCodes(await h.gql(DECIDE, { id, approve: true }, otherFinance.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(PROPOSE, { facility, year: YEAR }, finance.token))).toEqual(['FORBIDDEN']);
    const future = await h.gql(PROPOSE, { facility, year: 2999 }, admin.token);
    expect(errorCodes(future)).toEqual(['BAD_USER_INPUT']);
    expect(future.errors?.[0].extensions?.field).toBe('year');
  });
});
