import { Role } from '../../src/kernel/actor';
import { createUser, smallTree, type TestUser } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness({ MAX_PAGE_SIZE: '100' });

const NODE = `code name level townKind villageKind parent { code name level } ancestors { code name level }
  descendantCounts { cities counties towns villages total }`;

describe('jurisdiction(code)', () => {
  let county: TestUser;
  beforeEach(async () => {
    await smallTree(h.db);
    county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_STAFF]);
  });

  it('returns the home node with breadcrumb, kinds and counts', async () => {
    const res = await h.gql(`{ jurisdiction(code: "321012") { ${NODE} children { totalCount edges { node { code townKind } } } } }`, {}, county.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.jurisdiction).toEqual({
      code: '321012',
      name: '江都区',
      level: 'COUNTY',
      townKind: null,
      villageKind: null,
      parent: { code: '3210', name: '扬州市', level: 'CITY' },
      ancestors: [
        { code: '32', name: '江苏省', level: 'PROVINCE' },
        { code: '3210', name: '扬州市', level: 'CITY' },
      ],
      descendantCounts: { cities: 0, counties: 0, towns: 2, villages: 3, total: 5 },
      children: {
        totalCount: 2,
        edges: [
          { node: { code: '321012100', townKind: 'TOWN' } },
          { node: { code: '321012101', townKind: 'TOWN' } },
        ],
      },
    });
  });

  it('tells village kinds apart', async () => {
    const res = await h.gql(`{ a: jurisdiction(code: "321012100001") { villageKind } b: jurisdiction(code: "321012101200") { villageKind } }`, {}, county.token);
    expect(res.data).toEqual({ a: { villageKind: 'COMMUNITY' }, b: { villageKind: 'VILLAGE' } });
  });

  it.each([
    ['an ancestor', '3210'],
    ['a sibling county', '321023'],
    ['a cousin village', '321023100001'],
    ['another province', '110101'],
    ['a code outside that does not exist', '4419'],
  ])('refuses %s with FORBIDDEN and no data', async (_what, code) => {
    const res = await h.gql(`query($code: String!) { jurisdiction(code: $code) { code name } }`, { code }, county.token);
    expect(res.data?.jurisdiction).toBeNull();
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
  });

  it('answers a code outside the subtree alike whether or not it names a node', async () => {
    const answer = async (code: string) => {
      const res = await h.gql(`query($code: String!) { jurisdiction(code: $code) { code } }`, { code }, county.token);
      return { data: res.data, errors: res.errors?.map((e) => [e.extensions.code, e.message]) };
    };
    const missing = await answer('441900');
    expect(missing.errors).toEqual([['FORBIDDEN', expect.any(String)]]);
    expect(await answer('321023')).toEqual(missing);
  });

  it('answers NOT_FOUND for a missing code inside the subtree', async () => {
    const res = await h.gql(`{ jurisdiction(code: "321012999") { code } }`, {}, county.token);
    expect(errorCodes(res)).toEqual(['NOT_FOUND']);
  });

  it('answers BAD_USER_INPUT naming the field for a malformed code', async () => {
    const res = await h.gql(`{ jurisdiction(code: "32101") { code } }`, {}, county.token);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'code' });
  });

  it('answers UNAUTHENTICATED without a token, and for a forged one', async () => {
    const anonymous = await h.gql(`{ jurisdiction(code: "321012") { code } }`);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    const forged = await h.gql(`{ jurisdiction(code: "321012") { code } }`, {}, `${county.token.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(errorCodes(forged)).toEqual(['UNAUTHENTICATED']);
  });
});

describe('children and jurisdictions(...)', () => {
  let province: TestUser;
  beforeEach(async () => {
    await smallTree(h.db);
    province = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
  });

  it('pages children with cursors', async () => {
    const first = await h.gql(`{ jurisdiction(code: "3210") { children(first: 1) { totalCount edges { node { code } } pageInfo { hasNextPage endCursor } } } }`, {}, province.token);
    const page1 = first.data.jurisdiction.children;
    expect(page1.totalCount).toBe(2);
    expect(page1.edges.map((e: any) => e.node.code)).toEqual(['321012']);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await h.gql(
      `query($after: String) { jurisdiction(code: "3210") { children(first: 1, after: $after) { edges { node { code } } pageInfo { hasNextPage } } } }`,
      { after: page1.pageInfo.endCursor },
      province.token,
    );
    expect(second.data.jurisdiction.children).toEqual({ edges: [{ node: { code: '321023' } }], pageInfo: { hasNextPage: false } });
  });

  it('lists the subtree by level and by name, never outside it', async () => {
    const villages = await h.gql(`{ jurisdictions(level: VILLAGE) { totalCount edges { node { code } } } }`, {}, province.token);
    expect(villages.data.jurisdictions.totalCount).toBe(5);
    expect(villages.data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual([
      '320102002001',
      '321012100001',
      '321012100002',
      '321012101200',
      '321023100001',
    ]);
    const named = await h.gql(`{ jurisdictions(search: "镇") { totalCount edges { node { name } } } }`, {}, province.token);
    expect(named.data.jurisdictions.totalCount).toBe(3);
    expect(named.data.jurisdictions.edges.map((e: any) => e.node.name)).toEqual(['仙女镇', '小纪镇', '安宜镇']);
    const under = await h.gql(`{ jurisdictions(under: "321012", level: TOWN) { totalCount edges { node { code } } } }`, {}, province.token);
    expect(under.data.jurisdictions.totalCount).toBe(2);
    const literal = await h.gql(`{ jurisdictions(search: "%") { totalCount } }`, {}, province.token);
    expect(literal.data.jurisdictions.totalCount).toBe(0);
  });

  it('refuses pages over the cap and cursors it did not make', async () => {
    const big = await h.gql(`{ jurisdictions(first: 101) { totalCount } }`, {}, province.token);
    expect(big.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const bogus = await h.gql(`{ jurisdictions(after: "not-a-cursor") { totalCount } }`, {}, province.token);
    expect(bogus.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('refuses listing under a node outside the subtree', async () => {
    const res = await h.gql(`{ jurisdictions(under: "11") { totalCount } }`, {}, province.token);
    expect(errorCodes(res)).toEqual(['FORBIDDEN']);
    expect(res.data).toBeNull();
  });
});
