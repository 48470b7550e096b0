import fs from 'node:fs';
import path from 'node:path';
import { buildSchema as parseSdl, isObjectType, type GraphQLSchema } from 'graphql';
import { Capability, GRANTABLE_ROLES, ROLE_CAPABILITIES, Role } from '../../src/access/roles';
import { ACCESS_RULES, type Gate } from '../../src/graphql/rules';
import { buildApiSchema } from '../../src/graphql/schema';
import {
  captureTables,
  createUser,
  resetTables,
  restoreTables,
  SMALL_TREE,
  smallTree,
  TEST_PASSWORD,
  type TableRows,
  type TestUser,
} from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';

/**
 * The permission matrix: every query and mutation, as every role, against every scope relation.
 * What each case should answer is worked out here from the domain rules (which capability opens an
 * operation, which roles carry it, which nodes lie in the caller's subtree), never from the server.
 */

const h = useHarness();

// ---------------------------------------------------------------------------------------------
// The fixture: SMALL_TREE, one caller per role at 江都区, one plain user at every target node.

const HOME = '321012';

const RELATIONS = {
  own: '321012',
  descendant: '321012100',
  ancestor: '3210',
  sibling: '321023',
  'other province': '110101',
} as const;
type Relation = keyof typeof RELATIONS;

// A user acts in the subtree of their home: the home node itself and everything below it.
const IN_SUBTREE: Record<Relation, boolean> = {
  own: true,
  descendant: true,
  ancestor: false,
  sibling: false,
  'other province': false,
};

const ROLES = Object.values(Role);
const TREE_CODES = SMALL_TREE.map(([code]) => code);
const slug = (role: Role) => role.toLowerCase().replace(/_/g, '-');

const actorName = (role: Role) => `${slug(role)}@${HOME}`;
/** A VILLAGE_WORKER (a role every administrator may grant) living at `code`. */
const targetAt = (code: string) => `target@${code}`;
/** A VILLAGE_WORKER of the home subtree whom updateUser moves to the target node. */
const MOVER = 'mover@321012101';
/** A user holding a role a CIVIL_AFFAIRS_ADMIN may not grant, inside that admin's subtree. */
const GUARDED = 'guarded@321012100';

const FIXTURE_USERS: { username: string; code: string; roles: Role[] }[] = [
  ...ROLES.map((role) => ({ username: actorName(role), code: HOME, roles: [role] })),
  ...Object.values(RELATIONS).map((code) => ({ username: targetAt(code), code, roles: [Role.VILLAGE_WORKER] })),
  { username: MOVER, code: '321012101', roles: [Role.VILLAGE_WORKER] },
  { username: GUARDED, code: '321012100', roles: [Role.PLATFORM_ADMIN] },
];

let fixture: TableRows | null = null;
const actors = new Map<Role, TestUser>();

// The harness empties every table before each test; the fixture is built once and put back after.
beforeEach(async () => {
  if (fixture) {
    await restoreTables(h.db, fixture);
    return;
  }
  await smallTree(h.db);
  for (const user of FIXTURE_USERS) {
    const created = await createUser(h.db, user.code, user.roles, user.username);
    if (user.username === actorName(user.roles[0])) actors.set(user.roles[0], created);
  }
  // One audit entry recorded at every node, so that auditTrail(under:) has something to show.
  await h.db.query(
    `INSERT INTO audit_entry (actor_username, jurisdiction_id, action, target_type, outcome)
     SELECT 'seed', id, 'seed', 'Jurisdiction', 'SUCCESS' FROM jurisdiction ORDER BY code`,
  );
  fixture = await captureTables(h.db);
});

// ---------------------------------------------------------------------------------------------
// Rows of app_user, compared before and after every request.

interface UserState {
  username: string;
  roles: string[];
  active: boolean;
  jurisdiction_id: number;
  jurisdiction_code: string;
  display_name: string | null;
  password_hash: string;
}
type Rows = Record<string, UserState>;

async function userRows(): Promise<Rows> {
  const rows: UserState[] = await h.db.query(
    `SELECT u.username, u.roles::text[] AS roles, u.active, u.jurisdiction_id, j.code AS jurisdiction_code,
            u.display_name, u.password_hash
     FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id ORDER BY u.username`,
  );
  return Object.fromEntries(rows.map((row) => [row.username, row]));
}

/** Usernames whose row was added, removed or changed in any column. */
function changedRows(before: Rows, after: Rows): string[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name])).sort();
}

// ---------------------------------------------------------------------------------------------
// Operations. `gate` is what the domain says opens each one (see CAPABILITY_LABELS in roles.ts);
// a test below checks that ACCESS_RULES says the same.

interface Request {
  query: string;
  variables?: Record<string, unknown>;
}

interface Check {
  data: any;
  before: Rows;
  after: Rows;
}

interface Operation {
  /** The root field. */
  field: string;
  type: 'Query' | 'Mutation';
  label: string;
  gate: Exclude<Gate, 'reachable'>;
  write: boolean;
}

/** An operation aimed at a jurisdiction: the node itself, the subtree below it, or a user living there. */
interface TargetedOperation extends Operation {
  request(node: string): Request;
  verify(node: string, check: Check): void;
}

/** An operation about the caller only. */
interface OwnOperation extends Operation {
  /** Sent without the caller's token (login). */
  anonymous?: boolean;
  request(actor: TestUser): Request;
  verify(role: Role, actor: TestUser, check: Check): void;
}

const NEW_PASSWORD = 'a-new-password-9';

const TARGETED: TargetedOperation[] = [
  {
    field: 'jurisdiction',
    type: 'Query',
    label: 'jurisdiction(code)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({ query: `query($code: String!) { jurisdiction(code: $code) { code name } }`, variables: { code: node } }),
    verify: (node, { data }) => {
      expect(data.jurisdiction).toEqual({ code: node, name: SMALL_TREE.find(([code]) => code === node)![1] });
    },
  },
  {
    field: 'jurisdictions',
    type: 'Query',
    label: 'jurisdictions(under)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({
      query: `query($under: String) { jurisdictions(under: $under, first: 50) { totalCount edges { node { code } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const below = TREE_CODES.filter((code) => code !== node && code.startsWith(node)).sort();
      expect(data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual(below);
      expect(data.jurisdictions.totalCount).toBe(below.length);
    },
  },
  {
    field: 'user',
    type: 'Query',
    label: 'user(username) of a user living at the target',
    gate: Capability.READ_USERS,
    write: false,
    request: (node) => ({
      query: `query($username: String!) { user(username: $username) { username jurisdiction { code } } }`,
      variables: { username: targetAt(node) },
    }),
    verify: (node, { data }) => {
      expect(data.user).toEqual({ username: targetAt(node), jurisdiction: { code: node } });
    },
  },
  {
    field: 'users',
    type: 'Query',
    label: 'users(under)',
    gate: Capability.READ_USERS,
    write: false,
    request: (node) => ({
      query: `query($under: String) { users(under: $under, first: 50) { totalCount edges { node { username } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const living = FIXTURE_USERS.filter((u) => u.code.startsWith(node)).map((u) => u.username).sort();
      expect(data.users.edges.map((e: any) => e.node.username).sort()).toEqual(living);
      expect(data.users.totalCount).toBe(living.length);
    },
  },
  {
    field: 'auditTrail',
    type: 'Query',
    label: 'auditTrail(under)',
    gate: Capability.READ_AUDIT,
    write: false,
    request: (node) => ({
      query: `query($under: String) { auditTrail(under: $under, first: 50) { totalCount edges { node { action jurisdiction { code } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const recorded = TREE_CODES.filter((code) => code.startsWith(node)).sort();
      expect(data.auditTrail.edges.map((e: any) => e.node.jurisdiction.code).sort()).toEqual(recorded);
      expect(data.auditTrail.totalCount).toBe(recorded.length);
    },
  },
  {
    field: 'createUser',
    type: 'Mutation',
    label: 'createUser(jurisdictionCode: target)',
    gate: Capability.MANAGE_USERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles jurisdiction { code } } }`,
      variables: { input: { username: `new@${node}`, password: NEW_PASSWORD, jurisdictionCode: node, roles: [Role.VILLAGE_WORKER] } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.createUser).toEqual({ username: `new@${node}`, roles: [Role.VILLAGE_WORKER], jurisdiction: { code: node } });
      expect(changedRows(before, after)).toEqual([`new@${node}`]);
      expect(after[`new@${node}`]).toMatchObject({ roles: [Role.VILLAGE_WORKER], active: true, jurisdiction_code: node });
    },
  },
  {
    field: 'updateUser',
    type: 'Mutation',
    label: 'updateUser(roles, active) of a user living at the target',
    gate: Capability.MANAGE_USERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles active } }`,
      variables: { input: { username: targetAt(node), roles: [Role.FINANCE], active: false } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.updateUser).toEqual({ username: targetAt(node), roles: [Role.FINANCE], active: false });
      expect(changedRows(before, after)).toEqual([targetAt(node)]);
      expect(after[targetAt(node)]).toMatchObject({ roles: [Role.FINANCE], active: false, jurisdiction_code: node });
    },
  },
  {
    field: 'updateUser',
    type: 'Mutation',
    label: 'updateUser(jurisdictionCode: target) of a user of the subtree',
    gate: Capability.MANAGE_USERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username jurisdiction { code } } }`,
      variables: { input: { username: MOVER, jurisdictionCode: node } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.updateUser).toEqual({ username: MOVER, jurisdiction: { code: node } });
      expect(changedRows(before, after)).toEqual([MOVER]);
      expect(after[MOVER].jurisdiction_code).toBe(node);
    },
  },
  {
    field: 'resetPassword',
    type: 'Mutation',
    label: 'resetPassword of a user living at the target',
    gate: Capability.MANAGE_USERS,
    write: true,
    request: (node) => ({
      query: `mutation($username: String!, $password: String!) { resetPassword(username: $username, newPassword: $password) { username } }`,
      variables: { username: targetAt(node), password: NEW_PASSWORD },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.resetPassword).toEqual({ username: targetAt(node) });
      expect(changedRows(before, after)).toEqual([targetAt(node)]);
      expect(after[targetAt(node)].password_hash).not.toBe(before[targetAt(node)].password_hash);
    },
  },
];

const OWN: OwnOperation[] = [
  {
    field: 'me',
    type: 'Query',
    label: 'me',
    gate: 'signed-in',
    write: false,
    request: () => ({ query: `{ me { username roles jurisdiction { code } } }` }),
    verify: (role, actor, { data }) => {
      expect(data.me).toEqual({ username: actor.username, roles: [role], jurisdiction: { code: HOME } });
    },
  },
  {
    field: 'grantableRoles',
    type: 'Query',
    label: 'grantableRoles',
    gate: Capability.MANAGE_USERS,
    write: false,
    request: () => ({ query: `{ grantableRoles }` }),
    verify: (role, _actor, { data }) => {
      expect([...data.grantableRoles].sort()).toEqual([...GRANTABLE_ROLES[role]].sort());
    },
  },
  {
    field: 'login',
    type: 'Mutation',
    label: 'login',
    gate: 'public',
    write: false,
    anonymous: true,
    request: (actor) => ({
      query: `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token user { username } } }`,
      variables: { username: actor.username, password: TEST_PASSWORD },
    }),
    verify: (_role, actor, { data }) => {
      expect(data.login.user).toEqual({ username: actor.username });
      expect(typeof data.login.token).toBe('string');
    },
  },
  {
    field: 'changePassword',
    type: 'Mutation',
    label: 'changePassword',
    gate: 'signed-in',
    write: true,
    request: () => ({
      query: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { token user { username } } }`,
      variables: { current: TEST_PASSWORD, next: NEW_PASSWORD },
    }),
    verify: (_role, actor, { data, before, after }) => {
      expect(data.changePassword.user).toEqual({ username: actor.username });
      expect(changedRows(before, after)).toEqual([actor.username]);
      expect(after[actor.username].password_hash).not.toBe(before[actor.username].password_hash);
    },
  },
];

type Outcome = 'ALLOWED' | 'FORBIDDEN' | 'UNAUTHENTICATED';

/** The answer the rules call for: sign-in, then the capability (ROLE_CAPABILITIES), then the subtree. */
function expectedOutcome(gate: Operation['gate'], role: Role | null, relation: Relation | null): Outcome {
  if (gate === 'public') return 'ALLOWED';
  if (role === null) return 'UNAUTHENTICATED';
  if (gate !== 'signed-in' && !ROLE_CAPABILITIES[role].includes(gate)) return 'FORBIDDEN';
  if (relation !== null && !IN_SUBTREE[relation]) return 'FORBIDDEN';
  return 'ALLOWED';
}

/** Sends the request and checks the outcome; a refusal returns no data and changes no row. */
async function run(operation: Operation, request: Request, token: string | null, expected: Outcome, verify: (check: Check) => void) {
  const before = await userRows();
  const res: GraphQLResponse = await h.gql(request.query, request.variables, token);
  const after = await userRows();
  if (expected === 'ALLOWED') {
    expect(res.errors).toBeUndefined();
    verify({ data: res.data, before, after });
    if (!operation.write) expect(after).toEqual(before);
  } else {
    expect(errorCodes(res)).toEqual([expected]);
    expect(res.data?.[operation.field] ?? null).toBeNull();
    expect(after).toEqual(before);
  }
}

const RELATION_NAMES = Object.keys(RELATIONS) as Relation[];

// One row per operation and role; each row runs the five scope relations and reports every miss.
const MATRIX = TARGETED.flatMap((operation) =>
  ROLES.map((role) => {
    const expected = Object.fromEntries(RELATION_NAMES.map((relation) => [relation, expectedOutcome(operation.gate, role, relation)])) as Record<
      Relation,
      Outcome
    >;
    const outcomes = RELATION_NAMES.map((relation) => `${relation} ${expected[relation]}`).join(', ');
    return { operation, label: operation.label, role, expected, outcomes };
  }),
);

const OWN_MATRIX = OWN.flatMap((operation) =>
  ROLES.map((role) => ({ operation, label: operation.label, role, expected: expectedOutcome(operation.gate, role, null) })),
);

describe('the permission matrix', () => {
  it.each(MATRIX)('$label as $role: $outcomes', async ({ operation, role, expected }) => {
    const failures: string[] = [];
    for (const [i, relation] of RELATION_NAMES.entries()) {
      const node = RELATIONS[relation];
      let failed = false;
      try {
        await run(operation, operation.request(node), actors.get(role)!.token, expected[relation], (check) => operation.verify(node, check));
      } catch (error) {
        failed = true;
        failures.push(`target ${relation} (${node}), expected ${expected[relation]}:\n${(error as Error).message}`);
      }
      // A write that went through (or a case that went wrong) leaves rows behind: the next relation starts afresh.
      const last = i === RELATION_NAMES.length - 1;
      if (!last && operation.write && (expected[relation] === 'ALLOWED' || failed)) await resetTables(h.db, fixture!);
    }
    if (failures.length > 0) throw new Error(failures.join('\n\n'));
  });

  it.each(OWN_MATRIX)('$label as $role: $expected', async ({ operation, role, expected }) => {
    const actor = actors.get(role)!;
    const token = operation.anonymous ? null : actor.token;
    await run(operation, operation.request(actor), token, expected, (check) => operation.verify(role, actor, check));
  });

  const ANONYMOUS = [
    ...TARGETED.map((operation) => ({
      operation,
      label: operation.label,
      request: () => operation.request(RELATIONS.own),
      verify: (check: Check) => operation.verify(RELATIONS.own, check),
      expected: expectedOutcome(operation.gate, null, 'own'),
    })),
    ...OWN.map((operation) => ({
      operation,
      label: operation.label,
      request: () => operation.request(actors.get(Role.FINANCE)!),
      verify: (check: Check) => operation.verify(Role.FINANCE, actors.get(Role.FINANCE)!, check),
      expected: expectedOutcome(operation.gate, null, null),
    })),
  ];

  it.each(ANONYMOUS)('$label without a token: $expected', async ({ operation, request, verify, expected }) => {
    await run(operation, request(), null, expected, verify);
  });

  it('has a row for every query and mutation of schema/schema.graphql, gated as ACCESS_RULES says', () => {
    const sdl = parseSdl(fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
    const roots = [
      ...Object.keys(sdl.getQueryType()!.getFields()).map((f) => `Query.${f}`),
      ...Object.keys(sdl.getMutationType()!.getFields()).map((f) => `Mutation.${f}`),
    ].sort();
    const covered = [...TARGETED, ...OWN].map((op) => `${op.type}.${op.field}`);
    expect([...new Set(covered)].sort()).toEqual(roots);
    for (const op of [...TARGETED, ...OWN]) expect([op.type, op.field, ACCESS_RULES[op.type][op.field]]).toEqual([op.type, op.field, op.gate]);
  });
});

// ---------------------------------------------------------------------------------------------
// Granting: an administrator gives only roles they may grant, and manages only users holding such roles.

const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles } }`;
const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles active displayName jurisdiction { code } } }`;
const RESET = `mutation($username: String!, $password: String!) { resetPassword(username: $username, newPassword: $password) { username } }`;

const GRANTS: { what: string; field: string; query: string; variables: Record<string, unknown>; changes: string }[] = [
  {
    what: 'create a PLATFORM_ADMIN',
    field: 'createUser',
    query: CREATE,
    variables: { input: { username: 'new@321012100', password: NEW_PASSWORD, jurisdictionCode: '321012100', roles: [Role.PLATFORM_ADMIN] } },
    changes: 'new@321012100',
  },
  {
    what: 'create a user with FINANCE and PLATFORM_ADMIN',
    field: 'createUser',
    query: CREATE,
    variables: { input: { username: 'new@321012100', password: NEW_PASSWORD, jurisdictionCode: '321012100', roles: [Role.FINANCE, Role.PLATFORM_ADMIN] } },
    changes: 'new@321012100',
  },
  {
    what: 'grant PLATFORM_ADMIN to a user of the subtree',
    field: 'updateUser',
    query: UPDATE,
    variables: { input: { username: targetAt('321012100'), roles: [Role.PLATFORM_ADMIN] } },
    changes: targetAt('321012100'),
  },
  {
    what: 'rename a PLATFORM_ADMIN',
    field: 'updateUser',
    query: UPDATE,
    variables: { input: { username: GUARDED, displayName: 'Renamed' } },
    changes: GUARDED,
  },
  {
    what: 'deactivate a PLATFORM_ADMIN',
    field: 'updateUser',
    query: UPDATE,
    variables: { input: { username: GUARDED, active: false } },
    changes: GUARDED,
  },
  {
    what: 'demote a PLATFORM_ADMIN',
    field: 'updateUser',
    query: UPDATE,
    variables: { input: { username: GUARDED, roles: [Role.FINANCE] } },
    changes: GUARDED,
  },
  {
    what: 'move a PLATFORM_ADMIN',
    field: 'updateUser',
    query: UPDATE,
    variables: { input: { username: GUARDED, jurisdictionCode: '321012101' } },
    changes: GUARDED,
  },
  {
    what: 'reset the password of a PLATFORM_ADMIN',
    field: 'resetPassword',
    query: RESET,
    variables: { username: GUARDED, password: NEW_PASSWORD },
    changes: GUARDED,
  },
];

describe('granting roles', () => {
  it('follows GRANTABLE_ROLES: a CIVIL_AFFAIRS_ADMIN may not grant PLATFORM_ADMIN, a PLATFORM_ADMIN may', () => {
    expect(GRANTABLE_ROLES.CIVIL_AFFAIRS_ADMIN).not.toContain(Role.PLATFORM_ADMIN);
    expect(GRANTABLE_ROLES.PLATFORM_ADMIN).toContain(Role.PLATFORM_ADMIN);
  });

  it.each(GRANTS)('a CIVIL_AFFAIRS_ADMIN may not $what: FORBIDDEN, no row changed', async ({ field, query, variables }) => {
    const before = await userRows();
    const res = await h.gql(query, variables, actors.get(Role.CIVIL_AFFAIRS_ADMIN)!.token);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data?.[field] ?? null).toBeNull();
    expect(await userRows()).toEqual(before);
  });

  it.each(GRANTS)('a PLATFORM_ADMIN may $what', async ({ query, variables, changes }) => {
    const before = await userRows();
    const res = await h.gql(query, variables, actors.get(Role.PLATFORM_ADMIN)!.token);
    expect(res.errors).toBeUndefined();
    expect(changedRows(before, await userRows())).toEqual([changes]);
  });

  it('lets a CIVIL_AFFAIRS_ADMIN read a PLATFORM_ADMIN of the subtree (reading is not managing)', async () => {
    const res = await h.gql(`query($u: String!) { user(username: $u) { username roles } }`, { u: GUARDED }, actors.get(Role.CIVIL_AFFAIRS_ADMIN)!.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.user).toEqual({ username: GUARDED, roles: [Role.PLATFORM_ADMIN] });
  });
});

// ---------------------------------------------------------------------------------------------
// The shield rule map: a diff in the snapshot is a permission change; every field has a rule.

describe('ACCESS_RULES', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildApiSchema();
  });

  it('matches the reviewed snapshot', () => {
    expect(ACCESS_RULES).toMatchSnapshot();
  });

  it('has an entry for every field of every object type, and only for fields that exist', () => {
    const fields = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .filter((type) => !type.name.startsWith('__'))
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`))
      .sort();
    const ruled = Object.entries(ACCESS_RULES)
      .flatMap(([type, rules]) => Object.keys(rules).map((field) => `${type}.${field}`))
      .sort();
    expect(fields.filter((field) => !ruled.includes(field))).toEqual([]);
    expect(ruled.filter((field) => !fields.includes(field))).toEqual([]);
  });

  it('opens root fields only by sign-in, a capability or (for login) to everyone; nested fields are reachable', () => {
    const capabilities: string[] = Object.values(Capability);
    for (const [type, rules] of Object.entries(ACCESS_RULES)) {
      for (const [field, gate] of Object.entries(rules)) {
        if (type === 'Query' || type === 'Mutation') {
          expect([`${type}.${field}`, gate === 'signed-in' || capabilities.includes(gate) || (gate === 'public' && field === 'login')]).toEqual([
            `${type}.${field}`,
            true,
          ]);
        } else {
          expect([`${type}.${field}`, gate]).toEqual([`${type}.${field}`, 'reachable']);
        }
      }
    }
  });
});
