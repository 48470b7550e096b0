import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every application a case reads follows the procedure in force at its village: servers keep the
 * procedure of a node on a day (db/shared-cache.ts), and a statement that changes a procedure tells
 * every listening server on commit, as the tree and the targets do.
 */
export class ReviewProcedureCacheNotices1765320060000 implements MigrationInterface {
  name = 'ReviewProcedureCacheNotices1765320060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER review_procedure_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON review_procedure
      FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER review_procedure_cache_notice ON review_procedure`);
  }
}
