import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every board lists the overdue supervision items of the level that issued them, and items change
 * rarely: servers keep a board's overdue items (db/shared-cache.ts), and a statement that changes an
 * item tells every listening server on commit, as the tree, the targets and the totals do.
 */
export class SupervisionCacheNotices1765065600000 implements MigrationInterface {
  name = 'SupervisionCacheNotices1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER supervision_item_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON supervision_item
      FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER supervision_item_cache_notice ON supervision_item`);
  }
}
