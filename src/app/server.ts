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
import { sharedCaches } from '../db/shared-cache';
import type { Context } from '../kernel/context';
import { ServiceUnavailableError } from '../kernel/errors';
import { compiledExecution } from '../graphql/executor';
import { errorInLocale, errorLanguagePlugin, formatError } from '../graphql/format-error';
import { preferredLocale } from '../kernel/messages';
import { clientAddressOf } from '../graphql/client-address';
import { corsGate } from '../graphql/cors';
import { explorerRoutes } from '../graphql/explorer';
import { drainable } from '../graphql/drain';
import { graphqlHttpHandler } from '../graphql/http';
import { costLimitPlugin, documentLimitRules, MAX_QUERY_SELECTIONS } from '../graphql/limits';
import { costBudget } from '../graphql/rate-limit';
import { inputCheckPlugin } from '../graphql/inputs';
import { serviceUnavailablePlugin, unavailableIfOutage } from '../graphql/unavailable';
import { ServerMetrics } from '../graphql/prometheus';
import { databaseAvailability } from '../db/availability';
import { RETRY_AFTER_SECONDS } from '../kernel/errors';
import { exportRoutes } from './downloads';
import { answersIn, requestContext, requestIdOf } from './request-context';
import { buildApiSchema } from './schema';

// Enough for a CSV import at its row limit (20,000 people with every column filled is about 3 MB).
const MAX_BODY = '4mb';

export interface Server {
  httpServer: http.Server;
  /** The listener of `/metrics` when it has one of its own (`METRICS_PORT`): call `listen` on it too. */
  metricsServer: http.Server | null;
  /** Stops taking requests, lets in-flight ones finish, then resolves. */
  stop(): Promise<void>;
}

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
