import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Targets are read on every board and change rarely: servers keep them (db/shared-cache.ts), and a
 * statement that changes a target or its phases tells every listening server on commit, as the tree
 * and the users do.
 */
export class TargetCacheNotices1764892800000 implements MigrationInterface {
  name = 'TargetCacheNotices1764892800000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of ['target', 'target_phase_span']) {
      await q.query(`
        CREATE TRIGGER ${table}_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['target', 'target_phase_span']) await q.query(`DROP TRIGGER ${table}_cache_notice ON ${table}`);
  }
}
