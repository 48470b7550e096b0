import fs from 'node:fs';
import path from 'node:path';
import { Role } from '../../src/kernel/actor';
import { formatError } from '../../src/graphql/format-error';
import { getNamedType, isLeafType, isObjectType } from 'graphql';
import { buildSchema } from 'type-graphql';
import { withDirectResolvers } from '../../src/graphql/direct-resolvers';
import { buildApiSchema, printApiSchema, RESOLVERS } from '../../src/app/schema';
import { createUser, smallTree } from '../support/factories';
import { errorCodes, forgetCaches, useHarness } from '../support/harness';

// A short statement timeout (and with it the wait for a pooled connection), so that an exhausted pool answers quickly.
const h = useHarness({ MAX_QUERY_DEPTH: '8', MAX_QUERY_COST: '3000', STATEMENT_TIMEOUT_MS: '2000' });

describe('the served schema', () => {
  it('is the committed schema/schema.graphql (run npm run schema:emit after changing resolvers)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printApiSchema(await buildApiSchema())).toBe(committed);
  });

  it('calls resolvers directly, keeping type-graphql\'s own call only for fields that take an input object or an argument class', async () => {
    const schema = await buildSchema({ resolvers: RESOLVERS, validate: false });
    const before = new Map<string, unknown>();
    const fields = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })));
    for (const { name, field } of fields) before.set(name, field.resolve);
    const changed = withDirectResolvers(schema);

    const kept = fields.filter(({ name, field }) => field.resolve !== undefined && field.resolve === before.get(name));
    const takesInput = kept.filter(({ field }) => field.args.some((arg) => !isLeafType(getNamedType(arg.type))));
    expect(takesInput.map(({ name }) => name)).toContain('Mutation.createFacility');
    // The list queries whose filters are an @Args class.
    expect(kept.filter((field) => !takesInput.includes(field)).map(({ name }) => name).sort()).toEqual([
      'Query.auditTrail',
      'Query.caregivers',
      'Query.cases',
      'Query.contracts',
      'Query.facilities',
      'Query.people',
      'Query.providerBans',
      'Query.providers',
      'Query.users',
      'Query.workOrders',
    ]);
    expect(changed).toBe(fields.filter(({ name, field }) => before.get(name) !== undefined && field.resolve !== before.get(name)).length);
    // The coverage of a listed node, asked with a metric and a day, is called directly.
    const coverage = fields.find(({ name }) => name === 'Jurisdiction.coverage')!;
    expect(coverage.field.resolve).toBeDefined();
    expect(coverage.field.resolve).not.toBe(before.get('Jurisdiction.coverage'));
  });
});

describe('limits and errors', () => {
  it('refuses a query deeper than MAX_QUERY_DEPTH before running it', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    const deep = `{ jurisdiction(code: "32") { children { edges { node { children { edges { node { children { edges { node { code } } } } } } } } } } }`;
    const res = await h.gql(deep, {}, user.token);
    expect(res.status).toBe(400);
    expect(res.errors?.[0].message).toMatch(/Query depth limit of 8 exceeded/);
  });

  it('refuses a query costlier than MAX_QUERY_COST before running it, with LIMIT_EXCEEDED', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    const costly = `{ jurisdictions(first: 100) { edges { node { code name children(first: 100) { edges { node { code } } } } } } }`;
    const res = await h.gql(costly, {}, user.token);
    expect(res.status).toBe(400);
    expect(errorCodes(res)).toEqual(['LIMIT_EXCEEDED']);
    // Only the caller's sign-in lookup ran: nothing of the operation itself.
    expect(res.extensions?.sqlStatements).toBe(1);
  });

  it('refuses a request body over 4 MB with HTTP 413 and LIMIT_EXCEEDED, as JSON', async () => {
    const res = await h.gql(`query($pad: String) { me { username } }`, { pad: 'x'.repeat(4 * 1024 * 1024 + 1) });
    expect(res.status).toBe(413);
    expect(errorCodes(res)).toEqual(['LIMIT_EXCEEDED']);
  });

  it('refuses a body that is not JSON with HTTP 400 and BAD_REQUEST, as JSON', async () => {
    const response = await fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{ "query": ' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(['BAD_REQUEST']);
  });

  it('answers with the caller’s request id when it is a sane one, and with one of its own otherwise', async () => {
    const ask = (id: string) =>
      fetch(`${h.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect((await ask('trace-42.a')).headers.get('x-request-id')).toBe('trace-42.a');
    const replaced = (await ask('no spaces or <tags> allowed')).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Downloads answer with it too, refusals included.
    const download = await fetch(`${h.url}/exports/notices/1.csv`, { headers: { 'x-request-id': 'trace-43' } });
    expect(download.status).toBe(401);
    expect(download.headers.get('x-request-id')).toBe('trace-43');
  });

  it('refuses variables that do not fit their type with BAD_USER_INPUT (HTTP 400), before anything runs', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    const query = `query($day: Date, $first: Int) { jurisdiction(code: "32") { coverage(metric: VILLAGE_SERVICE, asOf: $day) { numerator } children(first: $first) { totalCount } } }`;
    for (const variables of [{ day: '2025-02-30' }, { day: '20250101' }, { first: 'ten' }]) {
      await forgetCaches(h);
      const res = await h.gql(query, variables, user.token);
      expect([variables, res.status, errorCodes(res)]).toEqual([variables, 400, ['BAD_USER_INPUT']]);
      expect(res.extensions?.sqlStatements).toBe(1);
    }
  });

  it('hides unexpected failures behind a generic error with a code', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    await h.db.query(`ALTER TABLE jurisdiction RENAME COLUMN name TO name_hidden`);
    try {
      const res = await h.gql(`{ jurisdiction(code: "32") { code name } }`, {}, user.token);
      expect(res.errors?.map((e) => [e.extensions.code, e.message])).toEqual([['INTERNAL_SERVER_ERROR', 'Internal server error']]);
      expect(JSON.stringify(res.errors)).not.toMatch(/name_hidden|column|relation/);
    } finally {
      await h.db.query(`ALTER TABLE jurisdiction RENAME COLUMN name_hidden TO name`);
    }
  });

  it('answers liveness, health and readiness', async () => {
    expect(await (await fetch(`${h.url}/live`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${h.url}/health`)).json()).toEqual({ status: 'ok', database: 'ok' });
    const ready = await fetch(`${h.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});

describe('the statement timeout', () => {
  it('is set on every pooled connection from STATEMENT_TIMEOUT_MS', async () => {
    const [{ statement_timeout }] = await h.app.query('SHOW statement_timeout');
    expect(statement_timeout).toBe(`${h.config.statementTimeoutMs / 1000}s`);
  });

  it('bounds the wait for a pooled connection: an exhausted pool answers LIMIT_EXCEEDED, then serves again', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    // The server's pool holds DB_POOL_SIZE connections: take them all.
    const held = await Promise.all(Array.from({ length: h.config.dbPoolSize }, async () => {
      const runner = h.app.createQueryRunner();
      await runner.connect();
      await runner.query('SELECT 1');
      return runner;
    }));
    try {
      const started = Date.now();
      const signedIn = await h.gql(`{ jurisdiction(code: "32") { code } }`, {}, user.token);
      const login = await h.gql(`mutation { login(username: "nobody", password: "wrong-password") { token } }`);
      expect([...errorCodes(signedIn), ...errorCodes(login)]).toEqual(['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED']);
      expect(Date.now() - started).toBeLessThan(4 * h.config.statementTimeoutMs);
    } finally {
      await Promise.all(held.map((runner) => runner.release()));
    }
    const res = await h.gql(`{ jurisdiction(code: "32") { code } }`, {}, user.token);
    expect(res.data).toEqual({ jurisdiction: { code: '32' } });
  }, 60_000);

  it('reaches the client as LIMIT_EXCEEDED, not as an internal error', () => {
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    const formatted = formatError({ message: cancelled.message, path: ['jurisdictions'] }, cancelled);
    expect(formatted).toEqual({ message: 'The request took too long and was stopped', path: ['jurisdictions'], extensions: { code: 'LIMIT_EXCEEDED' } });
  });
});
