import { Role } from '../../src/kernel/actor';
import { mutation } from '../../src/audit/mutation';
import { MUTATION_AUDIT } from '../../src/audit/refusals';
import type { Context } from '../../src/kernel/context';
import { ConflictError } from '../../src/kernel/errors';
import { thisMonthInChina } from '../../src/kernel/dates';
import { buildApiSchema } from '../../src/app/schema';
import { createUser, smallTree, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const RUN = `mutation($code: String!, $month: Month!) { runEntitlements(code: $code, month: $month) { id } }`;
const CREATE_FACILITY = `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`;
const NOTE = `mutation($id: ID!, $note: String!) { addSupervisionNote(id: $id, note: $note) { id } }`;
const END_SCHEME = `mutation($id: ID!, $lastMonth: Month!) { endSubsidyScheme(id: $id, lastMonth: $lastMonth) { id } }`;
const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id name } }`;
const CHANGE_PASSWORD = `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { token } }`;

const FACILITY = { name: '东苑社区互助养老中心', type: 'MUTUAL_AID_CENTER', jurisdictionCode: '321012100001' };
const scheme = (name: string) => ({
  jurisdictionCode: '321012',
  name,
  kind: 'OLD_AGE_ALLOWANCE',
  version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '80周岁及以上', amountFen: 5000, minAge: 80 }] },
});

// The address the harness's requests come from.
const CLIENT = '127.0.0.1';

let admin: TestUser;
let worker: TestUser;

beforeEach(async () => {
  await smallTree(h.db);
  admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
  worker = await createUser(h.db, '321012100', [Role.VILLAGE_WORKER]);
});

const entries = () =>
  h.db.query(
    `SELECT a.actor_username, a.action, a.target_type, a.target_ids, a.outcome, a.error_code, a.error_message, j.code AS jurisdiction,
            a.client_address, a.detail
     FROM audit_entry a LEFT JOIN jurisdiction j ON j.id = a.jurisdiction_id ORDER BY a.id`,
  );

describe('refused mutations', () => {
  const cases = [
    {
      kind: 'FORBIDDEN at the capability gate (a village worker runs entitlements)',
      send: () => h.gql(RUN, { code: '321012100', month: thisMonthInChina() }, worker.token),
      entry: () => ({ actor_username: worker.username, action: 'entitlementRun.run', target_type: 'Jurisdiction', target_ids: ['321012100'], jurisdiction: '321012100' }),
      code: 'FORBIDDEN',
    },
    {
      kind: 'UNAUTHENTICATED (no token)',
      send: () => h.gql(CREATE_FACILITY, { input: FACILITY }, null),
      entry: () => ({ actor_username: null, action: 'createFacility', target_type: 'Jurisdiction', target_ids: ['321012100001'], jurisdiction: null }),
      code: 'UNAUTHENTICATED',
    },
    {
      kind: 'UNAUTHENTICATED on a signed-in mutation about the caller’s own account',
      send: () => h.gql(CHANGE_PASSWORD, { current: 'whatever-1', next: 'whatever-2' }, null),
      entry: () => ({ actor_username: null, action: 'changePassword', target_type: 'User', target_ids: [], jurisdiction: null }),
      code: 'UNAUTHENTICATED',
    },
    {
      kind: 'BAD_USER_INPUT on an argument checked before the transaction (a month out of range)',
      send: () => h.gql(RUN, { code: '321012', month: '2099-01' }, admin.token),
      entry: () => ({ actor_username: admin.username, action: 'entitlementRun.run', target_type: 'Jurisdiction', target_ids: ['321012'], jurisdiction: '321012' }),
      code: 'BAD_USER_INPUT',
    },
    {
      kind: 'BAD_USER_INPUT on a malformed id',
      send: () => h.gql(NOTE, { id: 'abc', note: '已督促' }, admin.token),
      entry: () => ({ actor_username: admin.username, action: 'supervisionItem.note', target_type: 'SupervisionItem', target_ids: ['abc'], jurisdiction: '321012' }),
      code: 'BAD_USER_INPUT',
    },
    {
      kind: 'FORBIDDEN inside the transaction, for a record that does not exist',
      send: () => h.gql(END_SCHEME, { id: '999', lastMonth: thisMonthInChina() }, admin.token),
      entry: () => ({ actor_username: admin.username, action: 'subsidyScheme.end', target_type: 'SubsidyScheme', target_ids: ['999'], jurisdiction: '321012' }),
      code: 'FORBIDDEN',
    },
  ];

  it.each(cases)('$kind: one FAILURE entry naming actor, action, code and target', async ({ send, entry, code }) => {
    const res = await send();
    expect(errorCodes(res)).toEqual([code]);
    const rows = await entries();
    expect(rows).toEqual([
      { ...entry(), outcome: 'FAILURE', error_code: code, error_message: res.errors![0].message, client_address: CLIENT, detail: null },
    ]);
  });

  it('CONFLICT on a create names the jurisdiction it would have created in, after the SUCCESS of the first', async () => {
    expect((await h.gql(CREATE_SCHEME, { input: scheme('江都区高龄津贴') }, admin.token)).errors).toBeUndefined();
    const res = await h.gql(CREATE_SCHEME, { input: scheme('江都区高龄津贴') }, admin.token);
    expect(errorCodes(res)).toEqual(['CONFLICT']);
    const rows = await entries();
    expect(rows.map((row: any) => [row.outcome, row.error_code, row.action, row.target_type, row.target_ids.length])).toEqual([
      ['SUCCESS', null, 'subsidyScheme.create', 'SubsidyScheme', 1],
      ['FAILURE', 'CONFLICT', 'subsidyScheme.create', 'Jurisdiction', 1],
    ]);
    expect(rows[1].target_ids).toEqual(['321012']);
    expect(rows[1].error_message).toBe(res.errors![0].message);
  });

  it('records each mutation of a multi-mutation request once: the one that went through, and the refused one', async () => {
    const res = await h.gql(
      `mutation($input: CreateSchemeInput!) {
        created: createSubsidyScheme(input: $input) { id }
        refused: runEntitlements(code: "321012", month: "2099-01") { id }
      }`,
      { input: scheme('江都区高龄津贴') },
      admin.token,
    );
    // The refused field is non-null: its error empties `data`, after the first mutation ran.
    expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
    expect(await h.db.query(`SELECT name FROM subsidy_scheme`)).toEqual([{ name: '江都区高龄津贴' }]);
    const rows = await entries();
    expect(rows.map((row: any) => [row.action, row.outcome])).toEqual([
      ['subsidyScheme.create', 'SUCCESS'],
      ['entitlementRun.run', 'FAILURE'],
    ]);
  });

  it('shows a refusal at the gate to the auditors of the caller’s home, with its message and the client’s address', async () => {
    await h.gql(RUN, { code: '321012100', month: thisMonthInChina() }, worker.token);
    const res = await h.gql(
      `{ auditTrail(outcome: FAILURE) { totalCount edges { node { action actorUsername targetType targetIds errorCode errorMessage clientAddress jurisdiction { code } } } } }`,
      {},
      admin.token,
    );
    expect(res.data.auditTrail.edges.map((e: any) => e.node)).toEqual([
      {
        action: 'entitlementRun.run',
        actorUsername: worker.username,
        targetType: 'Jurisdiction',
        targetIds: ['321012100'],
        errorCode: 'FORBIDDEN',
        errorMessage: expect.stringMatching(/not allowed/i),
        clientAddress: CLIENT,
        jurisdiction: { code: '321012100' },
      },
    ]);
  });

  it('declares an action and a target for every mutation of the schema', async () => {
    const schema = await buildApiSchema();
    expect(Object.keys(MUTATION_AUDIT).sort()).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
  });
});

describe('text the database could not store', () => {
  it('never lets a lone surrogate reach a mutation: the input check refuses it on its field, and nothing is written', async () => {
    const res = await h.gql(CREATE_SCHEME, { input: scheme('高龄津贴\uD800') }, admin.token);
    expect(res.errors?.map((e) => [e.extensions.code, e.extensions.field])).toEqual([['BAD_USER_INPUT', 'input.name']]);
    expect(await h.db.query(`SELECT id FROM subsidy_scheme`)).toEqual([]);
  });

  it('records a failure whose detail and message hold lone surrogates and NULs', async () => {
    const ctx: Context = { actor: null, dataSource: h.db, db: h.db.manager, requestId: 'test-surrogates', clientAddress: CLIENT, locale: 'en', loaders: new Map() };
    const failing = mutation(ctx, { action: 'test.surrogates', capability: null }, async ({ target, detail }) => {
      target('Note', ['n\uDC001']);
      detail({ note: 'a\uD800b\u0000c', ['key\uDBFF']: ['\uDFFFx', '\uD83D\uDE00'] });
      throw new ConflictError('taken: \uD800\u0000!');
    });
    await expect(failing).rejects.toThrow(ConflictError);
    const rows = await entries();
    expect(rows).toEqual([
      {
        actor_username: null,
        action: 'test.surrogates',
        target_type: 'Note',
        target_ids: ['n\uFFFD1'],
        outcome: 'FAILURE',
        error_code: 'CONFLICT',
        error_message: 'taken: \uFFFD!',
        jurisdiction: null,
        client_address: CLIENT,
        // A pair stays a pair: only a lone half is replaced.
        detail: { note: 'a\uFFFDbc', 'key\uFFFD': ['\uFFFDx', '\uD83D\uDE00'] },
      },
    ]);
  });
});
