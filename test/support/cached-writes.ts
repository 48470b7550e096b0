import { Client } from 'pg';
import { CACHED_TABLES } from '../../src/db/cache-registry';
import { insideTransaction } from '../../src/db/transaction';

/** One statement a connection of the watched pool sent, and whether it ran inside a mutation's transaction. */
export interface SentStatement {
  sql: string;
  /** Its parameters, when it has any. */
  values: readonly unknown[];
  inMutation: boolean;
}

// The table a statement writes: INSERT INTO t, UPDATE t, DELETE FROM t, TRUNCATE t, COPY t FROM.
const WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|COPY)\s+(?:ONLY\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/** The cached tables (src/db/cache-registry.ts) that `sql` writes. */
export function cachedTablesWritten(sql: string): string[] {
  const tables = [...sql.matchAll(WRITE)].map((match) => match[1].toLowerCase());
  return [...new Set(tables.filter((table) => CACHED_TABLES.includes(table)))];
}

/**
 * Records every statement sent by the connections of the pool named `applicationName` (the server's:
 * 'yiyang') until `stop`: the statements are the server's own, seen on their way to PostgreSQL.
 */
export function watchStatements(applicationName = 'yiyang'): { sent: SentStatement[]; stop(): void } {
  const sent: SentStatement[] = [];
  const original = Client.prototype.query;
  Client.prototype.query = function (this: Client & { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    if (this.connectionParameters?.application_name === applicationName) {
      const [config, params] = args as [string | { text?: string; values?: unknown[] }, unknown];
      const sql = typeof config === 'string' ? config : config?.text;
      const values = Array.isArray(params) ? params : typeof config === 'object' && Array.isArray(config?.values) ? config.values : [];
      if (typeof sql === 'string') sent.push({ sql, values, inMutation: insideTransaction() });
    }
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  return {
    sent,
    stop() {
      Client.prototype.query = original;
    },
  };
}

/** The statements that wrote a cached table outside a mutation's transaction, with the tables they wrote. */
export function cachedWritesOutsideMutations(sent: readonly SentStatement[]): { tables: string[]; sql: string }[] {
  return sent
    .filter((statement) => !statement.inMutation)
    .map((statement) => ({ tables: cachedTablesWritten(statement.sql), sql: statement.sql.replace(/\s+/g, ' ').slice(0, 200) }))
    .filter((write) => write.tables.length > 0);
}
