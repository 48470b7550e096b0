import crypto from 'node:crypto';
import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type GraphQLFormattedError, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { logger } from '../config/logger';
import { databaseAvailability } from '../db/availability';
import { poolUse } from '../db/pool-stats';
import { sharedCaches } from '../db/shared-cache';
import { transactionSlots } from '../db/transaction';
import type { Context, RequestObserver } from '../kernel/context';

// From a cached read (a few ms) to the statement timeout (10 s by default), in seconds.
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// An outcome is an error code the server itself sets; anything else is counted under one name.
const CODE = /^[A-Z][A-Z_]{0,39}$/;

// A request Apollo never ran (a body too large, a bad token, a malformed request) by its HTTP status.
const OUTCOME_OF_STATUS: Partial<Record<number, string>> = { 400: 'BAD_REQUEST', 401: 'UNAUTHENTICATED', 413: 'LIMIT_EXCEEDED', 429: 'LIMIT_EXCEEDED', 503: 'SERVICE_UNAVAILABLE' };

function outcomeOf(error: GraphQLFormattedError | undefined): string {
  if (!error) return 'OK';
  const code = error.extensions?.code;
  return typeof code === 'string' && CODE.test(code) ? code : 'INTERNAL_SERVER_ERROR';
}

/**
 * The root fields an operation selects, with their response keys, through fragments. Only for an
 * operation Apollo resolved, which passed validation: every name is then the schema's.
 */
function rootFields(operation: OperationDefinitionNode, document: DocumentNode): { field: string; key: string }[] {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])));
  const found: { field: string; key: string }[] = [];
  const visit = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) found.push({ field: selection.name.value, key: selection.alias?.value ?? selection.name.value });
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value) && fragments.has(selection.name.value)) visit(fragments.get(selection.name.value)!, new Set(seen).add(selection.name.value));
    }
  };
  visit(operation.selectionSet, new Set());
  return found;
}

/** One GraphQL request, from its first byte to its answer; what Apollo ran, once it has run it. */
export class RequestObservation implements RequestObserver {
  private readonly started = process.hrtime.bigint();
  private type = 'unknown';
  private outcome: string | null = null;
  private fields: { field: string; outcome: string }[] = [];

  /** What Apollo made of the request: its operation's type and root fields, and the errors of its answer. */
  describe(operation: OperationDefinitionNode | undefined, document: DocumentNode | undefined, errors: readonly GraphQLFormattedError[] | undefined): void {
    this.outcome = outcomeOf(errors?.[0]);
    if (!operation || !document) return;
    this.type = operation.operation;
    // A field's outcome is the first error under its response key, else the first error of the whole request.
    const general = outcomeOf(errors?.find((e) => !e.path?.length));
    const byField = new Map<string, { field: string; outcome: string }>();
    for (const { field, key } of rootFields(operation, document)) {
      const own = errors?.find((e) => e.path?.[0] === key);
      const outcome = own ? outcomeOf(own) : general;
      if (!byField.has(field) || byField.get(field)!.outcome === 'OK') byField.set(field, { field, outcome });
    }
    this.fields = [...byField.values()];
  }

  /** The request's type, outcome, root fields and duration, once its answer is sent (or the client left). */
  end(res: http.ServerResponse): { type: string; outcome: string; fields: { field: string; outcome: string }[]; seconds: number } {
    const seconds = Number(process.hrtime.bigint() - this.started) / 1e9;
    const fallback = res.statusCode < 400 ? 'OK' : (OUTCOME_OF_STATUS[res.statusCode] ?? 'INTERNAL_SERVER_ERROR');
    const outcome = !res.writableFinished ? 'CLIENT_CLOSED' : (this.outcome ?? fallback);
    return { type: this.type, outcome, fields: this.fields, seconds };
  }
}

/**
 * The server's metrics in Prometheus's text format, in a registry of its own (several servers may run
 * in one process): GraphQL requests by operation type, root field and outcome with their latency; the
 * database pool and the request-transaction slots; the caches by region; notices heard by table;
 * whether the database answers; and Node's process metrics. No label carries what a client chose
 * (operation names, arguments) or who the caller is.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'type' | 'outcome'>;
  private readonly requestSeconds: Histogram<'type' | 'outcome'>;
  private readonly fieldSeconds: Histogram<'type' | 'field' | 'outcome'>;

  constructor(dataSource: DataSource) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'yiyang_graphql_requests_total', help: 'GraphQL requests answered, by operation type and outcome (OK or the first error code)', labelNames: ['type', 'outcome'], registers });
    this.requestSeconds = new Histogram({
      name: 'yiyang_graphql_request_duration_seconds',
      help: 'Time from a GraphQL request\'s arrival to its answer, by operation type and outcome',
      labelNames: ['type', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.fieldSeconds = new Histogram({
      name: 'yiyang_graphql_root_field_duration_seconds',
      help: 'Time to answer the GraphQL requests that selected each root field (a request with several counts under each), by operation type, root field and the field\'s outcome',
      labelNames: ['type', 'field', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });

    databasePoolMetrics(registers, dataSource);
    transactionSlotMetrics(registers, dataSource);
    new Gauge({ name: 'yiyang_database_up', help: 'Whether the database answers (1) or is known to be unreachable (0)', registers, collect() { this.set(databaseAvailability.isDown() ? 0 : 1); } });
    cacheMetrics(registers, dataSource);
  }

  /** Starts observing a GraphQL request; it is counted when its response closes. */
  observe(res: http.ServerResponse): RequestObservation {
    const observation = new RequestObservation();
    res.once('close', () => {
      const { type, outcome, fields, seconds } = observation.end(res);
      this.requests.inc({ type, outcome });
      this.requestSeconds.observe({ type, outcome }, seconds);
      for (const field of fields) this.fieldSeconds.observe({ type, field: field.field, outcome: field.outcome }, seconds);
    });
    return observation;
  }

  /** Tells each request's observation (`ctx.observation`) what Apollo made of it. */
  plugin(): ApolloServerPlugin<Context> {
    return {
      async requestDidStart({ contextValue: { observation } }) {
        if (!observation) return;
        return {
          async willSendResponse({ operation, document, response }) {
            observation.describe(operation ?? undefined, document, response.body.kind === 'single' ? response.body.singleResult.errors : undefined);
          },
        };
      },
    };
  }

  /**
   * Answers a scrape: the metrics, or 401 when `token` is set and the request does not carry it as
   * `Authorization: Bearer <token>`.
   */
  async answer(req: http.IncomingMessage, res: http.ServerResponse, token: string | null): Promise<void> {
    if (token !== null && !bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Unauthorized\n');
      return;
    }
    try {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType, 'cache-control': 'no-store' });
      res.end(body);
    } catch (error) {
      logger().error({ err: error }, 'metrics scrape failed');
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Internal server error\n');
    }
  }
}

/** The database pool's connections by state, its waiting callers, and its waits and their time and timeouts. */
function databasePoolMetrics(registers: Registry[], dataSource: DataSource): void {
  const pool = () => poolUse(dataSource);
  new Gauge({
    name: 'yiyang_db_pool_connections',
    help: 'Connections of the database pool, by state (idle, in_use) and the pool\'s maximum (max)',
    labelNames: ['state'],
    registers,
    collect() {
      const use = pool();
      this.set({ state: 'max' }, use?.max ?? 0);
      this.set({ state: 'idle' }, use?.idle ?? 0);
      this.set({ state: 'in_use' }, use ? use.total - use.idle : 0);
    },
  });
  new Gauge({ name: 'yiyang_db_pool_waiting', help: 'Callers waiting now for a connection of the database pool', registers, collect() { this.set(pool()?.waiting ?? 0); } });
  externalCounter(registers, 'yiyang_db_pool_waits_total', 'Callers that found every pooled connection busy and the pool full, and waited', () => pool()?.waits ?? 0);
  externalCounter(registers, 'yiyang_db_pool_wait_seconds_total', 'Time spent waiting for a pooled connection', () => pool()?.waitSeconds ?? 0);
  externalCounter(registers, 'yiyang_db_pool_wait_timeouts_total', 'Waits for a pooled connection that ended with none (answered LIMIT_EXCEEDED)', () => pool()?.timeouts ?? 0);
}

/** The request-transaction slots: how many may run and run now, the waiting ones, their waits and timeouts. */
function transactionSlotMetrics(registers: Registry[], dataSource: DataSource): void {
  const slots = () => transactionSlots(dataSource);
  new Gauge({
    name: 'yiyang_db_transaction_slots',
    help: 'Request transactions (mutations) that may run at once (max) and that run now (in_use)',
    labelNames: ['state'],
    registers,
    collect() {
      this.set({ state: 'max' }, slots().size);
      this.set({ state: 'in_use' }, slots().inUse);
    },
  });
  new Gauge({ name: 'yiyang_db_transaction_slots_waiting', help: 'Request transactions waiting now for a slot', registers, collect() { this.set(slots().queued); } });
  externalCounter(registers, 'yiyang_db_transaction_slot_waits_total', 'Request transactions that found every slot taken and waited', () => slots().waits);
  externalCounter(registers, 'yiyang_db_transaction_slot_timeouts_total', 'Request transactions that gave up waiting for a slot (answered LIMIT_EXCEEDED)', () => slots().timeouts);
}

/** The caches: whether they are in use, and their entries, hits and misses by region and the notices heard by table. */
function cacheMetrics(registers: Registry[], dataSource: DataSource): void {
  const caches = sharedCaches(dataSource);
  new Gauge({ name: 'yiyang_cache_trusted', help: 'Whether the caches are in use (1): their listening connection is up', registers, collect() { this.set(caches.trusted ? 1 : 0); } });
  new Gauge({
    name: 'yiyang_cache_entries',
    help: 'Entries kept now, by cache region',
    labelNames: ['region'],
    registers,
    collect() {
      for (const [region, cache] of caches.regionsByName()) this.set({ region }, cache.size);
    },
  });
  new Counter({
    name: 'yiyang_cache_hits_total',
    help: 'Lookups answered from a cache region, by region',
    labelNames: ['region'],
    registers,
    collect() {
      this.reset();
      for (const [region, cache] of caches.regionsByName()) this.inc({ region }, cache.hits);
    },
  });
  new Counter({
    name: 'yiyang_cache_misses_total',
    help: 'Lookups a cache region could not answer (read from the database), by region',
    labelNames: ['region'],
    registers,
    collect() {
      this.reset();
      for (const [region, cache] of caches.regionsByName()) this.inc({ region }, cache.misses);
    },
  });
  new Counter({
    name: 'yiyang_cache_notices_total',
    help: 'Change notices received from PostgreSQL, by the table they name',
    labelNames: ['table'],
    registers,
    collect() {
      this.reset();
      for (const [table, count] of caches.noticesByTable) this.inc({ table }, count);
    },
  });
}

/** A counter whose value is kept elsewhere and read at each scrape. */
function externalCounter(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function digest(text: string): Buffer {
  return crypto.createHash('sha256').update(text).digest();
}

/** Whether `authorization` is `Bearer <token>`, compared in constant time. */
function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  return crypto.timingSafeEqual(digest(given), digest(token));
}
