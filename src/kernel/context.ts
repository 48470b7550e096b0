import type { DocumentNode, GraphQLFormattedError, OperationDefinitionNode } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from './actor';

import type { Locale } from './messages';

/** One request's SQL statement count, from its first statement to its answer (db/query-counter). */
export interface StatementCount {
  readonly startedAt: number;
  overlapped: boolean;
}

/** What the server's metrics learn of a request once Apollo has run it (graphql/prometheus). */
export interface RequestObserver {
  describe(operation: OperationDefinitionNode | undefined, document: DocumentNode | undefined, errors: readonly GraphQLFormattedError[] | undefined): void;
}

/** What every resolver and service receives first: the caller, the database and per-request loaders. */
export interface Context {
  actor: Actor | null;
  dataSource: DataSource;
  /**
   * What every read and write of the request goes through: the pool's manager, or inside a mutation
   * (`mutation`) its transaction's, so code in a transaction never asks the pool for a second connection.
   */
  db: EntityManager;
  requestId: string;
  /** The client's IP address: the socket's peer, or the address a trusted proxy forwarded. */
  clientAddress: string;
  /** The language of the answer's messages, from Accept-Language (graphql/messages.ts). */
  locale: Locale;
  /** Per-request instances, keyed by the factory that makes them (see `loader`). */
  loaders: Map<unknown, unknown>;
  /** The request's SQL statement count (HTTP requests). */
  statements?: StatementCount;
  /** The request as the server's metrics count it (HTTP requests). */
  observation?: RequestObserver;
}

/** The per-request instance that `factory` makes; a loader never outlives its request. */
export function loader<T>(ctx: Context, factory: (ctx: Context) => T): T {
  let instance = ctx.loaders.get(factory) as T | undefined;
  if (instance === undefined) {
    instance = factory(ctx);
    ctx.loaders.set(factory, instance);
  }
  return instance;
}
