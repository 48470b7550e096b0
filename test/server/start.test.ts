import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { freePort } from '../../src/db/embedded-port';
import { ROOT, startServerProcess, tsNodeArgs, waitForReady, type ServerProcess } from '../support/processes';

function signs(token: string, key: string): boolean {
  try {
    jwt.verify(token, key, { algorithms: ['HS256'] });
    return true;
  } catch {
    return false;
  }
}

/** Every string of 32 characters or more stored in a table of the database: text, arrays of text and JSON leaves. */
async function storedStrings(client: Client): Promise<string[]> {
  const { rows: columns } = await client.query(
    `SELECT format('%I.%I', c.table_schema, c.table_name) AS tbl, quote_ident(c.column_name) AS col, c.data_type AS type, c.udt_name AS udt
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
       AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') OR c.udt_name IN ('_text', '_varchar'))`,
  );
  expect(columns.length).toBeGreaterThan(20);
  const found: string[] = [];
  for (const { tbl, col, type, udt } of columns) {
    const values =
      type === 'json' || type === 'jsonb'
        ? `SELECT jsonb_path_query(${col}::jsonb, 'strict $.**') #>> '{}' AS v FROM ${tbl}`
        : udt.startsWith('_')
          ? `SELECT unnest(${col})::text AS v FROM ${tbl}`
          : `SELECT ${col}::text AS v FROM ${tbl}`;
    const { rows } = await client.query(`SELECT DISTINCT v FROM (${values}) s WHERE length(v) >= 32`);
    found.push(...rows.map((row) => row.v as string));
  }
  return found;
}

async function gql(url: string, query: string, token?: string): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return response.json();
}

// Servers a failed test leaves running are stopped (with their cluster) before its folder goes.
const running = new Set<Promise<unknown>>();
const stopOnFailure: (() => void)[] = [];

/** Starts the real entry point with no DATABASE_URL: the embedded database under `dataDir`. */
async function startServer(dataDir: string) {
  const port = await freePort();
  const pgPort = await freePort();
  const child = spawn(process.execPath, tsNodeArgs('src/main.ts'), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      PORT: String(port),
      YIYANG_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(pgPort),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  running.add(exited);
  void exited.then(() => running.delete(exited));
  stopOnFailure.push(() => child.kill('SIGTERM'));
  const url = `http://127.0.0.1:${port}`;
  await waitForReady(url, exited);
  return { child, url, exited, stdout: () => stdout, pgPort };
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

      // The running cluster, as its superuser (shared with the server, not started again).
      const cluster = spawnSync(process.execPath, tsNodeArgs('test/support/embedded-url.ts', dataDir, String(first.pgPort)), { cwd: ROOT, encoding: 'utf8' });
      expect(cluster.status).toBe(0);
      const admin = new Client({ connectionString: cluster.stdout.trim() });
      await admin.connect();
      try {
        // Requests run as the application role; the superuser only migrated and loaded the demo data.
        const serving = await admin.query(
          `SELECT DISTINCT a.usename AS role, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
           WHERE a.datname = current_database() AND a.application_name IN ('yiyang', 'yiyang-cache-listener')`,
        );
        expect(serving.rows).toEqual([{ role: 'yiyang_app', rolsuper: false }]);
        // The token's signing secret is in no table, but in a file of the data directory that only its owner may read.
        expect((await storedStrings(admin)).filter((value) => signs(token, value))).toEqual([]);
        const secretFile = path.join(dataDir, 'token-secret');
        expect(fs.statSync(secretFile).mode & 0o777).toBe(0o600);
        expect(signs(token, fs.readFileSync(secretFile, 'utf8'))).toBe(true);
      } finally {
        await admin.end();
      }
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
      for (const stop of stopOnFailure.splice(0)) stop();
      await Promise.all(running);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('two checkouts on one machine, nothing set', () => {
  it('each chooses and keeps its own port; they run side by side, and a command finds its checkout\'s running cluster', async () => {
    const dataDirs = [0, 1].map(() => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-side-'));
      fs.chmodSync(dataDir, 0o755);
      return dataDir;
    });
    const servers: ServerProcess[] = [];
    const recordedPort = (dataDir: string) => JSON.parse(fs.readFileSync(path.join(dataDir, 'embedded-pg.json'), 'utf8')).port as number;
    try {
      for (const dataDir of dataDirs) servers.push(await startServerProcess({ NODE_ENV: 'development', YIYANG_DATA_DIR: dataDir, LOG_LEVEL: 'info' }));
      const ports = dataDirs.map(recordedPort);
      expect(ports[0]).not.toBe(ports[1]);
      // The first log line says which port the checkout's cluster uses.
      expect(servers.map((server) => JSON.parse(server.output().split('\n')[0]))).toEqual(
        ports.map((port) => expect.objectContaining({ msg: 'starting the embedded database', port })),
      );
      for (const server of servers) {
        const token = (await gql(server.url, LOGIN)).data.login.token;
        expect((await gql(server.url, JIANGDU, token)).data.jurisdiction.children.totalCount).toBe(14);
      }

      // An import with only the data directory (as `npm run import:divisions` in that checkout) works on the server's database.
      const imported = spawnSync(process.execPath, tsNodeArgs('src/cli/import-divisions.ts', '--under', '321012'), {
        cwd: ROOT,
        env: { PATH: process.env.PATH, YIYANG_DATA_DIR: dataDirs[0], LOG_LEVEL: 'silent' },
        encoding: 'utf8',
      });
      // stderr carries the command's progress only: its stages, each done, the last the commit.
      expect(imported.status).toBe(0);
      expect(imported.stderr.trim().split('\n').filter((line) => !/: (started|done\b|\d+\/\d+$)/.test(line))).toEqual([]);
      expect(imported.stderr.trim().split('\n').at(-1)).toMatch(/^commit: done/);
      expect(JSON.parse(imported.stdout)).toMatchObject({ under: '321012', inserted: 0, unchanged: 354 });

      // Stopped and started again, a checkout keeps its port.
      servers[0].child.kill('SIGTERM');
      expect(await servers[0].exited).toBe(0);
      servers[0] = await startServerProcess({ NODE_ENV: 'development', YIYANG_DATA_DIR: dataDirs[0], LOG_LEVEL: 'info' });
      expect(JSON.parse(servers[0].output().split('\n')[0]).port).toBe(ports[0]);
    } finally {
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
      for (const dataDir of dataDirs) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
