import type { Logger, QueryRunner } from 'typeorm';
import { logger } from '../config/logger';
import type { StatementCount } from '../kernel/context';

// SQL statements per request, for the request log and (outside production) the response. Statements
// are counted process-wide; a request's count is the difference over its lifetime, and is exact only
// when no other request overlapped it: then it is null. (A per-request store that follows the async
// calls, AsyncLocalStorage, runs a hook on every promise: the transaction scope of db/transaction.ts
// turns it on once a mutation has run, about 0.3 µs a promise, some 0.1 ms of a read request.)

let total = 0;
const inFlight = new Set<StatementCount>();


export function beginCounting(): StatementCount {
  const count: StatementCount = { startedAt: total, overlapped: inFlight.size > 0 };
  for (const other of inFlight) other.overlapped = true;
  inFlight.add(count);
  return count;
}

/** The statements issued since `count` began, or null when another request ran meanwhile. */
export function statementsSince(count: StatementCount): number | null {
  return count.overlapped ? null : total - count.startedAt;
}

/** The request is over (idempotent). */
export function endCounting(count: StatementCount): void {
  inFlight.delete(count);
}

/** Counts one statement (TypeORM's through the logger below, named prepared statements by hand). */
export function countStatement(): void {
  total += 1;
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
