import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { createUser, insertOrganisation, smallTree } from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';

const h = useHarness();

// Usernames, national IDs and credit codes are unique nationwide: a CONFLICT must say that what the
// caller sent is taken, and nothing of where, by whom or under what name (docs/accounts.md).
describe('CONFLICT answers about what another jurisdiction registered', () => {
  it('name only what the caller sent: no jurisdiction, name or id from outside the caller’s subtree', async () => {
    await smallTree(h.db);
    const jiangdu = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const baoying = await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]);
    const nationalId = `32101219440301001${nationalIdCheck('32101219440301001')}`;
    const secrets = ['321012', '江都', '仙女镇', '东苑', '王秀英', '颐和', '张伟'];

    const user = await h.gql(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`,
      { input: { username: 'zhangwei', displayName: '张伟', password: 'a-new-password-9', jurisdictionCode: '321012100', roles: ['FINANCE'] } },
      jiangdu.token,
    );
    expect(user.errors).toBeUndefined();
    const person = await h.gql(
      `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
      { input: { nationalId, name: '王秀英', villageCode: '321012100001', hukouCode: '321012100001' } },
      jiangdu.token,
    );
    expect(person.errors).toBeUndefined();
    const organisation = await insertOrganisation(h.db, 7, '江都区颐和养老服务中心');

    const answers: [string, GraphQLResponse][] = [
      [
        'input.username',
        await h.gql(
          `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`,
          { input: { username: 'zhangwei', password: 'a-new-password-9', jurisdictionCode: '321023', roles: ['FINANCE'] } },
          baoying.token,
        ),
      ],
      [
        'input.nationalId',
        await h.gql(
          `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
          { input: { nationalId, name: '李四', villageCode: '321023100001', hukouCode: '321023100001' } },
          baoying.token,
        ),
      ],
      [
        'input.operator.name',
        await h.gql(
          `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`,
          {
            input: {
              name: '城南日间照料中心',
              type: 'DAY_CARE_CENTER',
              jurisdictionCode: '321023100001',
              operator: { creditCode: organisation.creditCode, name: '宝应县另一家机构' },
              services: ['MEALS'],
            },
          },
          baoying.token,
        ),
      ],
    ];
    for (const [field, answer] of answers) {
      expect({ field, codes: errorCodes(answer), answered: answer.errors![0].extensions.field }).toEqual({ field, codes: ['CONFLICT'], answered: field });
      // What the caller sent may be repeated (a credit code carries its region): the rest must tell nothing.
      const said = answer.errors![0].message.replace(organisation.creditCode, '<sent>').replace(nationalId, '<sent>');
      for (const secret of secrets) expect({ field, said, leaks: said.includes(secret) }).toEqual({ field, said, leaks: false });
    }
  });
});
