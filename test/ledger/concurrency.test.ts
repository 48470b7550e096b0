import { Role } from '../../src/kernel/actor';
import { poolUse } from '../../src/db/pool-stats';
import { createUser, insertCaregiver } from '../support/factories';
import { useHarness } from '../support/harness';
import { ok } from '../cases/support';
import { assigned, at, CHECK_IN, CHECK_OUT, HOME, TOWN, uuid } from '../visits/support';
import { ACCOUNT, credited, entitled, ITEM_PRICE, ledgerHolds, ledgerWorld, SEED_004 } from './support';

// «當餘額不足時,應由個人賬户承擔消費» (seed 004 篇四): sixteen caregivers sign out of the same recipient's visits at
// once, with vouchers for ten of them: ten are charged to the vouchers, six to the person, and nothing drifts.
const h = useHarness();
const WRITERS = 16;
const COVERED = 10;

it(`charges exactly ${COVERED} of ${WRITERS} concurrent sign-outs to a voucher balance that covers ${COVERED}, the rest to the person`, async () => {
  expect(SEED_004).toContain('當餘額不足時,應由個人賬户承擔消費');
  // The 7 : 3 scheme tops the month up to ten one-item visits (the other two schemes pay 10,000 fen each).
  const w = await ledgerWorld(h, COVERED * ITEM_PRICE - 20_000);
  await credited(h, w);
  expect(await entitled(h, w, w.recipient)).toBe(COVERED * ITEM_PRICE);

  const day = w.days[0];
  const evidence = { place: HOME, cardToken: w.card };
  const visits = [];
  for (let i = 0; i < WRITERS; i++) {
    const caregiverId = await insertCaregiver(h.db, w.org.id, TOWN, `JD-C${i}`, { trainedOn: '2025-01-01' });
    const caregiver = await createUser(h.db, TOWN, [Role.CAREGIVER], `caregiver-c${i}@321012100`, { organisationId: w.org.id, caregiverId });
    const order = await assigned(h, w, day, { items: ['CLEANING'], caregiverId });
    await ok(h, CHECK_IN, { input: { order: order.id, clientId: uuid(), deviceAt: at(day, '09:00'), ...evidence } }, caregiver);
    visits.push({ order: order.id, caregiver });
  }

  const poolBefore = poolUse(h.app)!;
  const outcomes = await Promise.all(
    visits.map((v) => ok(h, CHECK_OUT, { input: { order: v.order, clientId: uuid(), deviceAt: at(day, '10:05'), ...evidence } }, v.caregiver)),
  );
  expect(outcomes.map((o) => o.checkOut.order.state)).toEqual(Array(WRITERS).fill('VERIFIED'));
  expect(poolUse(h.app)!.timeouts - poolBefore.timeouts).toBe(0);

  const charges = await h.db.query(
    `SELECT p.order_id, coalesce(sum(-l.amount_fen) FILTER (WHERE a.kind = 'SUBSIDY'), 0)::int AS voucher, coalesce(sum(-l.amount_fen) FILTER (WHERE a.kind = 'PERSONAL'), 0)::int AS own
       FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id JOIN ledger_account a ON a.id = l.account_id
      WHERE p.cause = 'CHARGE' GROUP BY p.order_id`,
  );
  expect(charges).toHaveLength(WRITERS);
  expect(charges.filter((c: any) => c.voucher === ITEM_PRICE && c.own === 0)).toHaveLength(COVERED);
  expect(charges.filter((c: any) => c.voucher === 0 && c.own === ITEM_PRICE)).toHaveLength(WRITERS - COVERED);
  const account = (await ok(h, ACCOUNT, { person: w.recipient }, w.county)).personVouchers;
  expect([account.balanceFen, account.ownPaidFen]).toEqual([0, (WRITERS - COVERED) * ITEM_PRICE]);
  await ledgerHolds(h);
});
