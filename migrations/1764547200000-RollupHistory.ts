import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coverage history as one row per node and figure instead of one row per node, figure and day.
 *
 * A unit's coverage changes a few times in years and a province's a few thousand times; the rows
 * per day made the history 3.3 million rows on the national tree, which a rebuild had to write and
 * index. Here a figure's history is its step function: the days it changed (days since 1970-01-01,
 * ascending) and its value from each of those days on. A figure on any day is one binary search
 * (`figures[width_bucket(day, days)]`), a trend one per point.
 *
 * `rollup_history_sum` adds one history to another (a change's flips to a stored row): the entries
 * before the first added day are copied as they are, so a change dated today costs an append.
 */
export class RollupHistory1764547200000 implements MigrationInterface {
  name = 'RollupHistory1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_history (
        node_id integer NOT NULL,
        key     text COLLATE "C" NOT NULL,
        days    integer[] NOT NULL,
        figures integer[] NOT NULL,
        PRIMARY KEY (node_id, key),
        CONSTRAINT rollup_history_shape CHECK (cardinality(days) = cardinality(figures))
      )`);
    // Long histories (a province's, a few thousand days) are stored out of line uncompressed: integer
    // arrays hardly compress, and every change rewrites them, so trying costs on each write.
    await q.query(`ALTER TABLE rollup_history ALTER COLUMN days SET STORAGE EXTERNAL, ALTER COLUMN figures SET STORAGE EXTERNAL`);
    await q.query(`
      CREATE FUNCTION rollup_history_sum(a_days integer[], a_figures integer[], b_days integer[], b_figures integer[],
                                         OUT days integer[], OUT figures integer[])
      LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
      DECLARE
        n integer := cardinality(a_days);
        m integer := cardinality(b_days);
        i integer;
        j integer := 1;
        a integer := 0;
        b integer := 0;
        d integer;
        last integer := 0;
      BEGIN
        IF m = 0 THEN
          days := a_days;
          figures := a_figures;
          RETURN;
        END IF;
        -- a's entries before b's first day are unchanged: copy them, and merge from there on.
        i := coalesce(width_bucket(b_days[1], a_days), 0);
        IF i > 1 THEN
          days := a_days[1:i - 1];
          figures := a_figures[1:i - 1];
          last := a_figures[i - 1];
        ELSE
          days := '{}';
          figures := '{}';
          i := 1;
        END IF;
        WHILE i <= n OR j <= m LOOP
          IF j > m OR (i <= n AND a_days[i] < b_days[j]) THEN
            d := a_days[i]; a := a_figures[i]; i := i + 1;
          ELSIF i > n OR b_days[j] < a_days[i] THEN
            d := b_days[j]; b := b_figures[j]; j := j + 1;
          ELSE
            d := a_days[i]; a := a_figures[i]; b := b_figures[j]; i := i + 1; j := j + 1;
          END IF;
          IF a + b <> last THEN
            days := days || d;
            figures := figures || (a + b);
            last := a + b;
          END IF;
        END LOOP;
      END $$`);
    await q.query(`
      INSERT INTO rollup_history (node_id, key, days, figures)
      SELECT node_id, key, array_agg(day - date '1970-01-01' ORDER BY day), array_agg(figure ORDER BY day)
      FROM (
        SELECT node_id, key, day, sum(delta) OVER (PARTITION BY node_id, key ORDER BY day)::integer AS figure
        FROM rollup_change WHERE key LIKE 'covered:%' AND delta <> 0
      ) c
      GROUP BY node_id, key`);
    await q.query(`DELETE FROM rollup_change WHERE key LIKE 'covered:%'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      INSERT INTO rollup_change (node_id, key, day, delta)
      SELECT h.node_id, h.key, date '1970-01-01' + e.day, e.figure - coalesce(lag(e.figure) OVER (PARTITION BY h.node_id, h.key ORDER BY e.day), 0)
      FROM rollup_history h CROSS JOIN LATERAL unnest(h.days, h.figures) AS e (day, figure)`);
    await q.query(`DROP FUNCTION rollup_history_sum`);
    await q.query(`DROP TABLE rollup_history`);
  }
}
