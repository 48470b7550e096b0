import { getIntrospectionQuery, isObjectType, parse } from 'graphql';
import { Role } from '../../src/kernel/actor';
import { MAX_QUERY_ALIASES, MAX_QUERY_SELECTIONS, operationCost, READ_COST, ROOT_FIELD_COST } from '../../src/graphql/limits';
import { buildApiSchema } from '../../src/app/schema';
import { createUser, smallTree } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

// The served defaults (MAX_QUERY_COST, MAX_QUERY_TOKENS, MAX_QUERY_DEPTH), as in development.
const h = useHarness({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });

const aliased = (count: number, selection: string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ')} }`;

describe('documents the limits refuse before anything runs', () => {
  // Each was an HTTP 500 with a stack trace: the depth rule walked fragments that do not exist or never end.
  it.each([
    ['an unknown fragment', '{ ...Nope }'],
    ['a fragment cycle', 'fragment A on Query { ...B } fragment B on Query { ...A } { ...A }'],
    ['a fragment spread into itself', 'fragment A on Query { me { username } ...A } { ...A }'],
    ['an unknown fragment inside a field', '{ me { ...Nope } }'],
  ])('answers %s with HTTP 400 GRAPHQL_VALIDATION_FAILED, signed out or in', async (_name, query) => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    for (const token of [null, user.token]) {
      const res = await h.gql(query, {}, token);
      expect([res.status, errorCodes(res)[0]]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    }
  });

  it('refuses a document of more than MAX_QUERY_TOKENS tokens while it is parsed (HTTP 400)', async () => {
    // 350,000 identical fields: once an HTTP 500 after seconds of validation.
    const res = await h.gql(`{ ${'__typename '.repeat(350_000)}}`);
    expect(res.status).toBe(400);
    expect(errorCodes(res)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(res.errors?.[0].message).toMatch(new RegExp(`${h.config.maxQueryTokens} tokens`));
  });

  it(`refuses more than ${MAX_QUERY_ALIASES} aliases, fragments counted where they are spread`, async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    expect((await h.gql(aliased(MAX_QUERY_ALIASES, 'me { username }'), {}, user.token)).errors).toBeUndefined();
    const over = await h.gql(aliased(MAX_QUERY_ALIASES + 1, 'me { username }'), {}, user.token);
    expect([over.status, errorCodes(over)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    expect(over.errors?.[0].message).toMatch(/Aliases limit of 30 exceeded/);
    const half = Array.from({ length: 16 }, (_, i) => `a${i}: me { username }`).join(' ');
    const spread = await h.gql(`fragment F on Query { ${half} } { ...F x: me { ...G } } fragment G on User { ${Array.from({ length: 15 }, (_, i) => `b${i}: username`).join(' ')} }`, {}, user.token);
    expect(errorCodes(spread)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it(`refuses more than ${MAX_QUERY_SELECTIONS} selections counted through fragments`, async () => {
    // 40 spreads of a fragment of 30 fields: 1,200 selections in a short document.
    const fields = Array.from({ length: 30 }, () => '__typename').join(' ');
    const query = `fragment F on Query { ${fields} } { ${Array.from({ length: 40 }, () => '...F').join(' ')} }`;
    const res = await h.gql(query);
    expect([res.status, errorCodes(res)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    expect(res.errors?.[0].message).toMatch(/too many selections/);
  });

  it('refuses the aliased flood that took 8.5 s: 5,000 × me { jurisdiction { code } }', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    const res = await h.gql(aliased(5000, 'me { jurisdiction { code } }'), {}, user.token);
    expect(res.status).toBe(400);
    expect(res.errors).toHaveLength(1);
    expect(res.extensions?.sqlStatements ?? 0).toBeLessThanOrEqual(1);
  });
});

describe('query cost', () => {
  const cost = async (query: string, variables: Record<string, unknown> = {}) => operationCost(await buildApiSchema(), parse(query), null, variables)!;

  it('charges every root field as an entry into the services', async () => {
    expect(await cost('{ me { username } }')).toBe(ROOT_FIELD_COST + 1);
    expect(await cost(aliased(30, 'me { username }'))).toBe(30 * (ROOT_FIELD_COST + 1));
  });

  it('charges a trend and a progress series for each of their months', async () => {
    const trend = (from: string, to: string) => `{ jurisdiction(code: "32") { coverageTrend(metric: VILLAGE_SERVICE, from: "${from}", to: "${to}") { numerator denominator } } }`;
    const year = await cost(trend('2024-01-01', '2024-12-31'));
    const decade = await cost(trend('2015-01-01', '2024-12-31'));
    expect(decade - year).toBe(108);
    const series = (from: string, to: string) => `query($id: ID!) { target(id: $id) { progressSeries(from: "${from}", to: "${to}") { value } } }`;
    expect((await cost(series('2015-01-01', '2024-12-31'), { id: '1' })) - (await cost(series('2024-01-01', '2024-12-31'), { id: '1' }))).toBe(108);
  });

  it('charges a list its rows: a page its size, a board its level’s descendants', async () => {
    const page = (first: number) => `{ jurisdictions(first: ${first}) { edges { node { code coverage(metric: VILLAGE_SERVICE) { numerator } } } } }`;
    const row = (await cost(page(11))) - (await cost(page(10)));
    expect(row).toBeGreaterThan(READ_COST);
    expect((await cost(page(100))) - (await cost(page(10)))).toBe(90 * row);
    const board = (level: string) => `{ target(id: 1) { board${level} { rows { code } } } }`;
    expect(await cost(board('(level: COUNTY)'))).toBeGreaterThan(10 * (await cost(board(''))));
  });

  it('refuses 1,000 aliased trends or people counts, which took 3.6 s each, on cost alone', async () => {
    await smallTree(h.db);
    const user = await createUser(h.db, '32', [Role.ANALYST]);
    for (const field of ['coverageTrend(metric: VILLAGE_SERVICE, from: "2016-01-01", to: "2025-12-31") { numerator }', 'peopleCounts { total }']) {
      const query = `{ jurisdiction(code: "32") { ${Array.from({ length: 1000 }, (_, i) => `a${i}: ${field}`).join(' ')} } }`;
      expect(await cost(query)).toBeGreaterThan(h.config.maxQueryCost);
      const res = await h.gql(query, {}, user.token);
      expect(res.status).toBe(400);
    }
  });

  it('gives every field that takes a size (first, from and to, year, level of a board) an estimator of its own', async () => {
    const schema = await buildApiSchema();
    const sized = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ name: `${type.name}.${field.name}`, field })))
      .filter(({ name, field }) => {
        const args = new Set(field.args.map((arg) => arg.name));
        return args.has('first') || (args.has('from') && args.has('to') && !name.startsWith('Query.auditTrail')) || args.has('year') || name === 'Target.board';
      });
    expect(sized.map(({ name }) => name)).toEqual(expect.arrayContaining(['Jurisdiction.coverageTrend', 'Target.progressSeries', 'Target.board', 'Query.people', 'Query.carePlans']));
    const missing = sized.filter(({ field }) => typeof field.extensions.complexity !== 'function').map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('lets GraphiQL’s introspection query through in development, within every limit', async () => {
    const res = await h.gql(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
  });
});
