import path from 'node:path';
import { types } from 'pg';
import { DataSource } from 'typeorm';
import { measurePoolWaits } from './pool-stats';
import { StatementLogger } from './query-counter';
import { guardPool } from './transaction';

// A `date` is a calendar day: keep it as YYYY-MM-DD instead of a Date at local midnight.
types.setTypeParser(types.builtins.DATE, (value) => value);

// Compiled: dist/src/db → dist/migrations/*.js; from source: src/db → migrations/*.ts.
export const MIGRATIONS = [path.join(__dirname, '..', '..', 'migrations', '*.{ts,js}')].map((glob) =>
  glob.replace(/\\/g, '/'),
);

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  /** Per-statement limit in ms; 0 for none (imports, rebuilds). */
  statementTimeoutMs?: number;
  applicationName?: string;
}

/**
 * A DataSource over PostgreSQL with the project's migrations (every read and write is SQL of ours: no entity is mapped); `synchronize` stays off.
 * Once initialised its pool counts the waits for a connection and refuses connections to code inside a
 * request transaction (`guardPool`).
 */
export function createDataSource(options: DataSourceOptions): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logger: new StatementLogger(),
    // Imports and rebuilds (no statement timeout) are slow by design; API statements over 1 s are logged.
    maxQueryExecutionTime: options.statementTimeoutMs ? 1000 : undefined,
    extra: {
      max: options.poolSize ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 0,
      // A request waits for a pooled connection no longer than one statement may run, so that an
      // exhausted pool answers LIMIT_EXCEEDED instead of holding requests forever (0: wait, for imports).
      connectionTimeoutMillis: options.statementTimeoutMs ?? 0,
      application_name: options.applicationName ?? 'yiyang',
    },
  });
  const initialize = dataSource.initialize.bind(dataSource);
  dataSource.initialize = async () => {
    await initialize();
    measurePoolWaits(dataSource);
    guardPool(dataSource);
    return dataSource;
  };
  return dataSource;
}
