import { useHarness, type GraphQLResponse } from '../support/harness';
import { roundTrips } from '../support/round-trips';
import { assigned, at, HOME, uuid, visit, visitWorld, type VisitWorld } from './support';

// A sign-in and a sign-out, verification and the compliance roll-up included, in few round trips: the
// reads of the visit's standing go out together, behind the event's own write (docs/transactions.md).
const h = useHarness();

// What a caregiver's device asks back (the benchmark's selection).
const CHECK_IN = `mutation($input: VisitEventInput!) { checkIn(input: $input) { replayed reasons order { id state serviceDay } } }`;
const CHECK_OUT = `mutation($input: VisitEventInput!) { checkOut(input: $input) { replayed reasons order { id state minutes } } }`;

let w: VisitWorld;
beforeEach(async () => {
  w = await visitWorld(h);
});

describe('a sign-in and a sign-out', () => {
  it('take 4 and 5 round trips, with the verdict, the roll-up, the audit entry and the notice wait', async () => {
    // The caller and the tree are cached by an earlier visit, as on a running server.
    const earlier = await assigned(h, w, w.days[0]);
    expect((await visit(h, w, earlier.id, w.days[0], { from: '08:00', to: '09:05' })).order.state).toBe('VERIFIED');
    const order = await assigned(h, w, w.days[1]);
    const evidence = { place: HOME, cardToken: w.card };

    let res: GraphQLResponse | undefined;
    const signIn = await roundTrips(async () => {
      res = await h.gql(CHECK_IN, { input: { order: order.id, clientId: uuid(), deviceAt: at(w.days[1], '09:00'), ...evidence } }, w.caregiver.token);
    });
    expect(res!.errors).toBeUndefined();
    expect(res!.data.checkIn).toMatchObject({ reasons: [], replayed: false, order: { state: 'CHECKED_IN', serviceDay: w.days[1] } });
    // BEGIN with the locks; the event with the order's change and the reads of the standing; the audit entry
    // with the COMMIT; the notice wait.
    expect(signIn.length <= 4 ? [] : signIn).toEqual([]);

    const signOut = await roundTrips(async () => {
      res = await h.gql(CHECK_OUT, { input: { order: order.id, clientId: uuid(), deviceAt: at(w.days[1], '10:05'), ...evidence } }, w.caregiver.token);
    });
    expect(res!.errors).toBeUndefined();
    expect(res!.data.checkOut).toMatchObject({ reasons: [], order: { state: 'VERIFIED', minutes: 65 } });
    // The same, and the verdict's write (it waits for the reads).
    expect(signOut.length <= 5 ? [] : signOut).toEqual([]);
    const [month] = await h.db.query(`SELECT verified, minutes FROM care_month WHERE person_id = $1 AND month = date_trunc('month', $2::date)`, [w.recipient, w.days[1]]);
    expect(month).toEqual({ verified: 2, minutes: 130 });
  });
});
