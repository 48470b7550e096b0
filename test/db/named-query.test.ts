import { isDatabaseUnreachable } from '../../src/db/availability';
import { namedQuery } from '../../src/db/named-query';
import { useHarness } from '../support/harness';
import { eventually } from '../support/processes';

const h = useHarness();

describe('a named statement inside a transaction', () => {
  it('fails when the transaction’s connection has died, instead of running on another connection outside the transaction', async () => {
    let failure: unknown = null;
    try {
      await h.db.transaction(async (tx) => {
        await namedQuery(tx, 'test_setting_before', `INSERT INTO app_setting (key, value) VALUES ('before', '1')`, []);
        const [{ pid }] = await tx.query('SELECT pg_backend_pid() AS pid');
        await h.db.query('SELECT pg_terminate_backend($1)', [pid]);
        await eventually('the lost connection to be noticed', () => tx.queryRunner!.isReleased);
        await namedQuery(tx, 'test_setting_after', `INSERT INTO app_setting (key, value) VALUES ('after', '1')`, []);
      });
    } catch (error) {
      failure = error;
    }
    expect(isDatabaseUnreachable(failure)).toBe(true);
    // Neither half of the transaction is stored: the second statement did not run on its own.
    expect(await h.db.query(`SELECT key FROM app_setting WHERE key IN ('before', 'after')`)).toEqual([]);
  });
});
