import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shares of the elderly on every target and board divide by a node's population of the year:
 * servers keep it (db/shared-cache.ts), and a statement that records or imports figures tells every
 * listening server on commit, as the tree and the procedures do.
 */
export class ElderlyPopulationCacheNotices1765330060000 implements MigrationInterface {
  name = 'ElderlyPopulationCacheNotices1765330060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TRIGGER elderly_population_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON elderly_population
      FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER elderly_population_cache_notice ON elderly_population`);
  }
}
