import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-port';

/** The checkout, where child processes run. */
export const ROOT = path.join(__dirname, '..', '..');

/** `node` arguments that run a TypeScript file of the project directly. */
export function tsNodeArgs(file: string, ...args: string[]): string[] {
  return ['-r', 'ts-node/register/transpile-only', path.join(ROOT, file), ...args];
}

/** Resolves once GET /ready answers 200; fails after 90 s, or at once when `exited` settles first. */
export async function waitForReady(url: string, exited?: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited?.then(() => (gone = true));
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready');
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  /** What the process wrote to stdout so far (JSON log lines). */
  output(): string;
}

/** Starts the real entry point with `env` (PORT is chosen here) and waits until it is ready. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, tsNodeArgs('src/main.ts'), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForReady(url, exited);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return { child, url, exited, output: () => stdout };
}

/** Polls `check` every 200 ms until it returns true; fails after `timeoutMs` saying what it waited for. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
