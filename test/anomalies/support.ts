import fs from 'node:fs';
import path from 'node:path';
import { addMonths } from '../../src/kernel/dates';
import type { Harness } from '../support/harness';
import { ok } from '../cases/support';
import { enrol, registered } from '../care/support';
import { HOME, ISSUE_CARD, SET_HOME, VILLAGE, type VisitWorld } from '../visits/support';

/** Seed 004 as the document is written (篇四 江都, 篇六 the special campaign). */
export const SEED_004 = fs.readFileSync(path.join('/work/shared/seeds', fs.readdirSync('/work/shared/seeds').find((f) => f.startsWith('004'))!), 'utf8');

export const ROW = `kind reasons orderIds personIds villageCodes organisationId caregiverId serviceDays months amountFen schemeKind
  statusSince lastEnrolledMonth frozenAfter gapSeconds distanceMetres speedKmh adjustmentId funderCode proposedBy decidedBy decidedOn
  contractId missingPrices { item serviceClass }`;
export const ANOMALIES = `query($at: String!, $kind: AnomalyKind!, $from: Date!, $to: Date!, $first: Int, $after: String,
  $maxSpeedKmh: Int, $months: Int, $multipleFen: Fen) {
  anomalies(at: $at, kind: $kind, from: $from, to: $to, first: $first, after: $after, maxSpeedKmh: $maxSpeedKmh, months: $months, multipleFen: $multipleFen) {
    kind at from to maxSpeedKmh months multipleFen pageInfo { hasNextPage endCursor } rows { ${ROW} } } }`;

/** A second enrolled recipient of the world's village, with a registered home at `place` and a card; their id and card. */
export async function secondRecipient(h: Harness, w: VisitWorld, place = HOME): Promise<{ id: string; card: string }> {
  const month = w.days[0].slice(0, 7);
  const id = await registered(h, w, { birthYear: 1948, categories: ['MINIMUM_LIVING_ALLOWANCE'], ability: 'SEVERE', assessedOn: `${addMonths(month, -3)}-01`, village: VILLAGE });
  await enrol(h, w, id, `${addMonths(month, -2)}-10`);
  await ok(h, SET_HOME, { person: id, ...place }, w.worker);
  const card = (await ok(h, ISSUE_CARD, { person: id }, w.worker)).issueServiceCard.token;
  return { id, card };
}

/**
 * Postings made by hand through the owner's connection, as the ledger's own statements make them (balanced,
 * balances kept by the lines' trigger): a month's credit of `fen` to the person's voucher account from the
 * county, and charges of orders by a provider. For months the API can no longer reach (visits are signed in
 * within the offline days).
 */
export async function voucherAccount(h: Harness, person: string): Promise<number> {
  const [row] = await h.db.query(`SELECT ledger_account_of('SUBSIDY', $1, 'HOME_CARE_SUBSIDY', NULL) AS id`, [person]);
  return row.id;
}

async function funderAccount(h: Harness, code: string): Promise<number> {
  await h.db.query(`INSERT INTO ledger_account (kind, jurisdiction_id) SELECT 'FUNDER', id FROM jurisdiction WHERE code = $1 ON CONFLICT DO NOTHING`, [code]);
  const [row] = await h.db.query(`SELECT a.id FROM ledger_account a JOIN jurisdiction j ON j.id = a.jurisdiction_id WHERE a.kind = 'FUNDER' AND j.code = $1`, [code]);
  return row.id;
}

export async function postCredit(h: Harness, person: string, month: string, fen: number, schemeId: string, funder = '321012'): Promise<void> {
  const account = await voucherAccount(h, person);
  const from = await funderAccount(h, funder);
  await h.db.query(
    `WITH p AS (INSERT INTO ledger_posting (cause, month, village_code, person_id, scheme_id, run_id) VALUES ('CREDIT', $1::date, $2, $3, $4, 0) RETURNING id)
     INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT p.id, a, f FROM p, unnest($5::int[], $6::bigint[]) AS u (a, f)`,
    [`${month}-01`, VILLAGE, person, schemeId, [account, from], [fen, -fen]],
  );
}

/** A charge of order `orderId` (an id of the tests' own: the ledger keeps no key to the order) by `organisationId`, from the voucher account. */
export async function postCharge(h: Harness, person: string, month: string, fen: number, organisationId: number, orderId: number): Promise<number> {
  const account = await voucherAccount(h, person);
  const [provider] = await h.db.query(`SELECT ledger_account_of('PROVIDER', NULL, NULL, $1) AS id`, [organisationId]);
  const [posting] = await h.db.query(
    `INSERT INTO ledger_posting (cause, month, village_code, person_id, order_id, organisation_id) VALUES ('CHARGE', $1::date, $2, $3, $4, $5) RETURNING id`,
    [`${month}-01`, VILLAGE, person, orderId, organisationId],
  );
  await h.db.query(`INSERT INTO ledger_line (posting_id, account_id, amount_fen) SELECT $1, a, f FROM unnest($2::int[], $3::bigint[]) AS u (a, f)`, [
    posting.id,
    [account, provider.id],
    [-fen, fen],
  ]);
  return Number(posting.id);
}
