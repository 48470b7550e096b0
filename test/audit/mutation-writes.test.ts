import { cachedTablesWritten, cachedWritesOutsideMutations, watchStatements } from '../support/cached-writes';
import { useHarness } from '../support/harness';

// Every mutation writes through `mutation()` (src/audit/mutation.ts), which waits for the cache notices
// of its commit before it answers. test/graphql/every-field.test.ts runs every mutation of the schema
// and fails when one writes a cached table outside a mutation's transaction; this file checks the
// check itself.
const h = useHarness();

describe('the check that cached tables are written only inside mutation()', () => {
  it('reads the cached tables a statement writes, and no others', () => {
    expect(cachedTablesWritten(`UPDATE target SET deadline = $1 WHERE id = $2`)).toEqual(['target']);
    expect(cachedTablesWritten(`INSERT INTO "rollup_value" (node_id) VALUES (1) ON CONFLICT (node_id) DO UPDATE SET value = 1`)).toEqual(['rollup_value']);
    expect(cachedTablesWritten(`SELECT * FROM target WHERE id = $1 FOR UPDATE`)).toEqual([]);
    expect(cachedTablesWritten(`INSERT INTO audit_entry (action) VALUES ('x')`)).toEqual([]);
  });

  it('catches a write of a cached table made by the server’s pool outside any mutation (a deliberately broken write)', async () => {
    const watch = watchStatements();
    try {
      await h.app.query(`UPDATE supervision_item SET deadline = deadline WHERE false`);
      await h.app.transaction((tx) => tx.query(`DELETE FROM target WHERE false`));
    } finally {
      watch.stop();
    }
    expect(cachedWritesOutsideMutations(watch.sent).map((write) => write.tables)).toEqual([['supervision_item'], ['target']]);
  });
});
