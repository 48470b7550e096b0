import { addMonths } from '../../src/kernel/dates';
import { allocate } from '../../src/policies/cost-shares';
import { ledgerRepository } from '../../src/ledger/ledger.repository';
import { useHarness } from '../support/harness';
import { generator } from '../support/random';
import { ok } from '../cases/support';
import { registered } from '../care/support';
import { COUNTY, TOWN } from '../visits/support';
import { createUser } from '../support/factories';
import { Role } from '../../src/kernel/actor';
import type { TestUser } from '../support/factories';
import { CREDIT, ledgerHolds, ledgerWorld, type LedgerWorld } from './support';

/**
 * Random operations on the voucher ledger: entitlements changed and credited (and credited again) at random
 * nodes and months, orders verified (some in concurrent bursts on one person), verified orders voided,
 * accounts frozen, manual adjustments proposed and decided, a month's settlement prepared, checked, reviewed
 * and approved. After every batch: every posting balances, every balance equals its lines, no voucher
 * account is below zero, the ledger's voucher and personal balances equal the funders' credits minus the
 * providers' charges, every verified priced order is charged once and every voided one reversed, every
 * charge settled at most once and each approved statement's vouchers, shares and payable postings equal,
 * and the village figures equal a recount from the lines; at the end, every month credited once more at the
 * county, each person's credit equals their entitlement wherever nothing was withheld. LEDGER_PROPERTY_SEED
 * replays a failure; LEDGER_PROPERTY_OPS sets how many operations (the acceptance run is 100,000).
 */
const h = useHarness();
jest.setTimeout(3_600_000);

const SEED = Number(process.env.LEDGER_PROPERTY_SEED ?? 20261207);
const OPS = Number(process.env.LEDGER_PROPERTY_OPS ?? 2000);
const BATCH = 500;
const PEOPLE = 12;
const VILLAGES = ['321012100001', '321012100002'];
const CREDIT_NODES = [COUNTY, TOWN, ...VILLAGES];

interface Scheme {
  id: number;
  /** Funding weights, county then town. */
  weights: [number, number];
}

let w: LedgerWorld;
let months: string[];
let schemes: Scheme[];
let people: number[];
let contractId: number;
let runId: number;
let countyStaff: TestUser;

const PROPOSE = `mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) { id } }`;
const DECIDE = `mutation($id: ID!, $approve: Boolean!) { decideVoucherAdjustment(id: $id, approve: $approve, note: "核对") { state } }`;
const PREPARE = `mutation($contract: ID!, $month: Month!) { prepareSettlement(contract: $contract, month: $month) { id towns { code } } }`;
const CHECK = `mutation($statement: ID!, $town: String!) { checkSettlementTown(statement: $statement, town: $town) { id } }`;
const REVIEW = `mutation($statement: ID!) { reviewSettlement(statement: $statement) { state } }`;
const APPROVE = `mutation($statement: ID!) { approveSettlement(statement: $statement) { state } }`;
const codesOf = (res: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => (res.errors ?? []).map((e) => e.extensions?.code);

/** A month's settlement of the contract, through the API from preparation to approval; an approved month is kept (CONFLICT). */
async function settle(month: string): Promise<boolean> {
  const prepared = await h.gql(PREPARE, { contract: String(contractId), month }, w.county.token);
  if (prepared.errors) {
    expect(codesOf(prepared)).toEqual(['CONFLICT']);
    return false;
  }
  const statement = prepared.data!.prepareSettlement;
  for (const town of statement.towns) await ok(h, CHECK, { statement: statement.id, town: town.code }, w.townStaff);
  await ok(h, REVIEW, { statement: statement.id }, countyStaff);
  expect((await ok(h, APPROVE, { statement: statement.id }, w.finance)).approveSettlement.state).toBe('APPROVED');
  return true;
}

/** A manual adjustment proposed by the county and decided by finance (approved or rejected); a take-back beyond the balance is refused. */
async function adjust(person: number, amount: number, funder: string, approve: boolean): Promise<void> {
  const proposed = await h.gql(PROPOSE, { input: { person: String(person), schemeKind: 'HOME_CARE_SUBSIDY', funder, amountFen: amount, reason: '核对补发' } }, w.county.token);
  expect(proposed.errors).toBeUndefined();
  const decided = await h.gql(DECIDE, { id: proposed.data!.proposeVoucherAdjustment.id, approve }, w.finance.token);
  if (decided.errors) expect(codesOf(decided)).toEqual(['CONFLICT']);
}

/** Sets (or, with 0, removes) the month's entitlement line of a person and scheme, with its shares as a run would store them. */
async function setLine(person: number, scheme: Scheme, month: string, amount: number): Promise<void> {
  if (amount === 0) {
    await h.db.query(`DELETE FROM entitlement_line WHERE month = $1::date AND person_id = $2 AND scheme_id = $3`, [`${month}-01`, person, scheme.id]);
    return;
  }
  const live = scheme.weights.map((weight, i) => ({ weight, i })).filter((x) => x.weight > 0);
  const split = allocate(amount, live.map((x) => x.weight));
  const shares = [0, 0];
  live.forEach((x, k) => (shares[x.i] = split[k]));
  await h.db.query(
    `INSERT INTO entitlement_line (month, person_id, scheme_id, version_id, village_id, run_id, tier_ids, amount_fen, province_fen, city_fen, county_fen, town_fen, village_fen)
     SELECT $1::date, p.id, $3, (SELECT min(id) FROM subsidy_scheme_version WHERE scheme_id = $3), p.village_id, $4, '{}', $5, 0, 0, $6, $7, 0
       FROM person p WHERE p.id = $2
     ON CONFLICT (month, person_id, scheme_id) DO UPDATE SET amount_fen = EXCLUDED.amount_fen, county_fen = EXCLUDED.county_fen, town_fen = EXCLUDED.town_fen`,
    [`${month}-01`, person, scheme.id, runId, amount, shares[0], shares[1]],
  );
}

/** A visit of the person in the month, verified at once: its charge follows from the database. */
async function verifiedOrder(person: number, month: string, items: string[]): Promise<void> {
  const day = `${month}-10`;
  const [order] = await h.db.query(
    `INSERT INTO work_order (person_id, village_code, organisation_id, contract_id, items, service_class, booked_by_kind, planned_day, state,
       caregiver_id, check_in_at, service_day, received_at)
     SELECT p.id, v.code, $2, $3, $4, 'LOW_PAID', 'PROVIDER', $5::date, 'CHECKED_IN', $6, now(), $5::date, now()
       FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $1 RETURNING id`,
    [person, w.org.id, contractId, items, day, w.caregiverId],
  );
  await h.db.query(`UPDATE work_order SET state = 'VERIFIED', check_out_at = now(), minutes = 65, decided_at = now() WHERE id = $1`, [order.id]);
}

async function invariants(): Promise<void> {
  await ledgerHolds(h);
  const [totals] = await h.db.query(
    `SELECT coalesce(sum(l.amount_fen) FILTER (WHERE a.kind IN ('SUBSIDY', 'PERSONAL')), 0)::bigint AS held,
            coalesce(-sum(l.amount_fen) FILTER (WHERE a.kind = 'FUNDER'), 0)::bigint AS credited,
            coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PROVIDER' AND p.cause IN ('CHARGE', 'REVERSAL')), 0)::bigint AS charged,
            coalesce(-sum(l.amount_fen) FILTER (WHERE a.kind = 'PROVIDER' AND p.cause = 'SETTLEMENT'), 0)::bigint AS settled,
            coalesce(sum(l.amount_fen) FILTER (WHERE a.kind = 'PAYABLE'), 0)::bigint AS payable,
            count(*) FILTER (WHERE a.kind = 'SUBSIDY' AND a.balance_fen < 0)::int AS negative
       FROM ledger_line l JOIN ledger_account a ON a.id = l.account_id JOIN ledger_posting p ON p.id = l.posting_id`,
  );
  expect(Number(totals.held)).toBe(Number(totals.credited) - Number(totals.charged));
  // What approved statements settled is what the funders owe, and what the statements say.
  const [statements] = await h.db.query(`SELECT coalesce(sum(voucher_fen), 0)::bigint AS fen FROM settlement_statement WHERE state = 'APPROVED'`);
  expect([Number(totals.settled), Number(totals.payable)]).toEqual([Number(statements.fen), Number(statements.fen)]);
  // Each approved statement: its items', villages' and funders' vouchers agree; no charge is settled twice.
  expect(
    await h.db.query(
      `SELECT s.id FROM settlement_statement s
        WHERE s.state = 'APPROVED' AND (s.voucher_fen <> (SELECT coalesce(sum(voucher_fen), 0) FROM settlement_item WHERE statement_id = s.id)
           OR s.voucher_fen <> (SELECT coalesce(sum(amount_fen), 0) FROM settlement_share WHERE statement_id = s.id))`,
    ),
  ).toEqual([]);
  expect(
    await h.db.query(
      `SELECT i.posting_id FROM settlement_item i JOIN settlement_statement s ON s.id = i.statement_id AND s.state = 'APPROVED' GROUP BY 1 HAVING count(*) > 1`,
    ),
  ).toEqual([]);
  // Every charge and reversal is either waiting for a statement or settled by exactly one approved statement.
  expect(
    await h.db.query(
      `SELECT p.id FROM ledger_posting p
        WHERE p.cause IN ('CHARGE', 'REVERSAL')
          AND (EXISTS (SELECT 1 FROM ledger_unsettled u WHERE u.posting_id = p.id))
            = (EXISTS (SELECT 1 FROM settlement_item i JOIN settlement_statement s ON s.id = i.statement_id AND s.state = 'APPROVED' WHERE i.posting_id = p.id))`,
    ),
  ).toEqual([]);
  expect(totals.negative).toBe(0);
  // Every verified order (all are priced) charged once and not reversed; every voided one reversed once.
  const orders = await h.db.query(
    `SELECT w.state::text, count(c.id)::int AS charges, count(r.id)::int AS reversals, coalesce(sum(cl.fen), 0)::bigint AS charged
       FROM work_order w
       LEFT JOIN ledger_posting c ON c.order_id = w.id AND c.cause = 'CHARGE'
       LEFT JOIN ledger_posting r ON r.reverses_id = c.id
       LEFT JOIN LATERAL (SELECT sum(l.amount_fen) AS fen FROM ledger_line l JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'PROVIDER' WHERE l.posting_id = c.id) cl ON true
      WHERE w.contract_id = $1 GROUP BY w.id, w.state, w.items`,
    [contractId],
  );
  for (const order of orders) {
    expect(order.charges).toBe(1);
    expect(order.reversals).toBe(order.state === 'VOID' ? 1 : 0);
  }
  // The village figures, recounted from the lines.
  const recount = await h.db.query(
    `SELECT p.village_code, to_char(p.month, 'YYYY-MM') AS month, coalesce(p.organisation_id, 0) AS org,
            sum(CASE WHEN a.kind = 'SUBSIDY' AND p.cause = 'CREDIT' THEN l.amount_fen ELSE 0 END)::bigint AS credited,
            sum(CASE WHEN a.kind = 'FUNDER' AND j.level = 'COUNTY' AND p.cause = 'CREDIT' THEN -l.amount_fen ELSE 0 END)::bigint AS county,
            sum(CASE WHEN a.kind = 'FUNDER' AND j.level = 'TOWN' AND p.cause = 'CREDIT' THEN -l.amount_fen ELSE 0 END)::bigint AS town,
            sum(CASE WHEN a.kind = 'SUBSIDY' AND p.cause IN ('CHARGE', 'REVERSAL') THEN -l.amount_fen ELSE 0 END)::bigint AS voucher,
            sum(CASE WHEN a.kind = 'PERSONAL' THEN -l.amount_fen ELSE 0 END)::bigint AS own,
            sum(CASE WHEN a.kind = 'SUBSIDY' AND p.cause = 'ADJUSTMENT' THEN l.amount_fen ELSE 0 END)::bigint AS adjusted,
            sum(CASE WHEN a.kind = 'PROVIDER' AND p.cause = 'SETTLEMENT' THEN -l.amount_fen ELSE 0 END)::bigint AS settled
       FROM ledger_line l JOIN ledger_posting p ON p.id = l.posting_id JOIN ledger_account a ON a.id = l.account_id
       LEFT JOIN jurisdiction j ON j.id = a.jurisdiction_id
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  const stored = await h.db.query(
    `SELECT village_code, to_char(month, 'YYYY-MM') AS month, organisation_id AS org, credited_fen AS credited, county_fen AS county, town_fen AS town,
            voucher_charged_fen AS voucher, own_paid_fen AS own, adjusted_fen AS adjusted, settled_fen AS settled
       FROM ledger_figure ORDER BY 1, 2, 3`,
  );
  expect(stored).toEqual(recount);
}

beforeEach(async () => {
  w = await ledgerWorld(h, 5000);
  months = [addMonths(w.month, -2), addMonths(w.month, -1), w.month];
  schemes = (await h.db.query(`SELECT s.id, f.level::text, f.weight FROM subsidy_scheme s JOIN subsidy_scheme_version v ON v.scheme_id = s.id
      JOIN subsidy_funding f ON f.version_id = v.id WHERE s.kind IN ('HARDSHIP_CARE_SUBSIDY', 'HOME_CARE_SUBSIDY') ORDER BY s.id`)).reduce(
    (list: Scheme[], row: { id: number; level: string; weight: number }) => {
      let scheme = list.find((s) => s.id === row.id);
      if (!scheme) list.push((scheme = { id: row.id, weights: [0, 0] }));
      scheme.weights[row.level === 'COUNTY' ? 0 : 1] = row.weight;
      return list;
    },
    [],
  );
  people = [Number(w.recipient)];
  for (let i = 1; i < PEOPLE; i++) people.push(Number(await registered(h, w, { birthYear: 1940 + i, village: VILLAGES[i % VILLAGES.length] })));
  [{ id: contractId }] = await h.db.query(`SELECT min(id) AS id FROM service_contract WHERE organisation_id = $1`, [w.org.id]);
  countyStaff = await createUser(h.db, COUNTY, [Role.CIVIL_AFFAIRS_STAFF], 'county-staff@321012');
  [{ id: runId }] = await h.db.query(`INSERT INTO entitlement_run (jurisdiction_id, month) SELECT id, $1::date FROM jurisdiction WHERE code = $2 RETURNING id`, [`${w.month}-01`, COUNTY]);
});

it(`keeps the ledger whole over ${OPS} random operations (seed ${SEED})`, async () => {
  const random = generator(SEED);
  const counts: Record<string, number> = {};
  const did = (op: string) => (counts[op] = (counts[op] ?? 0) + 1);
  for (let op = 1; op <= OPS; op++) {
    const roll = random.next();
    const person = random.pick(people);
    const month = random.pick(months);
    if (roll < 0.25) {
      await setLine(person, random.pick(schemes), month, random.next() < 0.15 ? 0 : 1000 * (1 + random.int(20)));
      did('entitlement');
    } else if (roll < 0.35) {
      const at = random.pick(CREDIT_NODES);
      const res = await h.gql(CREDIT, { at, month }, w.county.token);
      // Credits of the same month and overlapping subtrees refuse each other; nothing runs alongside here.
      expect(res.errors).toBeUndefined();
      did('credit');
    } else if (roll < 0.7) {
      await verifiedOrder(person, month, random.pick([['CLEANING'], ['MEALS', 'CLEANING'], ['MEALS', 'CLEANING', 'PERSONAL_CARE', 'COMPANIONSHIP']]));
      did('charge');
    } else if (roll < 0.75) {
      // A burst: several sign-outs of one person at once.
      await Promise.all(Array.from({ length: 2 + random.int(6) }, () => verifiedOrder(person, month, ['CLEANING'])));
      did('burst');
    } else if (roll < 0.95) {
      const [order] = await h.db.query(`SELECT id FROM work_order WHERE state = 'VERIFIED' AND contract_id = $1 ORDER BY random() LIMIT 1`, [contractId]);
      if (order) await h.db.query(`UPDATE work_order SET state = 'VOID', void_reasons = '{VOIDED_ON_CALLBACK}' WHERE id = $1`, [order.id]);
      did('void');
    } else if (roll < 0.96) {
      await ledgerRepository.freeze(h.db.manager, person, random.pick(schemes).id, random.pick(months), `${month}-15`);
      did('freeze');
    } else if (roll < 0.98) {
      const amount = (random.next() < 0.3 ? -1 : 1) * 100 * (1 + random.int(50));
      await adjust(person, amount, random.pick([COUNTY, TOWN]), random.next() < 0.8);
      did('adjustment');
    } else {
      if (await settle(month)) did('settlement');
    }
    if (op % BATCH === 0 || op === OPS) await invariants();
  }

  // Every month credited once more at the county: each account's credit is what its kind's lines say, unless
  // the difference was withheld (a frozen account's later credit, or a take-back larger than the balance).
  for (const month of months) {
    await ok(h, CREDIT, { at: COUNTY, month }, w.county);
    const accounts = await h.db.query(
      `WITH due AS (SELECT l.person_id, s.kind, sum(l.amount_fen) AS fen FROM entitlement_line l JOIN subsidy_scheme s ON s.id = l.scheme_id
                     WHERE l.month = $1::date AND s.kind IN ('HARDSHIP_CARE_SUBSIDY', 'HOME_CARE_SUBSIDY') GROUP BY 1, 2),
            credited AS (SELECT p.person_id, a.scheme_kind AS kind, sum(l.amount_fen) AS fen
                           FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id JOIN ledger_account a ON a.id = l.account_id AND a.kind = 'SUBSIDY'
                          WHERE p.cause = 'CREDIT' AND p.month = $1::date GROUP BY 1, 2)
       SELECT coalesce(d.fen, 0)::bigint AS due, coalesce(c.fen, 0)::bigint AS credited, coalesce(a.balance_fen, 0)::bigint AS balance,
              coalesce(a.frozen_after < $1::date, false) AS frozen
         FROM due d FULL JOIN credited c ON c.person_id = d.person_id AND c.kind = d.kind
         LEFT JOIN ledger_account a ON a.kind = 'SUBSIDY' AND a.person_id = coalesce(d.person_id, c.person_id) AND a.scheme_kind = coalesce(d.kind, c.kind)`,
      [`${month}-01`],
    );
    expect(accounts.length).toBeGreaterThan(0);
    for (const row of accounts) {
      const difference = Number(row.due) - Number(row.credited);
      if (difference !== 0) expect((row.frozen && difference > 0) || Number(row.balance) + difference < 0).toBe(true);
    }
  }
  await invariants();
  // The months not yet settled, settled now: every verified charge ends in exactly one approved statement.
  for (const month of months) if (await settle(month)) did('settlement');
  await invariants();
  expect(Object.keys(counts).sort()).toEqual(['adjustment', 'burst', 'charge', 'credit', 'entitlement', 'freeze', 'settlement', 'void']);
});
