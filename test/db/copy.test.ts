import type { PoolClient } from 'pg';
import { copyInto, copyRows, CopyText } from '../../src/db/copy';
import { useHarness } from '../support/harness';

const h = useHarness();

async function withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const runner = h.db.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  try {
    return await work(client);
  } finally {
    await runner.release();
  }
}

describe('COPY rows as integers', () => {
  it('reads every row whole, rows cut by the stream chunks included, with negatives and nulls', async () => {
    // About 6 MB of text: many chunks, rows of varying width so that chunks end mid-row anywhere.
    const n = 300_000;
    const seen = { rows: 0, sum: 0, negatives: 0, nulls: 0, widest: 0 };
    await withClient((client) =>
      copyRows(client, `SELECT i, -i::bigint * 7919, CASE WHEN i % 1000 = 0 THEN NULL ELSE i::bigint * 1000003 END FROM generate_series(1, ${n}) AS i`, 3, (row) => {
        const i = row.int(0);
        seen.rows++;
        seen.sum += i;
        if (row.int(1) === -i * 7919) seen.negatives++;
        if (i % 1000 === 0) {
          if (row.int(2) === 0) seen.nulls++;
        } else if (row.int(2) !== i * 1000003) throw new Error(`row ${i}: ${row.int(2)}`);
        seen.widest = Math.max(seen.widest, row.ends[2] - row.starts[0]);
      }),
    );
    expect(seen).toEqual({ rows: n, sum: (n * (n + 1)) / 2, negatives: n, nulls: n / 1000, widest: expect.any(Number) });
    expect(seen.widest).toBeGreaterThan(20);
  });

  it('refuses rows with another number of fields than asked for', async () => {
    await expect(withClient((client) => copyRows(client, `SELECT 1, 2`, 3, () => undefined))).rejects.toThrow('COPY row with 2 fields, expected 3');
  });

  it('writes integers, words and integer arrays that read back as written', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => ({
      id: i - 25_000,
      key: i % 2 === 0 ? 'covered:VILLAGE_SERVICE' : 'beds:total',
      values: Array.from({ length: i % 7 }, (__, j) => (j % 2 === 0 ? 1 : -1) * (i * 31 + j)),
    }));
    const text = new CopyText();
    for (const row of rows) text.int(row.id).tab().word(row.key).tab().ints(row.values, 0, row.values.length).end();
    const written = await withClient(async (client) => {
      await client.query(`CREATE TEMP TABLE copied (id integer, key text, "values" integer[])`);
      const count = await copyInto(client, 'copied', ['id', 'key', '"values"'], text);
      const back = await client.query(`SELECT id, key, "values" FROM copied ORDER BY id`);
      await client.query(`DROP TABLE copied`);
      return { count, back: back.rows };
    });
    expect(written.count).toBe(rows.length);
    expect(written.back).toEqual([...rows].sort((a, b) => a.id - b.id).map((row) => ({ id: row.id, key: row.key, values: row.values })));
  });
});
