import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { useHarness } from '../support/harness';
import { eventually, startServerProcess, type ServerProcess } from '../support/processes';
import { TcpProxy } from '../support/tcp-proxy';

const h = useHarness();

// The server under test reaches its database only through a relay the tests cut and restore.
let proxy: TcpProxy;
let server: ServerProcess;

beforeAll(async () => {
  const target = new URL(h.databaseUrl);
  proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  await proxy.open();
  const viaProxy = new URL(h.databaseUrl);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  server = await startServerProcess({
    NODE_ENV: 'production',
    DATABASE_URL: viaProxy.toString(),
    JWT_SECRET: 'outage-test-secret-0123456789-0123456789',
    LOG_LEVEL: 'warn',
  });
}, 120_000);

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await proxy?.close();
});

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

async function post(query: string, variables: Record<string, unknown>, token?: string): Promise<Answer> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

/** A user administrator of 江都区, signed in through the server under test. */
async function signIn(): Promise<string> {
  await smallTree(h.db);
  const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  const login = await post(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: admin.username, p: TEST_PASSWORD });
  return login.body.data.login.token;
}

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`;
const writeOf = (username: string) => ({
  input: { username, password: 'outage-password-1', roles: ['VILLAGE_WORKER'], jurisdictionCode: '321012100001' },
});
// Always read from the database (never from a cache that an outage could leave serving).
const AUDIT_TRAIL = `{ auditTrail(first: 1) { totalCount } }`;

const healthStatus = async () => (await fetch(`${server.url}/health`)).status;
const outageWarnings = () => server.output().split('\n').filter((line) => line.includes('database unreachable')).length;

describe('a database outage', () => {
  it('answers 503 with Retry-After and SERVICE_UNAVAILABLE while the database is unreachable, and serves again once it is back', async () => {
    const token = await signIn();
    expect((await post(AUDIT_TRAIL, {}, token)).status).toBe(200);
    const warningsBefore = outageWarnings();

    await proxy.cut();
    try {
      await eventually('/health to report the outage', async () => (await healthStatus()) === 503);
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toMatchObject({ status: 'unavailable', database: 'unreachable' });
      expect(health.headers.get('retry-after')).toBe('5');
      expect((await fetch(`${server.url}/live`)).status).toBe(200);
      expect((await fetch(`${server.url}/ready`)).status).toBe(503);

      for (const [query, variables] of [[AUDIT_TRAIL, {}], [CREATE_USER, writeOf('during-outage')]] as const) {
        const answer = await post(query, variables, token);
        expect(answer.status).toBe(503);
        expect(answer.retryAfter).toBe('5');
        expect(answer.body.errors).toEqual([
          expect.objectContaining({ message: 'The database is unreachable; try again shortly', extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5 } }),
        ]);
      }
      // Signing in and an export need the database too.
      const login = await post(`mutation { login(username: "nobody", password: "whatever-password") { token } }`, {});
      expect([login.status, login.body.errors[0].extensions.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      const download = await fetch(`${server.url}/exports/notices/1.csv`, { headers: { authorization: `Bearer ${token}` } });
      expect(download.status).toBe(503);
      expect(download.headers.get('retry-after')).toBe('5');
    } finally {
      await proxy.open();
    }

    await eventually('/health to pass again', async () => (await healthStatus()) === 200);
    expect((await post(AUDIT_TRAIL, {}, token)).status).toBe(200);
    const created = await post(CREATE_USER, writeOf('after-outage'), token);
    expect(created.body.data).toEqual({ createUser: { username: 'after-outage' } });
    // One warning for the outage, however many requests failed during it; no request logged as a bug.
    expect(outageWarnings() - warningsBefore).toBe(1);
    expect(server.output()).not.toContain('unexpected error');
  }, 180_000);

  it('loses no acknowledged write across a cut and a recovery', async () => {
    const token = await signIn();
    const answers: { username: string; answer: Answer }[] = [];
    let stop = false;
    const writer = (async () => {
      for (let n = 0; !stop; n++) {
        const username = `writer-${n}`;
        answers.push({ username, answer: await post(CREATE_USER, writeOf(username), token) });
      }
    })();
    const acknowledged = () => answers.filter(({ answer }) => answer.status === 200 && answer.body.data?.createUser);
    const refused = () => answers.filter(({ answer }) => answer.status === 503);

    try {
      await eventually('writes before the cut', () => acknowledged().length >= 5);
      await proxy.cut();
      try {
        await eventually('writes refused during the cut', () => refused().length >= 5);
      } finally {
        await proxy.open();
      }
      const before = acknowledged().length;
      await eventually('writes after the recovery', () => acknowledged().length >= before + 5);
    } finally {
      stop = true;
      await writer;
    }

    // Every answer is a success or a 503 that says so: never a generic error.
    for (const { answer } of answers) {
      if (answer.status === 200 && !answer.body.errors) continue;
      expect(answer.status).toBe(503);
      expect(answer.retryAfter).toBe('5');
      expect(answer.body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    }
    const stored = new Set((await h.db.query(`SELECT username FROM app_user`)).map((row: { username: string }) => row.username));
    const lost = acknowledged().filter(({ username }) => !stored.has(username));
    expect(lost).toEqual([]);
    // A refused write whose outcome is known was not applied.
    const applied = refused().filter(({ username, answer }) => stored.has(username) && answer.body.errors[0].extensions.outcome !== 'UNKNOWN');
    expect(applied).toEqual([]);
  }, 180_000);

  it('answers outcome UNKNOWN, and records no failure, when the answer to a commit is lost', async () => {
    const token = await signIn();
    const lost = proxy.loseAnswerAfter('COMMIT\0');
    const answer = await post(CREATE_USER, writeOf('committed-unheard'), token);
    expect(answer.status).toBe(503);
    await lost;
    expect(answer.retryAfter).toBe('5');
    expect(answer.body.errors[0].extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 5, outcome: 'UNKNOWN' });
    // The commit reached PostgreSQL: the change is there, so the client was right not to assume failure.
    await eventually('the committed user to be visible', async () => (await h.db.query(`SELECT 1 FROM app_user WHERE username = 'committed-unheard'`)).length === 1);
    const failures = await h.db.query(`SELECT 1 FROM audit_entry WHERE action = 'createUser' AND outcome = 'FAILURE'`);
    expect(failures).toEqual([]);
    // Only that connection was lost: the server goes on.
    expect((await post(AUDIT_TRAIL, {}, token)).status).toBe(200);
  }, 120_000);
});
