import { spawn } from 'node:child_process';
import { Client } from 'pg';
import { Role } from '../../src/kernel/actor';
import { ConfigError } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { prepareAppRole } from '../../src/db/roles';
import { createUser, smallTree, TEST_PASSWORD } from '../support/factories';
import { freePort } from '../../src/db/embedded-port';
import { TEST_TOKEN_SECRET, useHarness } from '../support/harness';
import { ROOT, tsNodeArgs, waitForReady } from '../support/processes';

const h = useHarness();

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;

// Each is a way to rewrite or hide the trail, or to make something that could.
const FORBIDDEN = [
  'TRUNCATE audit_entry',
  'DELETE FROM audit_entry',
  `UPDATE audit_entry SET outcome = 'SUCCESS'`,
  'ALTER TABLE audit_entry DISABLE TRIGGER ALL',
  'DROP TRIGGER audit_entry_immutable ON audit_entry',
  'SET session_replication_role = replica',
  'DROP TABLE audit_entry',
  'CREATE TABLE x ()',
  'CREATE SCHEMA x',
  'CREATE OR REPLACE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$',
  `DELETE FROM migrations`,
];

async function trail(): Promise<unknown[]> {
  return h.db.query(`SELECT id, action, actor_username, outcome FROM audit_entry ORDER BY id`);
}

describe('the role the server runs as', () => {
  beforeEach(async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    // Through the API: one entry for a success, one for a refusal.
    expect((await h.gql(LOGIN, { u: user.username, p: TEST_PASSWORD })).data.login.token).toEqual(expect.any(String));
    expect((await h.gql(LOGIN, { u: user.username, p: 'wrong-password-1' })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('is an ordinary role: no superuser, and the owner of nothing', async () => {
    const [me] = await h.app.query(
      `SELECT current_user AS role, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb
       FROM pg_roles WHERE rolname = current_user`,
    );
    const [owner] = await h.db.query(`SELECT current_user AS role`);
    expect(me).toEqual({ role: expect.any(String), rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
    expect(me.role).not.toBe(owner.role);
    const owned = await h.db.query(
      `SELECT c.relname FROM pg_class c WHERE pg_has_role($1, c.relowner, 'MEMBER') AND c.relnamespace = 'public'::regnamespace`,
      [me.role],
    );
    expect(owned).toEqual([]);
  });

  it.each(FORBIDDEN)('may not %s', async (statement) => {
    const before = await trail();
    expect(before).toHaveLength(2);
    await expect(h.app.query(statement)).rejects.toMatchObject({ code: '42501' });
    expect(await trail()).toEqual(before);
  });

  it('adds to the trail and reads it, in the same transaction as the change it records', async () => {
    await h.app.transaction(async (tx) => {
      await tx.query(`INSERT INTO audit_entry (action, outcome) VALUES ('check', 'SUCCESS')`);
      await tx.query(`UPDATE jurisdiction SET name = name WHERE code = '321012'`);
    });
    expect((await trail()).map((row: any) => row.action)).toEqual(['login', 'login', 'check']);
  });
});

describe('an application role made by an operator (APP_DATABASE_URL)', () => {
  let database: string;
  const made: string[] = [];

  async function operatorRole(suffix: string, attributes = ''): Promise<string> {
    const role = `${database}_${suffix}`;
    await h.db.query(`CREATE ROLE "${role}" LOGIN PASSWORD 'operator-password-1234' ${attributes}`);
    made.push(role);
    const url = new URL(h.databaseUrl);
    url.username = role;
    url.password = 'operator-password-1234';
    return url.toString();
  }

  beforeAll(async () => {
    [{ database }] = await h.db.query(`SELECT current_database() AS database`);
  });

  afterAll(async () => {
    for (const role of made) {
      await h.db.query(`DROP OWNED BY "${role}"`);
      await h.db.query(`DROP ROLE "${role}"`);
    }
  });

  it('is granted what the server needs on start, and no more', async () => {
    const url = await operatorRole('operator');
    expect(await prepareAppRole(h.db, { configured: url, secret: 'unused' })).toBe(url);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await smallTree(h.db);
      const count = `SELECT count(*)::int AS n FROM jurisdiction`;
      expect((await client.query(count)).rows).toEqual(await h.db.query(count));
      await client.query(`INSERT INTO audit_entry (action, outcome) VALUES ('check', 'SUCCESS')`);
      await expect(client.query(`DELETE FROM audit_entry`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query(`TRUNCATE audit_entry`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });

  it.each([
    ['CREATEDB', 'is CREATEDB'],
    ['IN ROLE CURRENT_USER', 'owns or acts as the owner of'],
  ])('refuses to start with a role that is %s', async (attributes, reason) => {
    const url = await operatorRole(`wide${made.length}`, attributes.replace('CURRENT_USER', `"${(await h.db.query(`SELECT current_user AS u`))[0].u}"`));
    const refusal = prepareAppRole(h.db, { configured: url, secret: 'unused' });
    await expect(refusal).rejects.toBeInstanceOf(ConfigError);
    await expect(refusal).rejects.toThrow(reason);
  });

  it('refuses a role that does not exist', async () => {
    const url = new URL(h.databaseUrl);
    url.username = `${database}_nobody`;
    await expect(prepareAppRole(h.db, { configured: url.toString(), secret: 'unused' })).rejects.toThrow(/APP_DATABASE_URL names role .*_nobody, which does not exist/);
  });
});

describe('an owner that is no superuser, only CREATEROLE', () => {
  it('migrates its own database and makes, then re-keys, an application role that may only add to the trail', async () => {
    const [{ worker }] = await h.db.query(`SELECT current_database() AS worker`);
    const ownerRole = `${worker}_owner`;
    const database = `${worker}_owned`;
    await h.db.query(`CREATE ROLE "${ownerRole}" LOGIN CREATEROLE PASSWORD 'owner-password-1234'`);
    await h.db.query(`CREATE DATABASE "${database}" OWNER "${ownerRole}" TEMPLATE template0`);
    const url = new URL(h.databaseUrl);
    url.username = ownerRole;
    url.password = 'owner-password-1234';
    url.pathname = `/${database}`;
    const owner = createDataSource({ url: url.toString(), poolSize: 1 });
    try {
      await owner.initialize();
      await owner.runMigrations({ transaction: 'each' });
      await prepareAppRole(owner, { configured: null, secret: TEST_TOKEN_SECRET });
      const appUrl = await prepareAppRole(owner, { configured: null, secret: TEST_TOKEN_SECRET });
      const client = new Client({ connectionString: appUrl });
      await client.connect();
      try {
        expect((await client.query(`SELECT current_user AS role`)).rows).toEqual([{ role: `${database}_app` }]);
        await client.query(`INSERT INTO audit_entry (action, outcome) VALUES ('check', 'SUCCESS')`);
        for (const statement of ['TRUNCATE audit_entry', 'ALTER TABLE audit_entry DISABLE TRIGGER ALL', 'CREATE TABLE x ()']) {
          await expect(client.query(statement)).rejects.toMatchObject({ code: '42501' });
        }
      } finally {
        await client.end();
      }
    } finally {
      if (owner.isInitialized) await owner.destroy();
      // Dropping a database writes a checkpoint, which on a busy machine outlasts the harness's statement timeout.
      const admin = new Client({ connectionString: h.databaseUrl, statement_timeout: 0 });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
        await admin.query(`DROP ROLE IF EXISTS "${database}_app"`);
        await admin.query(`DROP ROLE IF EXISTS "${ownerRole}"`);
      } finally {
        await admin.end();
      }
    }
  }, 60_000);
});

describe('a server started on DATABASE_URL', () => {
  it('migrates as the owner and answers requests as the application role, without locking out another process of the deployment', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '321012', [Role.FINANCE]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const server = spawn(process.execPath, tsNodeArgs('src/main.ts'), {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: h.databaseUrl, JWT_SECRET: TEST_TOKEN_SECRET, PORT: String(port), LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    try {
      await waitForReady(url, exited);
      const login = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: LOGIN, variables: { u: user.username, p: TEST_PASSWORD } }),
      });
      expect(((await login.json()) as any).data.login.token).toEqual(expect.any(String));
      // Every connection that serves requests (this harness's server and the process's) is the application role's.
      const serving = await h.db.query(
        `SELECT DISTINCT a.usename AS role, r.rolsuper FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename
         WHERE a.datname = current_database() AND a.application_name IN ('yiyang', 'yiyang-cache-listener')`,
      );
      const [{ database }] = await h.db.query(`SELECT current_database() AS database`);
      expect(serving).toEqual([{ role: `${database}_app`, rolsuper: false }]);
      // The process keyed the role as this harness did: new connections of the harness's pool still open.
      const fresh = new Client({ connectionString: h.appDatabaseUrl });
      await fresh.connect();
      expect((await fresh.query(`SELECT current_user AS role`)).rows).toEqual([{ role: `${database}_app` }]);
      await fresh.end();
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  }, 120_000);
});
