import { mutation } from '../../src/audit/mutation';
import type { Context } from '../../src/kernel/context';
import { inTransactionScope, PoolInsideTransactionError, transactionSlots, transactionSlotsFor } from '../../src/db/transaction';
import { useHarness } from '../support/harness';

/** Code inside a request transaction uses that transaction's connection only; the pool refuses it another. */

// The server's own pool (the application role's, DB_POOL_SIZE connections), as requests use it.
const h = useHarness();

const contextOf = (): Context => ({ actor: null, dataSource: h.app, db: h.app.manager, requestId: 'transaction-test', clientAddress: '127.0.0.1', locale: 'en', loaders: new Map() });

describe('the pool inside a request transaction', () => {
  it('refuses a connection to code in a transaction scope, whichever way it asks', async () => {
    await expect(inTransactionScope(() => h.db.query('SELECT 1'))).rejects.toBeInstanceOf(PoolInsideTransactionError);
    await expect(inTransactionScope(() => h.db.manager.query('SELECT 1'))).rejects.toBeInstanceOf(PoolInsideTransactionError);
    await expect(inTransactionScope(async () => h.db.createQueryRunner().connect())).rejects.toBeInstanceOf(PoolInsideTransactionError);
    // Outside the scope the pool serves as always.
    expect(await h.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('fails a mutation whose callee reads through the pool, and serves one that reads through its transaction', async () => {
    const outer = contextOf();
    await expect(mutation(outer, { action: 'test.pool', capability: null }, () => outer.db.query('SELECT 1'))).rejects.toBeInstanceOf(PoolInsideTransactionError);
    const read = await mutation(outer, { action: 'test.transaction', capability: null }, async ({ ctx }) => ctx.db.query('SELECT 2 AS two'));
    expect(read).toEqual([{ two: 2 }]);
    const trail = await h.db.query(`SELECT action, outcome, error_code AS "errorCode" FROM audit_entry ORDER BY id`);
    expect(trail).toEqual([
      { action: 'test.pool', outcome: 'FAILURE', errorCode: 'INTERNAL_SERVER_ERROR' },
      { action: 'test.transaction', outcome: 'SUCCESS', errorCode: null },
    ]);
  });

  it('gives the work a context of its own: the transaction as db, loaders not shared with the request', async () => {
    const outer = contextOf();
    outer.loaders.set('filled outside', 1);
    await mutation(outer, { action: 'test.context', capability: null }, async ({ tx, ctx }) => {
      expect(ctx.db).toBe(tx);
      expect(ctx.loaders.size).toBe(0);
      expect(ctx.actor).toBe(outer.actor);
    });
    expect(outer.db).toBe(h.app.manager);
  });

  it(`keeps max(1, pool / 5) connections for reads: with a pool of ${10}, the ninth transaction waits while reads go on`, async () => {
    expect(h.config.dbPoolSize).toBe(10);
    expect(transactionSlotsFor(10)).toBe(8);
    expect(transactionSlotsFor(4)).toBe(3);
    expect(transactionSlotsFor(2)).toBe(1);

    const slots = transactionSlots(h.app);
    const waitsBefore = slots.waits;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started: number[] = [];
    const transactions = Array.from({ length: 9 }, (_, i) =>
      mutation(contextOf(), { action: 'test.slot', capability: null }, async ({ ctx }) => {
        started.push(i);
        await ctx.db.query('SELECT 1');
        await gate;
      }),
    );
    while (started.length < 8) await new Promise((resolve) => setTimeout(resolve, 10));
    // Eight transactions hold their connections; the ninth waits for a slot, and reads still find a connection.
    expect(await Promise.all([h.app.query('SELECT 1 AS one'), h.app.query('SELECT 1 AS one')])).toEqual([[{ one: 1 }], [{ one: 1 }]]);
    expect(started).toHaveLength(8);
    // What /metrics reports of the slots: all eight held, one transaction waiting, one wait counted.
    expect([slots.size, slots.inUse, slots.queued, slots.waits - waitsBefore]).toEqual([8, 8, 1, 1]);
    release();
    await Promise.all(transactions);
    expect(started).toHaveLength(9);
    expect([slots.inUse, slots.queued, slots.timeouts]).toEqual([0, 0, 0]);
  });
});
