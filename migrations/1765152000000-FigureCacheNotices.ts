import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Servers keep today's figures of the nodes they are asked about (coverage/coverage.loaders.ts). A
 * statement that changes figures tells every listening server on commit which nodes' figures changed
 * (`rollup_value:<id>,<id>,…`), so that each forgets those nodes only: a facility's change names its
 * unit and the unit's ancestors. A statement that changes more nodes than a notice can name, and a
 * TRUNCATE (the rebuild), names the table: then servers forget every figure.
 */
export class FigureCacheNotices1765152000000 implements MigrationInterface {
  name = 'FigureCacheNotices1765152000000';

  async up(q: QueryRunner): Promise<void> {
    // At most 500 node ids of up to 7 digits: well inside a notice's 8,000 bytes.
    await q.query(`
      CREATE FUNCTION notify_figure_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        nodes integer[];
      BEGIN
        SELECT array_agg(node_id) INTO nodes FROM (SELECT DISTINCT node_id FROM changed LIMIT 501) n;
        IF nodes IS NULL THEN
          RETURN NULL;
        ELSIF cardinality(nodes) > 500 THEN
          PERFORM pg_notify('yiyang_cache', TG_TABLE_NAME);
        ELSE
          PERFORM pg_notify('yiyang_cache', TG_TABLE_NAME || ':' || array_to_string(nodes, ','));
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER rollup_value_insert_notice AFTER INSERT ON rollup_value
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_figure_change()`);
    await q.query(`
      CREATE TRIGGER rollup_value_update_notice AFTER UPDATE ON rollup_value
      REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_figure_change()`);
    await q.query(`
      CREATE TRIGGER rollup_value_delete_notice AFTER DELETE ON rollup_value
      REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION notify_figure_change()`);
    await q.query(`
      CREATE TRIGGER rollup_value_cache_notice AFTER TRUNCATE ON rollup_value
      FOR EACH STATEMENT EXECUTE FUNCTION notify_cache_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const trigger of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER rollup_value_${trigger}_notice ON rollup_value`);
    await q.query(`DROP TRIGGER rollup_value_cache_notice ON rollup_value`);
    await q.query(`DROP FUNCTION notify_figure_change()`);
  }
}
