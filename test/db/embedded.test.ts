import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-port';
import { ROOT, tsNodeArgs } from '../support/processes';


function run(args: string[]): { child: ChildProcess; output: Promise<string>; firstLine: Promise<string> } {
  const child = spawn(process.execPath, tsNodeArgs('test/support/embedded-child.ts', ...args), { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'silent' } });
  let out = '';
  let err = '';
  let onLine: (line: string) => void = () => {};
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  child.stdout!.on('data', (chunk) => {
    out += chunk;
    if (out.includes('\n')) onLine(out.split('\n')[0]);
  });
  child.stderr!.on('data', (chunk) => (err += chunk));
  const output = new Promise<string>((resolve, reject) =>
    child.on('exit', (code) => (code === 0 || code === null ? resolve(out) : reject(new Error(`exit ${code}: ${err}`)))),
  );
  return { child, output, firstLine };
}

describe('embedded PostgreSQL', () => {
  it('keeps data across a hard kill of the process that ran it, and starts again on the same folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-embedded-'));
    fs.chmodSync(dataDir, 0o755);
    const writer = run(['write', dataDir, String(await freePort())]);
    expect(await writer.firstLine).toBe('ready');
    writer.child.kill('SIGKILL');
    await writer.output.catch(() => undefined);

    // A new process on another port: it must stop the orphaned server and start the cluster again.
    const reader = run(['read', dataDir, String(await freePort())]);
    const notes = JSON.parse((await reader.output).trim());
    expect(notes).toEqual([`written by ${writer.child.pid}`]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);
});
