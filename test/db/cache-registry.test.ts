import { CACHE_REGIONS, CACHED_TABLES, registryProblems, type RegionSpec } from '../../src/db/cache-registry';
import { useHarness } from '../support/harness';

const h = useHarness();

describe('the cache registry (src/db/cache-registry.ts) and the notice triggers of the migrated database', () => {
  it('agree both ways: every watched table sends notices on every change, and every table that sends them is watched', async () => {
    expect(await registryProblems(h.db.manager)).toEqual([]);
  });

  it('lists each watched table once, and every region watches at least one table', () => {
    expect(CACHED_TABLES.length).toBe(new Set(CACHED_TABLES).size);
    const regions: Record<string, RegionSpec> = CACHE_REGIONS;
    expect(Object.entries(regions).filter(([, spec]) => spec.tables.length === 0)).toEqual([]);
  });

  it('names a watched table whose trigger is gone, and a noticed table no region watches (the check itself)', async () => {
    let problems: string[] = [];
    const rollBack = new Error('rolled back');
    await expect(
      h.db.transaction(async (tx) => {
        await tx.query(`DROP TRIGGER target_cache_notice ON target`);
        await tx.query(`CREATE TRIGGER notice_cache_notice AFTER INSERT ON notice FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
        problems = await registryProblems(tx);
        throw rollBack;
      }),
    ).rejects.toBe(rollBack);
    expect(problems).toEqual([
      'target is watched by a cache region but sends no notice on INSERT, DELETE, UPDATE, TRUNCATE',
      'notice sends cache notices but no region watches it',
    ]);
  });

  it('names a region that watches a table without any notice', async () => {
    const regions = { ...CACHE_REGIONS, 'people-list': { tables: ['person'], capacity: 10 } };
    expect(await registryProblems(h.db.manager, regions)).toEqual(['person is watched by a cache region but sends no notice on INSERT, DELETE, UPDATE, TRUNCATE']);
  });
});
