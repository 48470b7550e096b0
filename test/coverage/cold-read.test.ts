import { Role } from '../../src/kernel/actor';
import { countyOfTowns, createUser, facilityWithHistory, insertJurisdictions } from '../support/factories';
import { watchStatements } from '../support/cached-writes';
import { forgetCaches, useHarness } from '../support/harness';

const h = useHarness();

// A node's figures read for the first time (none of it in the server's caches) cost at most one SQL
// statement more than the API's floor, `{ me { username } }`, both counted with every cache empty (the
// caller is read then too). The node, its figures and, for its rank, its siblings and theirs come in
// one statement: as many as the floor's own. A query that ranks nothing reads the node alone.

const FLOOR = `{ me { username } }`;
const COVERAGE = `query($code: String!) {
  jurisdiction(code: $code) { coverage(metric: VILLAGE_SERVICE) { numerator denominator } }
}`;
const RANKED = `query($code: String!) {
  jurisdiction(code: $code) { coverage(metric: VILLAGE_SERVICE) { numerator denominator rank rankedAmong } }
}`;
const STATS = `query($code: String!) {
  jurisdiction(code: $code) { facilityStats { count(type: MUTUAL_AID_CENTER, status: OPERATING) } }
}`;

// 扬州市 with two counties: 321084 of 6 towns (town t covers t % 3 of its 2 villages) and 321081 of 3.
async function tree(): Promise<void> {
  await insertJurisdictions(h.db, [['32', '江苏省'], ['3210', '扬州市']]);
  await countyOfTowns(h, '321084', 6);
  await countyOfTowns(h, '321081', 3);
}

async function cold(query: string, variables: Record<string, unknown>, token: string) {
  await forgetCaches(h);
  const res = await h.gql(query, variables, token);
  expect(res.errors).toBeUndefined();
  return { data: res.data, statements: res.extensions?.sqlStatements as number };
}

describe('a cold read of one node’s figures', () => {
  it.each([
    ['a town', '321084102', { numerator: 2, denominator: 2, rank: 1, rankedAmong: 6 }],
    ['a village', '321084101201', { numerator: 1, denominator: 1, rank: 1, rankedAmong: 2 }],
    ['a county', '321084', { numerator: 6, denominator: 12, rank: 1, rankedAmong: 2 }],
    ['a city', '3210', { numerator: 9, denominator: 18, rank: 1, rankedAmong: 1 }],
  ])('costs one statement beyond the floor for %s, plain and ranked', async (_, code, figure) => {
    await tree();
    const office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    const floor = await cold(FLOOR, {}, office.token);

    const plain = await cold(COVERAGE, { code }, office.token);
    expect(plain.data.jurisdiction.coverage).toEqual({ numerator: figure.numerator, denominator: figure.denominator });
    expect(plain.statements).toBeLessThanOrEqual(floor.statements + 1);
    expect(plain.statements).toBe(floor.statements);

    const ranked = await cold(RANKED, { code }, office.token);
    expect(ranked.data.jurisdiction.coverage).toEqual(figure);
    expect(ranked.statements).toBeLessThanOrEqual(floor.statements + 1);
    expect(ranked.statements).toBe(floor.statements);
  });

  it('costs one statement beyond the floor for a caller who cannot see the parent (no rank), and for the facility figures', async () => {
    await tree();
    const admin = await createUser(h.db, '321084', [Role.CIVIL_AFFAIRS_ADMIN], 'county-reader');
    const floor = await cold(FLOOR, {}, admin.token);
    const ranked = await cold(RANKED, { code: '321084' }, admin.token);
    expect(ranked.data.jurisdiction.coverage).toEqual({ numerator: 6, denominator: 12, rank: null, rankedAmong: null });
    expect(ranked.statements).toBe(floor.statements);
    const stats = await cold(STATS, { code: '321084' }, admin.token);
    expect(stats.data.jurisdiction.facilityStats).toEqual({ count: 6 });
    expect(stats.statements).toBe(floor.statements);
  });

  it('reads the siblings along only for a query that ranks the node', async () => {
    await tree();
    const office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    // The parameters of the node's read say whether its siblings come along ($2 of the repository's withFigures).
    const siblingsRead = async (query: string): Promise<unknown[]> => {
      const watch = watchStatements();
      try {
        await cold(query, { code: '321084102' }, office.token);
      } finally {
        watch.stop();
      }
      return watch.sent.filter((s) => s.values[0] === '321084102' && /CROSS JOIN LATERAL/.test(s.sql)).map((s) => s.values[1]);
    };
    expect(await siblingsRead(COVERAGE)).toEqual([false]);
    expect(await siblingsRead(RANKED)).toEqual([true]);
    // Through a fragment, too.
    expect(await siblingsRead(`fragment R on Coverage { rank } query($code: String!) { jurisdiction(code: $code) { coverage(metric: VILLAGE_SERVICE) { ...R } } }`)).toEqual([true]);
  });

  it('keeps the siblings’ figures it read along only until they change', async () => {
    await tree();
    const office = await createUser(h.db, '32', [Role.LEADERSHIP_OFFICE]);
    const admin = await createUser(h.db, '321084', [Role.CIVIL_AFFAIRS_ADMIN], 'county-writer');
    // Town 3 covers none of its villages; reading town 1 reads it along, then a village of town 3 is covered.
    expect((await cold(RANKED, { code: '321084101' }, office.token)).data.jurisdiction.coverage).toEqual({
      numerator: 1,
      denominator: 2,
      rank: 3,
      rankedAmong: 6,
    });
    // What was read along of town 2 is its coverage: its facility figures are read, not taken for none.
    const stats = await h.gql(STATS, { code: '321084102' }, office.token);
    expect(stats.data.jurisdiction.facilityStats).toEqual({ count: 2 });
    await facilityWithHistory(h, admin.token, {
      name: '互助3-1',
      type: 'MUTUAL_AID_CENTER',
      jurisdictionCode: '321084103201',
      services: [],
      status: 'OPERATING',
      since: '2025-02-01',
    });
    const town3 = await h.gql(RANKED, { code: '321084103' }, office.token);
    expect(town3.errors).toBeUndefined();
    expect(town3.data.jurisdiction.coverage).toEqual({ numerator: 1, denominator: 2, rank: 3, rankedAmong: 6 });
    const county = await h.gql(COVERAGE, { code: '321084' }, office.token);
    expect(county.data.jurisdiction.coverage).toEqual({ numerator: 7, denominator: 12 });
  });
});
