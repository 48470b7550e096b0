import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { Role } from '../../src/kernel/actor';
import { buildApiSchema } from '../../src/app/schema';
import { createUser, insertCaregiver, insertOrganisation, smallTree } from '../support/factories';
import { useHarness, type GraphQLResponse } from '../support/harness';
import { generator } from '../support/random';

// Thousands of documents and values made from the served schema and then broken on purpose, sent
// signed out and signed in: whatever comes back must be an answer (data, or a typed error such as
// BAD_USER_INPUT or GRAPHQL_VALIDATION_FAILED), never an HTTP 5xx or an INTERNAL_SERVER_ERROR.
// FUZZ_SEED=<n> replays a run; FUZZ_CASES=<n> sends more or fewer; FUZZ_REPORT=1 prints how the
// answers were spread over the error codes.

const h = useHarness();

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
const CASES = Number(process.env.FUZZ_CASES ?? 6000);
const PARALLEL = 8;

type Random = ReturnType<typeof generator>;

const TEXTS = [
  '', ' ', 'x', '32', '321012', '321012100001', '东苑社区居委会', 'a'.repeat(300), '老'.repeat(5000), '\u0000', 'a\u0000b', '\uD800', 'x\uDFFF',
  '\u202Eabc', '\u2066x\u2069', '\u200B', '\u200B\u200D\uFEFF', '👩‍👩‍👧', "'; DROP TABLE person; --", '%', '_', '\\', '"', '\n\t', '1e309', '-1', 'null',
  '2024-01-01', 'LOW_INCOME', 'admin', '5232101200000000XX', '110101194403010011', '52321012000000001W', '321012100', 'MEALS',
];
const INTS = [0, 1, -1, 2, 20, 100, 101, 1000, 3000, 2_147_483_647, -2_147_483_648, 2_147_483_648, 1.5];
const FLOATS = [0, -0, 0.5, -1, 1e308, 1e-308, 100, 1_000_000_000_000];
const IDS = ['1', '2', '0', '-1', 'abc', '99999999999999999999', '1e3', ' 1', '\u0000', '١'];
const DAYS = ['2024-01-01', '2024-02-29', '2023-02-29', '0000-01-01', '1899-12-31', '1900-01-01', '2999-12-31', '3000-01-01', '9999-12-31', '2024-13-01', '2024-1-1', '', '+002024-01-01', '2024-01-01T00:00:00Z'];
const MONTHS = ['2024-01', '1949-10', '1949-09', '0000-01', '9999-12', '2024-13', '2024-1', ''];
const MOMENTS = ['2024-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00Z', 'yesterday', '2024-02-30T00:00:00Z'];

/** A value for an input of `type`: usually of its type, sometimes of another, sometimes missing or null. */
function valueFor(type: GraphQLInputType, rnd: Random, depth = 0): unknown {
  if (rnd.next() < 0.02) return rnd.pick<unknown>([null, 'x', 1, true, [], {}, '\u0000']);
  const nullable = getNullableType(type) as GraphQLInputType;
  if (isListType(nullable)) return Array.from({ length: rnd.int(4) }, () => valueFor(nullable.ofType as GraphQLInputType, rnd, depth + 1));
  if (isEnumType(nullable)) return rnd.next() < 0.9 ? rnd.pick(nullable.getValues()).name : 'NOPE';
  if (isInputObjectType(nullable)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) ? rnd.next() < 0.95 : rnd.next() < 0.5 && depth < 3) value[field.name] = valueFor(field.type, rnd, depth + 1);
    }
    return value;
  }
  if (isScalarType(nullable)) {
    switch (nullable.name) {
      case 'Int':
        return rnd.pick(INTS);
      case 'Float':
        return rnd.pick(FLOATS);
      case 'Boolean':
        return rnd.next() < 0.5;
      case 'ID':
        return rnd.pick(IDS);
      case 'Date':
        return rnd.pick(DAYS);
      case 'Month':
        return rnd.pick(MONTHS);
      case 'DateTimeISO':
        return rnd.pick(MOMENTS);
      default:
        return rnd.pick(TEXTS);
    }
  }
  return null;
}

/** `value` written as a GraphQL literal of `type` (enums bare, objects with unquoted keys). */
function literal(value: unknown, type: GraphQLInputType | null): string {
  const nullable = type && (getNullableType(type) as GraphQLInputType);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : null)).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = nullable && isInputObjectType(nullable) ? nullable.getFields() : {};
    return `{${Object.entries(value).map(([k, v]) => `${k}: ${literal(v, fields[k]?.type ?? null)}`).join(', ')}}`;
  }
  if (typeof value === 'string' && nullable && isEnumType(nullable) && /^[A-Z_]+$/.test(value)) return value;
  return JSON.stringify(value);
}

interface Built {
  query: string;
  variables: Record<string, unknown>;
}

// Mutations that hash a password (about 0.3 s each by design): sent one time in ten they would have been picked.
const HASHING = new Set(['Mutation.login', 'Mutation.changePassword', 'Mutation.resetPassword', 'Mutation.createUser']);

function selection(type: GraphQLObjectType, rnd: Random, vars: { defs: string[]; values: Record<string, unknown> }, depth: number): string {
  const fields = Object.values(type.getFields()).filter((field) => !HASHING.has(`${type.name}.${field.name}`) || rnd.next() < 0.1);
  const picked = new Set<GraphQLField<unknown, unknown>>();
  const wanted = 1 + rnd.int(depth === 0 ? 2 : 4);
  for (let i = 0; i < wanted; i++) picked.add(rnd.pick(fields));
  const parts: string[] = [];
  for (const field of picked) {
    const named = getNamedType(field.type);
    if (!isLeafType(named) && depth >= 3) continue;
    const args = field.args
      .filter((arg) => isNonNullType(arg.type) || rnd.next() < 0.4)
      .map((arg) => {
        const value = valueFor(arg.type, rnd);
        if (rnd.next() < 0.5) return `${arg.name}: ${literal(value, arg.type)}`;
        const name = `v${vars.defs.length}`;
        vars.defs.push(`$${name}: ${String(arg.type)}`);
        vars.values[name] = value;
        return `${arg.name}: $${name}`;
      });
    const head = `${rnd.next() < 0.1 ? `al${parts.length}: ` : ''}${field.name}${args.length ? `(${args.join(', ')})` : ''}`;
    if (isLeafType(named)) parts.push(head);
    else if (isObjectType(named)) parts.push(`${head} { ${selection(named, rnd, vars, depth + 1) || '__typename'} }`);
    else parts.push(`${head} { __typename }`);
  }
  return parts.join(' ');
}

/** An operation on a random root field of the schema, with random arguments as literals and variables. */
function operation(schema: GraphQLSchema, rnd: Random): Built {
  const root = rnd.next() < 0.8 ? schema.getQueryType()! : schema.getMutationType()!;
  const vars = { defs: [] as string[], values: {} as Record<string, unknown> };
  const body = selection(root, rnd, vars, 0) || '__typename';
  const keyword = root === schema.getQueryType() ? 'query' : 'mutation';
  return { query: `${keyword} Fuzz${vars.defs.length ? `(${vars.defs.join(', ')})` : ''} { ${body} }`, variables: vars.values };
}

const BREAKERS: ((query: string, rnd: Random) => string)[] = [
  // Cut, duplicate or drop a piece of the text.
  (q, rnd) => q.slice(0, rnd.int(q.length)),
  (q, rnd) => {
    const at = rnd.int(q.length);
    return q.slice(0, at) + q.slice(at, at + 1 + rnd.int(20)).repeat(1 + rnd.int(40)) + q.slice(at);
  },
  (q, rnd) => {
    const at = rnd.int(q.length);
    return q.slice(0, at) + q.slice(at + 1 + rnd.int(10));
  },
  // Insert something a client should not send.
  (q, rnd) => {
    const at = rnd.int(q.length);
    return q.slice(0, at) + rnd.pick(['{', '}', '(', ')', '$', '@skip(if: true)', '@include(if: $nope)', '...Nope', '... on Query { __typename }', '"\\u0000"', '"\\uD800"', '#', ':', 'null', '[', '...', '\u0000', '\uD800']) + q.slice(at);
  },
  // Fragments that never end or are not there.
  (q) => `${q} fragment A on Query { ...B } fragment B on Query { ...A }`,
  (q) => q.replace(/\{ /, '{ ...Self ') + ' fragment Self on Query { ...Self }',
  (q) => q.replace(/\{ /, '{ ...Nope '),
  // Many aliases, deep nesting, many directives.
  (q, rnd) => q.replace(/\{ (\w+)/, (_m, f: string) => `{ ${Array.from({ length: 20 + rnd.int(60) }, (_, i) => `x${i}: ${f}`).join(' ')} ${f}`),
  (q, rnd) => q.replace(/\{ /, `{ ${'me { jurisdiction { '.repeat(1 + rnd.int(6))}code${' } }'.repeat(1)} `),
  (q, rnd) => q.replace(/(\w+) \{/, `$1${' @include(if: true)'.repeat(1 + rnd.int(80))} {`),
];

/** Variables broken on purpose: a value of another type, a missing one, or one of a name never declared. */
function breakVariables(values: Record<string, unknown>, rnd: Random): Record<string, unknown> {
  const broken = { ...values };
  const names = Object.keys(broken);
  if (names.length && rnd.next() < 0.5) broken[rnd.pick(names)] = rnd.pick<unknown>(['\u0000', '\uDBFF', 1e309, -1, [], { a: '\u202E' }, 'x'.repeat(10_000), null]);
  if (names.length && rnd.next() < 0.3) delete broken[rnd.pick(names)];
  if (rnd.next() < 0.2) broken.undeclared = '\u0000';
  return broken;
}

function failure(res: GraphQLResponse): boolean {
  return res.status >= 500 || (res.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.extensions?.code === undefined);
}

describe('mutated documents and values', () => {
  it(`get an answer, never an HTTP 5xx or an internal error (seed ${SEED}, ${CASES} cases)`, async () => {
    await smallTree(h.db);
    // A provider with a caregiver (id 1, whose account is a caller too), so that ids the fuzz sends reach a caregiver.
    const organisation = await insertOrganisation(h.db, 1);
    const caregiverId = await insertCaregiver(h.db, organisation.id, '321012100001', 'F-1');
    const callers = [
      null,
      (await createUser(h.db, '32', [Role.PLATFORM_ADMIN])).token,
      (await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF])).token,
      (await createUser(h.db, '321012', [Role.ANALYST])).token,
      (await createUser(h.db, '321012', [Role.SERVICE_PROVIDER], undefined, { organisationId: organisation.id })).token,
      (await createUser(h.db, '321012100001', [Role.CAREGIVER], undefined, { organisationId: organisation.id, caregiverId })).token,
      // Holds MANAGE_PROVIDERS, so that the provider and contract mutations reach their services too.
      (await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN])).token,
      // Holds RECORD_FUNDING, so that the budget lines and lottery rules reach their service too.
      (await createUser(h.db, '321012', [Role.FINANCE])).token,
    ];
    const schema = await buildApiSchema();
    const rnd = generator(SEED);
    const cases: (Built & { token: string | null })[] = [];
    for (let i = 0; i < CASES; i++) {
      const built = operation(schema, rnd);
      const roll = rnd.next();
      const query = roll < 0.5 ? built.query : rnd.pick(BREAKERS)(built.query, rnd);
      const variables = rnd.next() < 0.3 ? breakVariables(built.variables, rnd) : built.variables;
      cases.push({ query, variables, token: rnd.pick(callers) });
    }

    const failures: { query: string; variables: Record<string, unknown>; status: number; errors: unknown }[] = [];
    const codes = new Map<string, number>();
    let executed = 0;
    let next = 0;
    // A few clients at once, each sending its next case as soon as it has an answer.
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < cases.length) {
          const c = cases[next++];
          const res = await h.gql(c.query, c.variables, c.token);
          if (res.data !== undefined) executed++;
          for (const code of new Set((res.errors ?? []).map((e) => e.extensions?.code ?? 'none'))) codes.set(code, (codes.get(code) ?? 0) + 1);
          if (failure(res) && failures.length < 20) failures.push({ query: c.query.slice(0, 500), variables: c.variables, status: res.status, errors: res.errors });
        }
      }),
    );
    if (process.env.FUZZ_REPORT) process.stderr.write(`executed ${executed} of ${cases.length}; ${JSON.stringify([...codes])}\n`);
    expect(failures).toEqual([]);
    // Enough cases reached the resolvers, and enough were refused as bad input, for the run to mean something.
    expect(executed).toBeGreaterThan(CASES / 5);
    expect(codes.get('BAD_USER_INPUT') ?? 0).toBeGreaterThan(CASES / 50);
  }, 120_000);
});
