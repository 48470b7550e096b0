import { spawn } from 'node:child_process';
import http from 'node:http';
import { freePort } from '../../src/db/embedded-port';
import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { TEST_TOKEN_SECRET, useHarness } from '../support/harness';
import { eventually, ROOT, tsNodeArgs, waitForReady } from '../support/processes';

const h = useHarness();

interface Reply {
  status: number;
  connection: string | undefined;
  reusedSocket: boolean;
}

/** GET `url` through `agent` (false: on a new connection). */
function get(url: string, agent: http.Agent | false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, reusedSocket: req.reusedSocket }));
    });
    req.once('error', reject);
  });
}


describe('the server process', () => {
  it('on SIGTERM finishes the request in flight, answers requests on open connections with Connection: close, refuses new connections and exits 0', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, tsNodeArgs('src/main.ts'), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: h.databaseUrl,
        // The harness's secret: the process then keys the application role as the harness did.
        JWT_SECRET: TEST_TOKEN_SECRET,
        PORT: String(port),
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    try {
      await waitForReady(url);
      // A client that keeps its connection open between requests.
      const keptAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      expect(await get(`${url}/health`, keptAlive)).toMatchObject({ status: 200, connection: 'keep-alive', reusedSocket: false });
      const login = await (
        await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation { login(username: "${user.username}", password: "${TEST_PASSWORD}") { token } }` }),
        })
      ).json();
      const token = (login as any).data.login.token;

      // Hold the tree locked so that the next request is in flight when SIGTERM arrives.
      const lock = h.db.createQueryRunner();
      await lock.startTransaction();
      await lock.query('LOCK TABLE jurisdiction IN ACCESS EXCLUSIVE MODE');
      const inFlight = fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ jurisdiction(code: "321012") { name } }' }),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      server.kill('SIGTERM');
      await eventually('new connections to be refused', () => get(`${url}/health`, false).then(() => false, () => true));
      // A request on a connection opened before the stop is answered, and told that the connection closes.
      expect(await get(`${url}/health`, keptAlive)).toEqual({ status: 200, connection: 'close', reusedSocket: true });
      keptAlive.destroy();
      await lock.rollbackTransaction();
      await lock.release();

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { jurisdiction: { name: '江都区' } } });
      expect(await exited).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 120_000);
});
