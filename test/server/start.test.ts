import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded';
import { ROOT, tsNodeArgs, waitForReady } from '../support/processes';



async function gql(url: string, query: string, token?: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

/** Starts the real entry point with no DATABASE_URL: the embedded database under `dataDir`. */
async function startServer(dataDir: string) {
  const port = await freePort();
  const child = spawn(process.execPath, tsNodeArgs('src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(port),
      YIYANG_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url, exited);
  return { child, url, exited, stdout: () => stdout };
}

const LOGIN = `mutation { login(username: "civil-affairs-admin@321012", password: "yiyang-demo") { token } }`;
const JIANGDU = `{ jurisdiction(code: "321012") { name children(first: 50) { totalCount edges { node { code } } } } }`;

describe('the start command on the embedded database', () => {
  it('serves the demo data, stops cleanly on SIGTERM, and keeps the data across a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-start-'));
    fs.chmodSync(dataDir, 0o755);
    try {
      const first = await startServer(dataDir);
      expect(first.stdout()).toContain('Demo logins');
      expect(first.stdout()).toContain('civil-affairs-admin@321012');
      const token = (await gql(first.url, LOGIN)).data.login.token;
      const jiangdu = (await gql(first.url, JIANGDU, token)).data.jurisdiction;
      expect(jiangdu.name).toBe('江都区');
      expect(jiangdu.children.totalCount).toBe(14);
      expect(jiangdu.children.edges).toHaveLength(14);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      expect(fs.existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

      const second = await startServer(dataDir);
      // The token signed before the restart still opens the API: same data, same signing secret.
      expect((await gql(second.url, JIANGDU, token)).data.jurisdiction.children.totalCount).toBe(14);
      const towns = await gql(second.url, `{ jurisdictions(level: TOWN, first: 1) { totalCount } }`, token);
      expect(towns.data.jurisdictions.totalCount).toBe(14);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
