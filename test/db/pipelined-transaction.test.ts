import { Client } from 'pg';
import { namedQuery } from '../../src/db/named-query';
import { pipelinedTransaction, withCommit } from '../../src/db/transaction';
import { useHarness } from '../support/harness';

/** The default transaction sends statements without waiting for the answers before them, and keeps their meaning. */

const h = useHarness();

const settings = () => h.db.query(`SELECT key, value FROM app_setting WHERE key LIKE 'pipelined-%' ORDER BY key`);
const write = (tx: Parameters<typeof namedQuery>[0], key: string) =>
  namedQuery(tx, 'test_pipelined_write', `INSERT INTO app_setting (key, value) VALUES ($1, '1')`, [key]);

describe('a pipelined transaction', () => {
  it('runs statements started together in their order, each reading after the locks before it', async () => {
    // Another transaction holds the lock and has written, uncommitted.
    const other = new Client({ connectionString: h.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock(7300999, 1)');
      await other.query(`INSERT INTO app_setting (key, value) VALUES ('pipelined-other', '1')`);
      const read = pipelinedTransaction<{ key: string }[]>(h.db)((tx) =>
        Promise.all([
          namedQuery(tx, 'test_pipelined_lock', 'SELECT pg_advisory_xact_lock(7300999, 1)', []),
          namedQuery<{ key: string }>(tx, 'test_pipelined_read', `SELECT key FROM app_setting WHERE key LIKE 'pipelined-%'`, []),
        ]).then(([, rows]) => rows),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.query('COMMIT');
      // The read went out with the lock, and ran once the lock was granted: it sees the other's commit.
      expect(await read).toEqual([{ key: 'pipelined-other' }]);
    } finally {
      await other.end();
    }
  });

  it('fails, keeping nothing, when the statement sent with the COMMIT fails', async () => {
    const run = pipelinedTransaction<void>(h.db)(async (tx) => {
      await write(tx, 'pipelined-work');
      await withCommit(tx, write(tx, 'pipelined-work'));
    });
    await expect(run).rejects.toMatchObject({ code: '23505' });
    expect(await settings()).toEqual([]);
  });

  it('commits the work and the statement sent with the COMMIT together', async () => {
    await pipelinedTransaction<void>(h.db)(async (tx) => {
      await write(tx, 'pipelined-a');
      await withCommit(tx, write(tx, 'pipelined-b'));
    });
    expect(await settings()).toEqual([
      { key: 'pipelined-a', value: 1 },
      { key: 'pipelined-b', value: 1 },
    ]);
  });

  it('writes the statements started together to the socket at once, and only the statements after an answer apart', async () => {
    let writes = 0;
    const bursts = await pipelinedTransaction<number[]>(h.db)(async (tx) => {
      const stream = (tx.queryRunner as unknown as { databaseConnection: { connection: { stream: { _writev: (...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown } } } })
        .databaseConnection.connection.stream;
      const counted = <F extends (...a: unknown[]) => unknown>(f: F) =>
        function (this: unknown, ...args: unknown[]) {
          writes += 1;
          return f.apply(this, args);
        };
      const writev = stream._writev;
      const writeOne = stream._write;
      stream._writev = counted(writev);
      stream._write = counted(writeOne);
      try {
        const started = writes;
        await Promise.all([1, 2, 3].map((n) => namedQuery(tx, 'test_pipelined_echo', 'SELECT $1::int AS n', [n])));
        const together = writes - started;
        await namedQuery(tx, 'test_pipelined_echo', 'SELECT $1::int AS n', [4]);
        return [together, writes - started - together];
      } finally {
        stream._writev = writev;
        stream._write = writeOne;
      }
    });
    // BEGIN and the three statements in one write; the fourth in another.
    expect(bursts).toEqual([1, 1]);
  });
});
