import type { EntityManager } from 'typeorm';

/**
 * What every table of rules a node sets for its subtree shares: versions effective from a day, ended
 * (inclusive) the day before the next one, and written by one writer of a node at a time (an advisory
 * lock keyed by `lockKey` and the node's id). `select` reads rows of `table` aliased `alias`.
 */
export function datedVersions<Row>(table: string, alias: string, lockKey: number, select: string) {
  return {
    /** Serialises the writers of one node's versions until the transaction ends. */
    async lockNode(tx: EntityManager, jurisdictionId: number): Promise<void> {
      await tx.query(`SELECT pg_advisory_xact_lock($1, $2)`, [lockKey, jurisdictionId]);
    },

    /** Every version set at the node, oldest first. */
    async versionsAt(db: EntityManager, jurisdictionId: number): Promise<Row[]> {
      return db.query(`SELECT ${select} WHERE ${alias}.jurisdiction_id = $1 ORDER BY ${alias}.effective_from`, [jurisdictionId]);
    },

    /** Inserts a version from its columns (a JSON column given as its text); returns its id. */
    async insert(tx: EntityManager, columns: Record<string, unknown>): Promise<number> {
      const names = Object.keys(columns);
      const [{ id }] = await tx.query(
        `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
        Object.values(columns),
      );
      return id;
    },

    /** Ends a version after `lastDay` (inclusive). */
    async end(tx: EntityManager, id: number, lastDay: string): Promise<void> {
      await tx.query(`UPDATE ${table} SET effective_to = $2 WHERE id = $1`, [id, lastDay]);
    },
  };
}
