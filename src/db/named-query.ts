import type { Pool, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { countStatement } from './query-counter';

/**
 * Runs a read that every request makes (the caller, a node, a figure) as a named prepared statement
 * on the pool, so that PostgreSQL plans it once per connection instead of on every request. Inside
 * a transaction it runs on the transaction's connection like any other query.
 */
export async function namedQuery<T extends QueryResultRow>(db: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  if (db.queryRunner && !db.queryRunner.isReleased) return db.query(text, values);
  countStatement();
  const pool = (db.connection.driver as unknown as { master: Pool }).master;
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}
