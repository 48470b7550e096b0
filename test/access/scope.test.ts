import { denied, grantFor, reaches, requireAccess, requireCodes } from '../../src/access/scope';
import { Capability, Role, type Actor } from '../../src/kernel/actor';
import type { Context } from '../../src/kernel/context';
import { JurisdictionLevel } from '../../src/kernel/division-codes';

// The one access layer, judged on rows as the features load them: a row is placed by its division
// code (and, for what a provider operates, its organisation); what the caller may not reach is
// FORBIDDEN, the same answer for a row that does not exist.

const TOWN = '321012100';

function contextOf(roles: Role[], organisationId: number | null = null, caregiverId: number | null = null): Context {
  const actor: Actor = {
    userId: 1,
    username: 'u',
    roles,
    jurisdictionId: 7,
    jurisdictionCode: TOWN,
    jurisdictionPath: '32.3210.321012.321012100',
    jurisdictionLevel: JurisdictionLevel.TOWN,
    organisationId,
    caregiverId,
  };
  return { actor, requestId: 'r', clientAddress: '127.0.0.1', locale: 'en', loaders: new Map() } as unknown as Context;
}

const code = (error: unknown) => (error as { extensions?: { code?: string } }).extensions?.code;
const attempt = (work: () => unknown) => {
  try {
    work();
    return 'OK';
  } catch (error) {
    return code(error);
  }
};

describe('the access layer (src/access/scope.ts)', () => {
  const staff = contextOf([Role.CIVIL_AFFAIRS_STAFF]);

  it('reaches rows of the subtree, the home node included, and no others', () => {
    expect(attempt(() => requireAccess(staff, Capability.READ_FACILITIES, [{ jurisdictionCode: TOWN }, { jurisdictionCode: '321012100001' }]))).toBe('OK');
    expect(attempt(() => requireAccess(staff, Capability.READ_FACILITIES, [{ jurisdictionCode: '321012101001' }]))).toBe('FORBIDDEN');
    // The level above the home is outside.
    expect(attempt(() => requireAccess(staff, Capability.READ_FACILITIES, [{ jurisdictionCode: '321012' }]))).toBe('FORBIDDEN');
  });

  it('refuses a whole set when one row is missing or out of reach, with the same answer as for a row outside', () => {
    const missing = (() => {
      try {
        requireAccess(staff, Capability.READ_FACILITIES, [{ jurisdictionCode: TOWN }, null]);
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    const outside = (() => {
      try {
        requireAccess(staff, Capability.READ_FACILITIES, [{ jurisdictionCode: '33' }]);
      } catch (error) {
        return error as Error;
      }
      return null;
    })();
    expect([code(missing), missing?.message]).toEqual([code(outside), outside?.message]);
    expect(code(missing)).toBe('FORBIDDEN');
  });

  it('refuses a capability the caller does not hold, and an anonymous caller', () => {
    expect(attempt(() => grantFor(staff, Capability.MANAGE_USERS))).toBe('FORBIDDEN');
    expect(attempt(() => grantFor({ ...staff, actor: null }, Capability.READ_FACILITIES))).toBe('UNAUTHENTICATED');
  });

  it('narrows a service provider to the rows its organisation operates', () => {
    const provider = contextOf([Role.SERVICE_PROVIDER], 42);
    const grant = grantFor(provider, Capability.READ_FACILITIES);
    expect(grant.organisationId).toBe(42);
    expect(reaches(grant, { jurisdictionCode: TOWN, organisationId: 42 })).toBe(true);
    expect(reaches(grant, { jurisdictionCode: TOWN, organisationId: 43 })).toBe(false);
    expect(reaches(grant, { jurisdictionCode: TOWN, organisationId: null })).toBe(false);
    // Without an organisation on the account a provider reaches nothing.
    expect(grantFor(contextOf([Role.SERVICE_PROVIDER]), Capability.READ_FACILITIES).organisationId).toBe(-1);
    // A role without the narrowing that carries the capability too lifts it.
    expect(grantFor(contextOf([Role.SERVICE_PROVIDER, Role.CIVIL_AFFAIRS_STAFF], 42), Capability.READ_FACILITIES).organisationId).toBeNull();
  });

  // «上門服務人員要…佩帶工作牌» (seed 004 篇四): a caregiver reads their own record and card, and nothing of anyone else.
  it('narrows a caregiver to their own caregiver row, wherever it is based, and to nothing else', () => {
    const caregiver = contextOf([Role.CAREGIVER], null, 9);
    const grant = grantFor(caregiver, Capability.READ_CAREGIVERS);
    expect(grant.caregiverId).toBe(9);
    expect(reaches(grant, { jurisdictionCode: '110101001001', caregiverId: 9 })).toBe(true);
    expect(reaches(grant, { jurisdictionCode: TOWN, caregiverId: 10 })).toBe(false);
    expect(reaches(grant, { jurisdictionCode: TOWN })).toBe(false);
    expect(grantFor(contextOf([Role.CAREGIVER]), Capability.READ_CAREGIVERS).caregiverId).toBe(-1);
    expect(attempt(() => grantFor(caregiver, Capability.READ_TREE))).toBe('FORBIDDEN');
    expect(grantFor(contextOf([Role.CIVIL_AFFAIRS_STAFF]), Capability.READ_CAREGIVERS).caregiverId).toBeNull();
  });

  it('reaches rows placed above the caller only with lineage, and a row through any of its codes', () => {
    const grant = grantFor(staff, Capability.READ_POLICIES);
    expect(reaches(grant, { jurisdictionCode: '3210' })).toBe(false);
    expect(reaches(grant, { jurisdictionCode: '3210' }, { lineage: true })).toBe(true);
    expect(reaches(grant, { jurisdictionCode: '3211' }, { lineage: true })).toBe(false);
    const item = { jurisdictionCode: '321012', responsibleCode: '321012100001' };
    expect(reaches(grant, item)).toBe(false);
    expect(reaches(grant, item, { at: (row) => [row.jurisdictionCode, row.responsibleCode] })).toBe(true);
  });

  it('judges codes before anything is looked up, and denies with the message asked for', () => {
    expect(attempt(() => requireCodes(staff, [TOWN, '321012100999']))).toBe('OK');
    expect(attempt(() => requireCodes(staff, ['321012101']))).toBe('FORBIDDEN');
    expect(denied('No such facility in your jurisdiction').message).toBe('No such facility in your jurisdiction');
  });
});
