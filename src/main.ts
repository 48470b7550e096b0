import 'reflect-metadata';
import { ConfigError, loadConfig, setConfig } from './config';
import { logger } from './config/logger';
import { openDatabase } from './db/database';
import { createServer } from './app/server';
import { configureTokens, signingSecret } from './users/token';
import { DEMO_PASSWORD, seedDemo } from '../seeds/demo';

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  setConfig(cfg);
  const log = logger();
  const secret = signingSecret(cfg);
  configureTokens({ secret, ttlSeconds: cfg.tokenTtlSeconds });
  // The owner migrates and loads the demo data; requests run as the application role.
  const database = await openDatabase(cfg, { serve: { secret } });

  const demo = cfg.production ? null : await seedDemo(database.dataSource);
  if (demo?.seeded) log.info('demo data loaded: Jiangsu (32) and one demo user per role');

  const server = await createServer(database.app!, cfg);
  await new Promise<void>((resolve) => server.httpServer.listen(cfg.port, resolve));
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : cfg.port;
  if (server.metricsServer) {
    const metricsServer = server.metricsServer;
    await new Promise<void>((resolve) => metricsServer.listen(cfg.metricsPort!, cfg.metricsHost, resolve));
    const host = cfg.metricsHost.includes(':') ? `[${cfg.metricsHost}]` : cfg.metricsHost;
    log.info({ endpoint: `http://${host}:${cfg.metricsPort}/metrics` }, 'metrics');
  } else if (cfg.production && !cfg.metricsToken) {
    log.info('metrics are not served: set METRICS_PORT or METRICS_TOKEN (docs/metrics.md)');
  }
  log.info({ endpoint: `http://localhost:${port}/graphql` }, 'ready');
  if (demo) {
    process.stdout.write(
      [
        '',
        `Yiyang GraphQL API: http://localhost:${port}/graphql`,
        `Demo logins (demo data only), password "${DEMO_PASSWORD}":`,
        ...demo.usernames.map((u) => `  ${u}`),
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'draining in-flight requests');
    const timer = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, cfg.shutdownGraceMs + 15_000);
    timer.unref();
    try {
      await server.stop();
      await database.close();
      log.info('stopped');
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    logger().fatal({ err: error }, 'start-up failed');
  }
  process.exit(1);
});
