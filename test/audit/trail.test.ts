import { Role } from '../../src/kernel/actor';
import { createUser, smallTree } from '../support/factories';
import { errorCodes, useHarness } from '../support/harness';

const h = useHarness();

const CREATE_TARGET = `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`;
const TRAIL = `query($after: String) {
  auditTrail(action: "target.create", first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { targetIds } } }
}`;

describe('the audit trail', () => {
  it('pages newest first, counting every match, and refuses a cursor it did not hand out', async () => {
    await smallTree(h.db);
    const office = await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]);
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const ids: string[] = [];
    for (const title of ['一', '二', '三']) {
      const input = { jurisdictionCode: '321012', title, metric: 'VILLAGE_SERVICE', threshold: 50, startsOn: '2025-01-01', deadline: '2027-12-31' };
      const res = await h.gql(CREATE_TARGET, { input }, office.token);
      expect(res.errors).toBeUndefined();
      ids.push(res.data.createTarget.id);
    }

    const newest = (await h.gql(TRAIL, {}, admin.token)).data.auditTrail;
    expect(newest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true }, edges: [{ node: { targetIds: [ids[2]] } }, { node: { targetIds: [ids[1]] } }] });
    const oldest = (await h.gql(TRAIL, { after: newest.pageInfo.endCursor }, admin.token)).data.auditTrail;
    expect(oldest).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false }, edges: [{ node: { targetIds: [ids[0]] } }] });
    expect(errorCodes(await h.gql(TRAIL, { after: 'bm90IGFuIGlk' }, admin.token))).toEqual(['BAD_USER_INPUT']);
  });
});
