import { Role } from '../../src/kernel/actor';
import { addMonths, thisMonthInChina } from '../../src/kernel/dates';
import { sharedCaches } from '../../src/db/shared-cache';
import { createUser, smallTree, type TestUser } from '../support/factories';
import { useHarness } from '../support/harness';

const h = useHarness();

const MONTH = thisMonthInChina();
const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
const SCHEME = `query($id: ID!) { subsidyScheme(id: $id) { id name inForce { fromMonth toMonth tiers { amountFen } } versions { fromMonth toMonth } } }`;
const ADD_VERSION = `mutation($id: ID!, $version: SchemeVersionInput!) { addSubsidySchemeVersion(id: $id, version: $version) { id } }`;
const END = `mutation($id: ID!, $lastMonth: Month!) { endSubsidyScheme(id: $id, lastMonth: $lastMonth) { id } }`;
const APPLICABLE = `query($at: String) { subsidySchemes(at: $at) { id inForce { fromMonth toMonth tiers { amountFen } } } }`;

const version = (fromMonth: string, amountFen: number) => ({
  fromMonth,
  funding: [{ level: 'COUNTY', weight: 1 }],
  tiers: [{ name: '80周岁及以上', amountFen, minAge: 80 }],
});

let county: TestUser;

/** A scheme set by the county (江都区), in force from two months ago; its id. */
async function countyScheme(): Promise<string> {
  const res = await h.gql(
    CREATE_SCHEME,
    { input: { jurisdictionCode: '321012', name: '高龄津贴', kind: 'OLD_AGE_ALLOWANCE', version: version(addMonths(MONTH, -2), 5000) } },
    county.token,
  );
  expect(res.errors).toBeUndefined();
  return res.data.createSubsidyScheme.id;
}

beforeEach(async () => {
  await smallTree(h.db);
  county = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
});

describe('a subsidy scheme out of reach', () => {
  const BY_ID: [string, string, (id: string) => Record<string, unknown>][] = [
    ['subsidyScheme', SCHEME, (id) => ({ id })],
    ['addSubsidySchemeVersion', ADD_VERSION, (id) => ({ id, version: version(addMonths(MONTH, 1), 6000) })],
    ['endSubsidyScheme', END, (id) => ({ id, lastMonth: MONTH })],
  ];

  it.each(BY_ID)('%s answers a missing id exactly as one set in another county: FORBIDDEN, same message', async (_field, query, variables) => {
    const id = await countyScheme();
    const other = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const before = await h.db.query(`SELECT count(*)::int AS versions, count(to_month)::int AS ended FROM subsidy_scheme_version`);
    const outside = await h.gql(query, variables(id), other.token);
    const missing = await h.gql(query, variables('999999'), other.token);
    const answer = (res: typeof outside) => ({ errors: res.errors!.length, code: res.errors![0].extensions.code, message: res.errors![0].message });
    expect(answer(outside)).toEqual({ errors: 1, code: 'FORBIDDEN', message: 'No such subsidy scheme for your jurisdiction' });
    expect(answer(missing)).toEqual(answer(outside));
    expect(await h.db.query(`SELECT count(*)::int AS versions, count(to_month)::int AS ended FROM subsidy_scheme_version`)).toEqual(before);
  });

  it('reads a scheme set above the caller’s home (it applies there) but may not change it', async () => {
    const id = await countyScheme();
    const town = await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_ADMIN]);
    const read = await h.gql(SCHEME, { id }, town.token);
    expect(read.errors).toBeUndefined();
    expect(read.data.subsidyScheme).toMatchObject({ id, name: '高龄津贴' });
    const end = await h.gql(END, { id, lastMonth: MONTH }, town.token);
    expect(end.errors![0]).toMatchObject({ message: 'No such subsidy scheme for your jurisdiction', extensions: { code: 'FORBIDDEN' } });
  });
});

describe('changing a subsidy scheme', () => {
  /** Records whether the server had heard the cache notices of what was committed before it answered. */
  function watchSync() {
    const caches = sharedCaches(h.app);
    const sync = caches.sync.bind(caches);
    const state = { synced: 0 };
    const spy = jest.spyOn(caches, 'sync').mockImplementation(async () => {
      await sync();
      state.synced += 1;
    });
    return { state, restore: () => spy.mockRestore() };
  }

  it('answers a new version, and then the end, only once the server has heard their notices; the next read shows each', async () => {
    const id = await countyScheme();
    const watch = watchSync();
    try {
      const added = await h.gql(ADD_VERSION, { id, version: version(MONTH, 6000) }, county.token);
      expect(added.errors).toBeUndefined();
      expect(watch.state.synced).toBe(1);
      const afterAdd = await h.gql(SCHEME, { id }, county.token);
      expect(afterAdd.data.subsidyScheme.inForce).toEqual({ fromMonth: MONTH, toMonth: null, tiers: [{ amountFen: 6000 }] });
      expect(afterAdd.data.subsidyScheme.versions).toEqual([
        { fromMonth: addMonths(MONTH, -2), toMonth: addMonths(MONTH, -1) },
        { fromMonth: MONTH, toMonth: null },
      ]);

      const ended = await h.gql(END, { id, lastMonth: MONTH }, county.token);
      expect(ended.errors).toBeUndefined();
      expect(watch.state.synced).toBe(2);
      const afterEnd = await h.gql(APPLICABLE, { at: '321012100001' }, county.token);
      expect(afterEnd.data.subsidySchemes).toEqual([{ id, inForce: { fromMonth: MONTH, toMonth: MONTH, tiers: [{ amountFen: 6000 }] } }]);
    } finally {
      watch.restore();
    }
  });

  it('answers a new scheme and a new floor only once the server has heard their notices', async () => {
    const watch = watchSync();
    try {
      await countyScheme();
      expect(watch.state.synced).toBe(1);
      const floor = await h.gql(
        `mutation($input: CreateFloorInput!) { createSubsidyFloor(input: $input) { id } }`,
        { input: { jurisdictionCode: '321012', kind: 'OLD_AGE_ALLOWANCE', amountFen: 3000, fromMonth: MONTH } },
        county.token,
      );
      expect(floor.errors).toBeUndefined();
      expect(watch.state.synced).toBe(2);
    } finally {
      watch.restore();
    }
  });
});
