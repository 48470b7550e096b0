import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded-port';
import { clusterDirectory } from '../../src/db/embedded-cluster';
import { eventually, startServerProcess } from '../support/processes';

const LOGIN = `mutation { login(username: "civil-affairs-admin@321012", password: "yiyang-demo") { token } }`;
const JIANGDU = `{ jurisdiction(code: "321012") { name } }`;
const AUDIT_TRAIL = `{ auditTrail(first: 1) { totalCount } }`;

async function post(url: string, query: string, token?: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
}

const postmasterPid = (clusterDir: string) => Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/** Takes `port` on 127.0.0.1 as soon as it is free, so that the database cannot start on it; refuses what connects. */
async function holdPort(port: number): Promise<net.Server> {
  const holder = net.createServer((socket) => socket.resetAndDestroy());
  await eventually(`port ${port} to come free`, () =>
    new Promise<boolean>((resolve) => {
      holder.once('error', () => resolve(false));
      holder.listen(port, '127.0.0.1', () => resolve(true));
    }),
  );
  return holder;
}

describe('the embedded database', () => {
  it('is restarted when its server dies; meanwhile requests answer 503, afterwards they succeed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-restart-'));
    fs.chmodSync(dataDir, 0o755);
    const pgPort = await freePort();
    const server = await startServerProcess({ NODE_ENV: 'development', YIYANG_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'warn' });
    try {
      const token = (await post(server.url, LOGIN)).body.data.login.token;
      expect((await post(server.url, JIANGDU, token)).body.data).toEqual({ jurisdiction: { name: '江都区' } });
      const clusterDir = clusterDirectory(dataDir);
      const killed = postmasterPid(clusterDir);

      process.kill(killed, 'SIGKILL');
      // While this test holds the port, every restart fails: the outage lasts until it lets go.
      const holder = await holdPort(pgPort);
      try {
        await eventually('a request to be refused', async () => (await post(server.url, AUDIT_TRAIL, token)).status === 503);
        const refused = await post(server.url, AUDIT_TRAIL, token);
        expect([refused.status, refused.retryAfter, refused.body.errors[0].extensions]).toEqual([503, '5', expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 })]);
        expect((await fetch(`${server.url}/health`)).status).toBe(503);
        expect((await fetch(`${server.url}/live`)).status).toBe(200);
        await eventually('a second restart attempt', () => server.output().includes('"attempt":2'));
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }

      await eventually('the database to be back', async () => (await fetch(`${server.url}/health`)).status === 200, 120_000);
      expect(postmasterPid(clusterDir)).not.toBe(killed);
      expect((await post(server.url, AUDIT_TRAIL, token)).status).toBe(200);
      expect((await post(server.url, JIANGDU, token)).body.data).toEqual({ jurisdiction: { name: '江都区' } });
      expect(server.output()).toContain('the embedded database server died; restarting it');
      expect(server.output()).not.toContain('unexpected error');

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(fs.existsSync(path.join(clusterDir, 'postmaster.pid'))).toBe(false);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 300_000);
});
