import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { textProblem } from '../../src/graphql/inputs';
import { createUser, insertJurisdictions, SMALL_TREE } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const VILLAGE = '321012100001';
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;
const person = (overrides: Record<string, unknown>) => ({
  nationalId: `32101219440301001${nationalIdCheck('32101219440301001')}`,
  name: '老人一',
  phone: '13812345670',
  address: '江苏省扬州市江都区仙女镇东苑路1号',
  villageCode: VILLAGE,
  hukouCode: VILLAGE,
  ...overrides,
});

async function staff() {
  await insertJurisdictions(h.db, SMALL_TREE);
  return createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
}

const refused = (res: Awaited<ReturnType<typeof h.gql>>) => [res.status, errorCodes(res), res.errors?.[0].extensions.field];

describe('text a client sends', () => {
  it.each([
    ['a NUL character', '老人\u0000一', 'must not contain the NUL character'],
    ['half of a surrogate pair', '老人\uD83D', 'must be valid Unicode'],
    ['a right-to-left override', '老人\u202E一', 'bidirectional control'],
    ['a directional isolate', '\u2067老人\u2069', 'bidirectional control'],
    ['nothing but zero-width characters', '\u200B\u200C\u200D', 'invisible characters'],
    ['nothing but a byte-order mark and a space', ' \uFEFF ', 'invisible characters'],
  ])('holding %s is refused as BAD_USER_INPUT on the field, and nothing is written', async (_name, name, problem) => {
    const user = await staff();
    const res = await h.gql(REGISTER, { input: person({ name }) }, user.token);
    expect(refused(res)).toEqual([400, ['BAD_USER_INPUT'], 'input.name']);
    expect(res.errors?.[0].message).toContain(problem);
    expect(await h.db.query('SELECT count(*)::int AS n FROM person')).toEqual([{ n: 0 }]);
  });

  it('is checked in literals, lists and nested inputs, signed out too', async () => {
    const user = await staff();
    const literal = await h.gql(`{ jurisdictions(search: "仙女\\u0000") { totalCount } }`, {}, user.token);
    expect(refused(literal)).toEqual([400, ['BAD_USER_INPUT'], 'search']);
    const login = await h.gql(`mutation($u: String!) { login(username: $u, password: "x") { token } }`, { u: 'a\u202Eb' });
    expect(refused(login)).toEqual([400, ['BAD_USER_INPUT'], 'username']);
    const list = await h.gql(
      `mutation($a: [TargetAllocationInput!]!) { allocateTarget(id: 1, allocations: $a) { id } }`,
      { a: [{ jurisdictionCode: '321012100', responsibleUnit: '仙女镇' }, { jurisdictionCode: '321012101', responsibleUnit: '\uDC00' }] },
      user.token,
    );
    expect(refused(list)).toEqual([400, ['BAD_USER_INPUT'], 'allocations[1].responsibleUnit']);
  });

  it('keeps ordinary text: Chinese, emoji, joiners between letters, marks of Arabic and Hebrew script', () => {
    for (const text of ['东苑社区居委会', '👩‍👩‍👧 family', 'Ali عل', 'שלום', 'a\u200Db', '']) expect(textProblem(text)).toBeNull();
  });
});

describe('days a client sends', () => {
  it.each(['0000-01-01', '1899-12-31', '3000-01-01'])('refuses asOf: "%s" as BAD_USER_INPUT on the field (once an internal error)', async (day) => {
    const user = await staff();
    const literal = await h.gql(`{ jurisdiction(code: "321012") { coverage(metric: VILLAGE_SERVICE, asOf: "${day}") { numerator } } }`, {}, user.token);
    expect(refused(literal)).toEqual([400, ['BAD_USER_INPUT'], 'asOf']);
    const variable = await h.gql(`query($d: Date) { jurisdiction(code: "321012") { peopleCounts(asOf: $d) { total } } }`, { d: day }, user.token);
    expect(refused(variable)).toEqual([400, ['BAD_USER_INPUT'], 'asOf']);
  });

  it('refuses a moment of year 0 in DateTimeISO', async () => {
    await insertJurisdictions(h.db, SMALL_TREE);
    const user = await createUser(h.db, '32', [Role.PLATFORM_ADMIN]);
    const res = await h.gql(`{ auditTrail(from: "0000-01-01T00:00:00Z") { totalCount } }`, {}, user.token);
    expect(refused(res)).toEqual([400, ['BAD_USER_INPUT'], 'from']);
  });

  it('takes the first and the last day of the range', async () => {
    const user = await staff();
    const res = await h.gql(`{ jurisdiction(code: "321012") { coverage(metric: VILLAGE_SERVICE, asOf: "1900-01-01") { numerator } } }`, {}, user.token);
    expect(res.errors).toBeUndefined();
  });
});
