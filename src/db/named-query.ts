import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { ConnectionLostError } from './availability';
import { countStatement } from './query-counter';

const texts = new Map<string, string>();

/**
 * Runs a statement that requests make over and over (the caller, a node, a figure, the steps of a
 * facility change) as a named prepared statement, so that PostgreSQL parses and plans it once per
 * connection instead of every time: on the pool, or inside a transaction on the transaction's
 * connection. `name` must stand for one text. Returns the rows (those of RETURNING for a write).
 */
export async function namedQuery<T extends QueryResultRow>(db: EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const known = texts.get(name);
  if (known === undefined) texts.set(name, text);
  else if (known !== text) throw new Error(`the prepared statement ${name} stands for two texts`);
  countStatement();
  const runner = db.queryRunner;
  // A runner is released mid-transaction when its connection fails: a pooled connection would run
  // the statement outside the transaction, after its earlier statements were rolled back.
  if (runner?.isReleased && runner.isTransactionActive) throw new ConnectionLostError();
  if (runner && !runner.isReleased) {
    // Handed to the runner's connection at once when it has one: statements a caller starts together
    // (Promise.all) go out in the order it started them, and on a pipelined transaction in one round trip.
    const client = (runner as unknown as { databaseConnection?: PoolClient }).databaseConnection ?? ((await runner.connect()) as PoolClient);
    return (await client.query<T>({ name, text, values })).rows;
  }
  const pool = (db.connection.driver as unknown as { master: Pool }).master;
  const result = await pool.query<T>({ name, text, values });
  return result.rows;
}
