import { Role } from '../../src/kernel/actor';
import { requireScope } from '../../src/access/scope';
import type { Context } from '../../src/kernel/context';
import { createUser, smallTree } from '../support/factories';
import { useHarness } from '../support/harness';

const h = useHarness();

describe('requireScope', () => {
  async function contextAt(code: string): Promise<Context> {
    await smallTree(h.db);
    const user = await createUser(h.db, code, [Role.CIVIL_AFFAIRS_STAFF]);
    const [home] = await h.db.query(`SELECT id, code, path::text AS path, level FROM jurisdiction WHERE code = $1`, [code]);
    return {
      dataSource: h.db,
      db: h.db.manager,
      requestId: 'test',
      clientAddress: '127.0.0.1',
      locale: 'en',
      loaders: new Map(),
      actor: {
        userId: user.id,
        username: user.username,
        roles: [Role.CIVIL_AFFAIRS_STAFF],
        jurisdictionId: home.id,
        jurisdictionCode: home.code,
        jurisdictionPath: home.path,
        jurisdictionLevel: home.level,
        organisationId: null,
      },
    };
  }
  const idsOf = async (...codes: string[]): Promise<number[]> =>
    (await h.db.query(`SELECT id FROM jurisdiction WHERE code = ANY($1) ORDER BY code`, [codes])).map((r: { id: number }) => r.id);

  it('passes a batch that lies wholly in the subtree, the home node included', async () => {
    const ctx = await contextAt('321012');
    await expect(requireScope(ctx, await idsOf('321012', '321012100', '321012101200', '321012100001'))).resolves.toBeUndefined();
  });

  it.each([
    ['an ancestor', '3210'],
    ['a sibling', '321023'],
    ['another province', '110101'],
  ])('refuses the whole batch when one id is %s', async (_what, outside) => {
    const ctx = await contextAt('321012');
    await expect(requireScope(ctx, await idsOf('321012100', outside))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses an id that does not exist exactly like one outside', async () => {
    const ctx = await contextAt('321012');
    await expect(requireScope(ctx, [...(await idsOf('321012100')), 999_999])).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});
