import crypto from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { logger } from '../config/logger';
import { beginCounting, endCounting, statementsSince } from '../db/query-counter';
import type { StatementCount } from '../kernel/context';
import { sharedCaches } from '../db/shared-cache';
import type { Context } from '../kernel/context';
import { boardSheet, contentDisposition, noticeSheet, toCsv, toXlsx, type Sheet } from '../desk/desk.exports';
import { AppError, BadUserInputError, NotFoundError, ServiceUnavailableError, UnauthenticatedError } from '../kernel/errors';
import { compiledExecution } from '../graphql/executor';
import { errorInLocale, errorLanguagePlugin, formatError } from '../graphql/format-error';
import { english, inLocale, preferredLocale, text, type Locale } from '../kernel/messages';
import { clientAddressOf } from '../graphql/client-address';
import { corsGate } from '../graphql/cors';
import { explorerRoutes } from '../graphql/explorer';
import { drainable } from '../graphql/drain';
import { addVary, graphqlHttpHandler } from '../graphql/http';
import { costLimitPlugin, documentLimitRules, MAX_QUERY_SELECTIONS } from '../graphql/limits';
import { costBudget } from '../graphql/rate-limit';
import { inputCheckPlugin } from '../graphql/inputs';
import { serviceUnavailablePlugin, unavailableIfOutage } from '../graphql/unavailable';
import { ServerMetrics, type RequestObservation } from '../graphql/prometheus';
import { databaseAvailability } from '../db/availability';
import { RETRY_AFTER_SECONDS } from '../kernel/errors';
import { buildApiSchema } from './schema';
import { BoardOrder } from '../targets/target.types';
import { userService } from '../users/user.service';

// Enough for a CSV import at its row limit (20,000 people with every column filled is about 3 MB).
const MAX_BODY = '4mb';

export interface Server {
  httpServer: http.Server;
  /** The listener of `/metrics` when it has one of its own (`METRICS_PORT`): call `listen` on it too. */
  metricsServer: http.Server | null;
  /** Stops taking requests, lets in-flight ones finish, then resolves. */
  stop(): Promise<void>;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

// One JSON log line per operation; outside production the response also says how many SQL statements it took.
function requestLogPlugin(exposeStatementCount: boolean): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ request, response, errors }) {
          const statements = contextValue.statements ? statementsSince(contextValue.statements) : null;
          if (exposeStatementCount && response.body.kind === 'single' && statements !== null) {
            response.body.singleResult.extensions = { ...response.body.singleResult.extensions, sqlStatements: statements };
          }
          logger().info(
            {
              requestId: contextValue.requestId,
              user: contextValue.actor?.username ?? null,
              operation: request.operationName ?? null,
              ms: Number(process.hrtime.bigint() - started) / 1e6,
              sqlStatements: statements,
              errors: errors?.map((e) => e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'),
            },
            'graphql',
          );
        },
      };
    },
  };
}

/**
 * Drops a request's loaders, and all they read, as soon as its answer is ready. Apollo Server's gateway
 * path (graphql/executor.ts) gives every request an object with accessors of its own, and the
 * young-generation collector keeps everything such an object reaches until the next full collection:
 * without this, each county's towns, their figures and rankings would be copied out of the young
 * generation by every minor collection, at up to 5 ms a time.
 */
function releaseLoadersPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          contextValue.loaders.clear();
        },
      };
    },
  };
}

/** The context of a request: its id, the caller from the bearer token (if any), fresh loaders. */
async function requestContext(
  dataSource: DataSource,
  authorization: string | undefined,
  requestId: string,
  clientAddress: string,
  locale: Locale,
  statements?: StatementCount,
  observation?: RequestObservation,
): Promise<Context> {
  const ctx: Context = { actor: null, dataSource, db: dataSource.manager, requestId, clientAddress, locale, loaders: new Map(), statements, observation };
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new UnauthenticatedError(text('BEARER_FORMAT'));
    try {
      ctx.actor = await userService.authenticate(ctx, match[1]);
    } catch (error) {
      // Apollo answers a failed context 500 unless the error names its own status.
      throw unavailableIfOutage(error);
    }
  }
  return ctx;
}

/** The response says in which language its messages are, and that Accept-Language chose it. */
function answersIn(res: http.ServerResponse, locale: Locale): void {
  res.setHeader('content-language', locale);
  addVary(res, 'Accept-Language');
}

/** The request's id: the caller's `x-request-id` when it is a sane one, a new one otherwise. */
function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

const DOWNLOAD_STATUS: Partial<Record<string, number>> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, BAD_USER_INPUT: 400, LIMIT_EXCEEDED: 400, SERVICE_UNAVAILABLE: 503 };
const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Answers a download as CSV or XLSX, or a refusal as JSON with its code, as the API would. */
async function download(dataSource: DataSource, trustedProxies: readonly string[], req: express.Request, res: express.Response, format: string | undefined, sheetOf: (ctx: Context) => Promise<Sheet>) {
  res.locals.requestId = requestIdOf(req.headers['x-request-id']);
  res.setHeader('x-request-id', res.locals.requestId as string);
  const locale = preferredLocale(req.headers['accept-language']);
  try {
    if (format === undefined) throw new NotFoundError(text('THIS_DOWNLOAD'));
    const ctx = await requestContext(dataSource, req.header('authorization'), res.locals.requestId as string, clientAddressOf(req, trustedProxies), locale);
    if (!ctx.actor) throw new UnauthenticatedError();
    const sheet = await sheetOf(ctx);
    const body = format === 'csv' ? toCsv(sheet) : await toXlsx(sheet);
    res.setHeader('content-type', CONTENT_TYPES[format]);
    res.setHeader('content-disposition', contentDisposition(sheet, format));
    res.setHeader('cache-control', 'no-store');
    res.send(body);
    logger().info({ requestId: res.locals.requestId, user: ctx.actor.username, path: req.path }, 'download');
  } catch (caught) {
    const error = unavailableIfOutage(caught);
    const code = error instanceof AppError ? (error.extensions.code as string) : 'INTERNAL_SERVER_ERROR';
    if (!(error instanceof AppError)) logger().error({ err: error, requestId: res.locals.requestId, path: req.path }, 'download failed');
    const message = error instanceof AppError ? error.message : english(text('INTERNAL'));
    const extra = error instanceof BadUserInputError ? { field: error.field } : error instanceof ServiceUnavailableError ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {};
    if (error instanceof ServiceUnavailableError) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    answersIn(res, locale);
    const said = error instanceof AppError ? error.text : text('INTERNAL');
    const refusal = inLocale({ message, extensions: { code, ...extra } }, said, locale);
    res.status(DOWNLOAD_STATUS[code] ?? 500).json({ errors: [refusal] });
  }
}

/**
 * Where `/metrics` is served: on a listener of its own when METRICS_PORT is set; else on the main port
 * outside production, or in production when METRICS_TOKEN guards it; else nowhere.
 */
function metricsListener(metrics: ServerMetrics, cfg: Config): { onMainPort: boolean; server: http.Server | null } {
  if (cfg.metricsPort !== null) {
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '').split('?', 1)[0];
      if (path === '/metrics' && (req.method === 'GET' || req.method === 'HEAD')) void metrics.answer(req, res, cfg.metricsToken);
      else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Not found\n');
      }
    });
    return { onMainPort: false, server };
  }
  return { onMainPort: !cfg.production || cfg.metricsToken !== null, server: null };
}

/** Apollo Server, with the document limits, the plugins and the error formatting of the API. */
function apolloServer(schema: Awaited<ReturnType<typeof buildApiSchema>>, cfg: Config, metrics: ServerMetrics): ApolloServer<Context> {
  return new ApolloServer<Context>({
    gateway: compiledExecution(schema),
    // The explorer reads the schema by introspection: turning it on in production turns that on too.
    introspection: !cfg.production || cfg.explorer,
    // A request a browser sends cross-site without a preflight (GET, or a form's content type) is refused
    // unless it names a header only a preflighted request may send; graphql/cors.ts decides who may preflight.
    csrfPrevention: true,
    includeStacktraceInErrorResponses: !cfg.production,
    // Where the schema is not shown, validation errors do not suggest its names either ("Did you mean").
    hideSchemaDetailsFromClientErrors: cfg.production,
    // A document is refused while it is parsed once it has too many tokens; the rules below run only on
    // a document the specification's rules accepted (Apollo runs them after maxRecursiveSelections).
    parseOptions: { maxTokens: cfg.maxQueryTokens },
    maxRecursiveSelections: MAX_QUERY_SELECTIONS,
    validationRules: documentLimitRules(cfg.maxQueryDepth),
    formatError,
    // main.ts owns SIGTERM/SIGINT: drain HTTP, then close the database, then exit.
    stopOnTerminationSignals: false,
    plugins: [
      inputCheckPlugin(),
      costLimitPlugin(schema, cfg.maxQueryCost, costBudget(cfg.rateLimitCost, cfg.rateLimitWindowSeconds)),
      requestLogPlugin(!cfg.production),
      metrics.plugin(),
      releaseLoadersPlugin(),
      errorLanguagePlugin(),
      serviceUnavailablePlugin(),
      // Figures are live and per caller: no HTTP cache hints; and no tracing or reporting to Apollo's
      // cloud. Each of these would otherwise hook into every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      // Apollo's landing page loads its code from Apollo's CDN; the explorer (graphql/explorer.ts) is served from here.
      ApolloServerPluginLandingPageDisabled(),
    ],
  });
}

/** /live, /health and /ready: the probes of the process, its database, and whether to send it traffic. */
function probeRoutes(app: express.Express, dataSource: DataSource, draining: () => boolean): void {
  // The process is up (a liveness probe: restarting it would not bring the database back).
  app.get('/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // The process and its database: 503 while the database is unreachable.
  app.get('/health', async (_req, res) => {
    if (await databaseAvailability.check()) {
      res.json({ status: 'ok', database: 'ok' });
      return;
    }
    res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
    res.status(503).json({ status: 'unavailable', database: 'unreachable', downSince: databaseAvailability.downSince()?.toISOString() });
  });
  // Whether to send this server traffic: the database answers and the server is not draining.
  app.get('/ready', async (_req, res) => {
    if (draining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ready' });
    } catch (error) {
      if (!(unavailableIfOutage(error) instanceof ServiceUnavailableError)) logger().warn({ err: error }, 'readiness check failed');
      res.status(503).json({ status: 'database unavailable' });
    }
  });
}

/** /graphql: the request's id, language, statement count and metrics observation around Apollo's handler. */
function graphqlRoute(apollo: ApolloServer<Context>, dataSource: DataSource, cfg: Config, metrics: ServerMetrics): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const apolloHttp = graphqlHttpHandler(apollo, MAX_BODY);
  return (req, res) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const locale = preferredLocale(req.headers['accept-language']);
    answersIn(res, locale);
    const statements = beginCounting();
    res.once('finish', () => endCounting(statements));
    res.once('close', () => endCounting(statements));
    const observation = metrics.observe(res);
    // Apollo answers a failed context without plugins: its error is put in the request's language here.
    apolloHttp(req, res, () =>
      requestContext(dataSource, req.headers.authorization, requestId, clientAddressOf(req, cfg.trustedProxies), locale, statements, observation).catch((error: unknown) => {
        throw errorInLocale(error, locale);
      }),
    );
  };
}

/** Downloads of a board or a notice, for offices that work in spreadsheets: the same services and checks as the API. */
function exportRoutes(app: express.Express, dataSource: DataSource, cfg: Config): void {
  app.get('/exports/targets/:id/:file', (req, res) => {
    const format = /^board\.(csv|xlsx)$/.exec(req.params.file)?.[1];
    const order = typeof req.query.order === 'string' ? req.query.order : null;
    const asOf = typeof req.query.asOf === 'string' ? req.query.asOf : null;
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => {
      if (order !== null && !(Object.values(BoardOrder) as string[]).includes(order)) throw new BadUserInputError('order', `must be one of ${Object.values(BoardOrder).join(', ')}`);
      return boardSheet(ctx, req.params.id, asOf, order as BoardOrder | null);
    });
  });
  app.get('/exports/notices/:file', (req, res) => {
    const [, id, format] = /^(\d{1,10})\.(csv|xlsx)$/.exec(req.params.file) ?? [];
    void download(dataSource, cfg.trustedProxies, req, res, format, (ctx) => noticeSheet(ctx, id));
  });
}

/** Builds the HTTP server: /graphql, /exports, /explorer, /live, /health, /ready and /metrics. Call `listen` on `httpServer` (and `metricsServer`). */
export async function createServer(dataSource: DataSource, cfg: Config): Promise<Server> {
  const schema = await buildApiSchema();
  // The tree and signed-in users are cached while this server hears of every change to them.
  const cacheListener = await sharedCaches(dataSource).listen(dataSource);
  const app = express();
  app.disable('x-powered-by');
  // /graphql is served by Node's HTTP server and Apollo alone; everything else by the application.
  let graphql: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;
  const cors = corsGate(cfg.corsOrigins);
  const explorer = cfg.explorer ? explorerRoutes() : null;
  const httpServer = http.createServer((req, res) => {
    // Cross-origin preflights are answered before any route, for the API and its downloads alike.
    if (cors(req, res)) return;
    if (explorer?.(req, res)) return;
    const url = req.url ?? '';
    if (graphql && url.startsWith('/graphql') && (url.length === 8 || url[8] === '?')) graphql(req, res);
    else app(req, res);
  });
  const drain = drainable(httpServer);
  let draining = false;
  const metrics = new ServerMetrics(dataSource);
  const metricsAt = metricsListener(metrics, cfg);

  const apollo = apolloServer(schema, cfg, metrics);
  await apollo.start();

  // While the database is down, a probe every second notices when it is back.
  databaseAvailability.probeWith(() => dataSource.query('SELECT 1'));
  probeRoutes(app, dataSource, () => draining);
  graphql = graphqlRoute(apollo, dataSource, cfg, metrics);

  // Prometheus's scrape: off the public port in production unless a token guards it (docs/metrics.md).
  if (metricsAt.onMainPort) {
    app.get('/metrics', (req, res) => {
      void metrics.answer(req, res, cfg.metricsToken);
    });
  }
  exportRoutes(app, dataSource, cfg);

  return {
    httpServer,
    metricsServer: metricsAt.server,
    async stop() {
      draining = true;
      const metricsClosed = metricsAt.server?.listening ? new Promise((resolve) => metricsAt.server!.close(resolve)) : null;
      metricsAt.server?.closeAllConnections();
      await drain.stop(cfg.shutdownGraceMs);
      await metricsClosed;
      await apollo.stop();
      await cacheListener.stop();
    },
  };
}
