import { Role } from '../../src/kernel/actor';
import { createUser, insertJurisdictions } from '../support/factories';
import { forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

// A county with 120 towns, each with two villages: enough for pages of 10 and 100.
async function wideCounty(): Promise<void> {
  const nodes: [string, string][] = [
    ['32', '江苏省'],
    ['3210', '扬州市'],
    ['321012', '江都区'],
  ];
  for (let t = 1; t <= 120; t++) {
    const town = `321012${String(100 + t).padStart(3, '0')}`;
    nodes.push([town, `第${t}镇`], [`${town}201`, `第${t}镇一村`], [`${town}202`, `第${t}镇二村`]);
  }
  await insertJurisdictions(h.db, nodes);
}

const LIST = `query($first: Int!) {
  jurisdictions(under: "321012", level: TOWN, first: $first) {
    totalCount
    edges { node { code name parent { name } descendantCounts { villages total } children(first: 5) { totalCount edges { node { code } } } } }
  }
}`;

describe('SQL statements per request', () => {
  it('listing 100 jurisdictions with parent { name } and child counts issues as many statements as listing 10', async () => {
    await wideCounty();
    const { token } = await createUser(h.db, '3210', [Role.ANALYST]);

    await forgetCaches(h);
    const ten = await h.gql(LIST, { first: 10 }, token);
    await forgetCaches(h);
    const hundred = await h.gql(LIST, { first: 100 }, token);
    expect(ten.errors).toBeUndefined();
    expect(hundred.errors).toBeUndefined();
    expect(ten.data.jurisdictions.edges).toHaveLength(10);
    expect(hundred.data.jurisdictions.edges).toHaveLength(100);
    expect(hundred.data.jurisdictions.totalCount).toBe(120);
    expect(hundred.data.jurisdictions.edges[99].node).toEqual({
      code: '321012200',
      name: '第100镇',
      parent: { name: '江都区' },
      descendantCounts: { villages: 2, total: 2 },
      children: { totalCount: 2, edges: [{ node: { code: '321012200201' } }, { node: { code: '321012200202' } }] },
    });
    // 1 sign-in lookup + 1 node under + 1 page + 1 batch of parents + 1 batch of children pages.
    expect(ten.extensions?.sqlStatements).toBe(5);
    expect(hundred.extensions?.sqlStatements).toBe(ten.extensions?.sqlStatements);
  });

  it('answers the sign-in, the tree nodes and short child lists of a repeated request from the caches', async () => {
    await wideCounty();
    const { token } = await createUser(h.db, '3210', [Role.ANALYST]);
    await forgetCaches(h);
    const cold = await h.gql(LIST, { first: 10 }, token);
    const warm = await h.gql(LIST, { first: 10 }, token);
    expect(warm.data).toEqual(cold.data);
    // Cold: sign-in, the county by code, the page of towns, their parent, their children. Warm: the
    // page of towns (a search, never cached) alone.
    expect(cold.extensions?.sqlStatements).toBe(5);
    expect(warm.extensions?.sqlStatements).toBe(1);
  });
});
