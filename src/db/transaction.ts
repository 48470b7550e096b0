import { AsyncLocalStorage } from 'node:async_hooks';
import type { PoolClient, QueryResult } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { countStatement } from './query-counter';
import { Slots } from './slots';

/**
 * A request's transaction holds one pooled connection and does all its work through it. Code that
 * asked the pool for a second one from inside would wait for a connection while holding one: with
 * as many such transactions as connections, every one of them waits for the others (until the
 * connection timeout) and every other request with them. So:
 *
 * - inside a request transaction (`requestTransaction`) the pool refuses to hand out a connection
 *   (`PoolInsideTransactionError`, see `guardPool`): a callee that reaches for the pool fails at
 *   once, in tests, instead of deadlocking under load;
 * - at most `pool size − max(1, pool size / 5)` request transactions run at once, so that reads
 *   always find a connection; the next one waits for a slot, no longer than a statement may run.
 */

const scope = new AsyncLocalStorage<true>();

/** Whether the caller runs inside a request transaction (and must use its manager, never the pool). */
export function insideTransaction(): boolean {
  return scope.getStore() === true;
}

/** Runs `work` as code inside a request transaction: the pool refuses it a connection. */
export function inTransactionScope<T>(work: () => Promise<T>): Promise<T> {
  return scope.run(true, work);
}

export class PoolInsideTransactionError extends Error {
  constructor() {
    super('a pooled connection was asked for inside a transaction: use the transaction\'s manager (ctx.db)');
    this.name = 'PoolInsideTransactionError';
  }
}

type Connect = (callback?: (error: Error | undefined, ...rest: unknown[]) => void) => unknown;

/** Makes the data source's pool refuse connections inside a request transaction (once initialised). */
export function guardPool(dataSource: DataSource): void {
  const pool = (dataSource.driver as unknown as { master?: { connect: Connect } }).master;
  if (!pool) throw new Error('the data source is not initialised');
  const connect = pool.connect.bind(pool);
  pool.connect = (callback) => {
    if (!insideTransaction()) return connect(callback);
    const error = new PoolInsideTransactionError();
    if (!callback) return Promise.reject(error);
    callback(error);
    return undefined;
  };
}

/** Request transactions that may run at once on a pool of `poolSize`: the rest is kept for reads. */
export function transactionSlotsFor(poolSize: number): number {
  return Math.max(1, poolSize - Math.max(1, Math.floor(poolSize / 5)));
}

const slotsByDataSource = new WeakMap<DataSource, Slots>();

/** The request-transaction slots of `dataSource`'s pool. */
export function transactionSlots(dataSource: DataSource): Slots {
  let slots = slotsByDataSource.get(dataSource);
  if (!slots) {
    const extra = (dataSource.options as { extra?: { max?: number; connectionTimeoutMillis?: number } }).extra ?? {};
    slots = new Slots(transactionSlotsFor(extra.max ?? 10), extra.connectionTimeoutMillis ?? 0);
    slotsByDataSource.set(dataSource, slots);
  }
  return slots;
}

/** Opens a transaction the default way: one pooled connection, READ COMMITTED, pipelined (`pipelinedTransaction`). */
export function defaultTransaction<T>(dataSource: DataSource): (inside: (tx: EntityManager) => Promise<T>) => Promise<T> {
  return pipelinedTransaction(dataSource);
}

type PipelinedClient = PoolClient & { pipeline: boolean; connection: { stream: { cork(): void; uncork(): void } } };

/**
 * Makes the statements a transaction sends in one turn of the event loop leave in one write to the
 * socket (pg writes each statement's messages on their own): the socket is corked at the turn's first
 * statement and uncorked once the turn is done. Returns the undo.
 */
function batchWrites(client: PipelinedClient): () => void {
  const stream = client.connection.stream;
  const proto = Object.getPrototypeOf(client) as PoolClient;
  let corked = false;
  client.query = function (this: PoolClient, ...args: unknown[]) {
    if (!corked) {
      corked = true;
      stream.cork();
      setImmediate(() => {
        corked = false;
        stream.uncork();
      });
    }
    return (proto.query as (...a: unknown[]) => unknown).apply(this, args);
  } as PoolClient['query'];
  return () => {
    delete (client as Partial<PoolClient>).query;
  };
}

// The statements of each open pipelined transaction that are answered with its COMMIT.
const answeredWithCommit = new WeakMap<EntityManager, Promise<unknown>[]>();

/**
 * Opens a READ COMMITTED transaction on one pooled connection in pg's pipeline mode: a statement goes
 * out without waiting for the answers to those before it, which the server still runs one after
 * another, in order. So BEGIN leaves with the first statement, statements started together
 * (`Promise.all` of named statements) share one round trip and one write to the socket
 * (`batchWrites`), and a last statement handed to
 * `withCommit` leaves with the COMMIT. A statement that fails aborts the transaction as ever: those
 * behind it fail, and a COMMIT behind it answers ROLLBACK, which fails the transaction here.
 */
export function pipelinedTransaction<T>(dataSource: DataSource): (inside: (tx: EntityManager) => Promise<T>) => Promise<T> {
  return async (inside) => {
    const runner = dataSource.createQueryRunner();
    const client = (await runner.connect()) as PipelinedClient;
    const send = (text: string) => {
      countStatement();
      return client.query(text);
    };
    client.pipeline = true;
    const unbatch = batchWrites(client);
    // Sent here, before the work can send anything, and answered with its first statement.
    const begun = send('BEGIN');
    begun.catch(() => undefined);
    const answered: Promise<unknown>[] = [begun];
    answeredWithCommit.set(runner.manager, answered);
    // The runner does not send BEGIN itself (it would wait for the answer), but it is in a transaction.
    (runner as { isTransactionActive: boolean }).isTransactionActive = true;
    try {
      const result = await inside(runner.manager);
      const committed = send('COMMIT');
      const answers = await Promise.allSettled([...answered, committed]);
      const failed = answers.find((answer) => answer.status === 'rejected');
      if (failed) throw failed.reason;
      const commit = answers[answers.length - 1] as PromiseFulfilledResult<QueryResult>;
      if (commit.value.command !== 'COMMIT') throw new Error(`the transaction ended in ${commit.value.command} instead of COMMIT`);
      return result;
    } catch (error) {
      // Answered once every statement before it is: the connection goes back to the pool idle.
      await send('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      answeredWithCommit.delete(runner.manager);
      (runner as { isTransactionActive: boolean }).isTransactionActive = false;
      client.pipeline = false;
      unbatch();
      await runner.release();
    }
  };
}

/**
 * Lets `statement`, already sent on `tx`, be answered with the transaction's COMMIT when `tx` is a
 * pipelined transaction (one round trip for both; its failure fails the commit); otherwise waits for it.
 */
export async function withCommit(tx: EntityManager, statement: Promise<unknown>): Promise<void> {
  const answered = answeredWithCommit.get(tx);
  if (!answered) {
    await statement;
    return;
  }
  statement.catch(() => undefined);
  answered.push(statement);
}

/**
 * Runs `work` in a request transaction opened by `open` (one connection from the pool), once one of
 * the data source's transaction slots is free; inside, the pool refuses further connections.
 */
export async function requestTransaction<T>(
  dataSource: DataSource,
  open: (inside: (tx: EntityManager) => Promise<T>) => Promise<T>,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  if (insideTransaction()) throw new Error('a request transaction cannot open another one');
  return transactionSlots(dataSource).run(() => open((tx) => inTransactionScope(() => work(tx))));
}
