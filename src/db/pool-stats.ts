import type { DataSource } from 'typeorm';
import { POOL_TIMEOUT } from './availability';

interface PgPool {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { max: number };
  connect: (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => unknown;
}

/** How a data source's pool is used now, and the waits for a connection so far. */
export interface PoolUse {
  max: number;
  total: number;
  idle: number;
  /** Callers waiting for a connection now. */
  waiting: number;
  /** Callers that found every connection busy and the pool full, and waited. */
  waits: number;
  waitSeconds: number;
  /** Waits that ended with no connection (`connectionTimeoutMillis`). */
  timeouts: number;
}

interface Waits {
  waits: number;
  waitSeconds: number;
  timeouts: number;
}

const waitsByDataSource = new WeakMap<DataSource, Waits>();

function poolOf(dataSource: DataSource): PgPool | undefined {
  return (dataSource.driver as unknown as { master?: PgPool }).master;
}

/** Counts the waits for a connection of the data source's pool (once initialised, before `guardPool`). */
export function measurePoolWaits(dataSource: DataSource): void {
  const pool = poolOf(dataSource);
  if (!pool) throw new Error('the data source is not initialised');
  const waits: Waits = { waits: 0, waitSeconds: 0, timeouts: 0 };
  waitsByDataSource.set(dataSource, waits);
  const connect = pool.connect.bind(pool);
  pool.connect = (callback) => {
    // pg-pool queues the caller when no connection is idle and it may open no other one.
    if (pool.idleCount > 0 || pool.totalCount < pool.options.max) return connect(callback);
    const started = process.hrtime.bigint();
    waits.waits += 1;
    const ended = (error: Error | undefined) => {
      waits.waitSeconds += Number(process.hrtime.bigint() - started) / 1e9;
      if (error?.message === POOL_TIMEOUT) waits.timeouts += 1;
    };
    if (callback) {
      return connect((error, ...rest) => {
        ended(error);
        callback(error, ...rest);
      });
    }
    return (connect() as Promise<unknown>).then(
      (client) => {
        ended(undefined);
        return client;
      },
      (error: Error) => {
        ended(error);
        throw error;
      },
    );
  };
}

/** The pool's use now and its waits so far; null before the data source is initialised. */
export function poolUse(dataSource: DataSource): PoolUse | null {
  const pool = dataSource.isInitialized ? poolOf(dataSource) : undefined;
  if (!pool) return null;
  const waits = waitsByDataSource.get(dataSource) ?? { waits: 0, waitSeconds: 0, timeouts: 0 };
  return { max: pool.options.max, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, ...waits };
}
