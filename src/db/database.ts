import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { logger } from '../config/logger';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';
import { prepareAppRole } from './roles';

export interface Database {
  /** The owner's connection: migrations, demo data, imports and rebuilds. */
  dataSource: DataSource;
  /** With `serve`: the pool the server's requests use, connected as the application role. */
  app: DataSource | null;
  /** Set when no DATABASE_URL was given and this process runs the embedded cluster. */
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  statementTimeoutMs?: number;
  poolSize?: number;
  applicationName?: string;
  /** Also open the server's pool as the application role, whose password derives from `secret` (the token secret). */
  serve?: { secret: string };
}

/**
 * Connects to DATABASE_URL, or starts the embedded cluster under the data directory, and applies
 * pending migrations as the owner; with `serve`, grants the application role its rights and opens
 * the server's pool as that role (docs/database-roles.md).
 */
export async function openDatabase(cfg: Config, options: OpenOptions = {}): Promise<Database> {
  const embedded = cfg.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: cfg.dataDir, port: cfg.embeddedPgPort, persistent: true });
  if (embedded) logger().info({ clusterDir: embedded.clusterDir, port: embedded.port }, 'embedded database running');
  const pool = {
    poolSize: options.poolSize ?? cfg.dbPoolSize,
    statementTimeoutMs: options.statementTimeoutMs ?? cfg.statementTimeoutMs,
    applicationName: options.applicationName,
  };
  // Named apart while serving, so that the owner's connections stand out from the requests' ones.
  const dataSource = createDataSource({ ...pool, url: cfg.databaseUrl ?? embedded!.url, applicationName: options.applicationName ?? (options.serve ? 'yiyang-owner' : undefined) });
  let app: DataSource | null = null;
  const close = async () => {
    if (app?.isInitialized) await app.destroy();
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  };
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger().info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
    if (options.serve) {
      app = createDataSource({ ...pool, url: await prepareAppRole(dataSource, { configured: cfg.appDatabaseUrl, secret: options.serve.secret }) });
      await app.initialize();
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { dataSource, app, embedded, close };
}
