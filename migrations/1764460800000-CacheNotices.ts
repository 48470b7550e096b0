import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Servers cache the division tree and who a signed-in user is (db/shared-cache.ts). Any statement
 * that changes those tables, by the API, an import, a script or by hand, tells every listening
 * server on commit, naming the table; nothing is sent for a transaction that rolls back.
 */
export class CacheNotices1764460800000 implements MigrationInterface {
  name = 'CacheNotices1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_cache_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('yiyang_cache', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of ['jurisdiction', 'app_user']) {
      await q.query(`
        CREATE TRIGGER ${table}_cache_notice AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['jurisdiction', 'app_user']) await q.query(`DROP TRIGGER ${table}_cache_notice ON ${table}`);
    await q.query(`DROP FUNCTION notify_cache_change()`);
  }
}
