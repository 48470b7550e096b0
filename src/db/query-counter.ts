import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger, QueryRunner } from 'typeorm';
import { logger } from '../config/logger';

interface StatementTally {
  statements: number;
}

const tallies = new AsyncLocalStorage<StatementTally>();

/** Runs `work` with a fresh count of the SQL statements it issues; read it with `statementsSoFar`. */
export function countingStatements<T>(work: () => T): T {
  return tallies.run({ statements: 0 }, work);
}

/** Counts one statement issued outside TypeORM (named prepared statements on the pool). */
export function countStatement(): void {
  const tally = tallies.getStore();
  if (tally) tally.statements += 1;
}

export function statementsSoFar(): number | null {
  return tallies.getStore()?.statements ?? null;
}

/** TypeORM logger: counts statements per request and sends database trouble to the JSON log. */
export class StatementLogger implements Logger {
  logQuery(): void {
    countStatement();
  }
  logQueryError(error: string | Error, query: string, parameters?: unknown[], _runner?: QueryRunner): void {
    logger().debug({ err: error, query, parameters: parameters?.length }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    logger().warn({ ms: time, query }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    logger().info({ migration: message }, 'migration');
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') logger().warn({ typeorm: message });
    else logger().debug({ typeorm: message });
  }
}
