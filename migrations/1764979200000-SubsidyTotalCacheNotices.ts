import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A month's subsidy totals change only when a run of the month commits, and dashboards read them
 * again and again: servers keep them (db/shared-cache.ts), and a statement that changes the totals,
 * or a scheme they name, tells every listening server on commit, as the tree and the targets do.
 */
export class SubsidyTotalCacheNotices1764979200000 implements MigrationInterface {
  name = 'SubsidyTotalCacheNotices1764979200000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['entitlement_total', 'subsidy_scheme']) {
      await q.query(`
        CREATE TRIGGER ${table}_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['entitlement_total', 'subsidy_scheme']) await q.query(`DROP TRIGGER ${table}_cache_notice ON ${table}`);
  }
}
