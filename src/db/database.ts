import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { logger } from '../config/logger';
import { createDataSource } from './data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded';

export interface Database {
  dataSource: DataSource;
  /** Set when no DATABASE_URL was given and this process runs the embedded cluster. */
  embedded: EmbeddedDatabase | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  statementTimeoutMs?: number;
  poolSize?: number;
  applicationName?: string;
}

/** Connects to DATABASE_URL, or starts the embedded cluster under the data directory, and applies pending migrations. */
export async function openDatabase(cfg: Config, options: OpenOptions = {}): Promise<Database> {
  const embedded = cfg.databaseUrl
    ? null
    : await startEmbeddedPostgres({ dataDir: cfg.dataDir, port: cfg.embeddedPgPort, persistent: true });
  if (embedded) logger().info({ clusterDir: embedded.clusterDir }, 'embedded database running');
  const dataSource = createDataSource({
    url: cfg.databaseUrl ?? embedded!.url,
    poolSize: options.poolSize ?? cfg.dbPoolSize,
    statementTimeoutMs: options.statementTimeoutMs ?? cfg.statementTimeoutMs,
    applicationName: options.applicationName,
  });
  try {
    await dataSource.initialize();
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (applied.length) logger().info({ migrations: applied.map((m) => m.name) }, 'migrations applied');
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    embedded,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
