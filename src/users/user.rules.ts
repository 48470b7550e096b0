import { grantableBy } from '../access/roles';
import { Role, type Actor } from '../kernel/actor';
import { denied } from '../access/scope';
import { BadUserInputError } from '../kernel/errors';
import type { UserRow } from './user.repository';

// What user administration must satisfy beyond reaching the account: who may grant which role, and
// who may take over whose account. These are rules of user administration, not of place.

export const USERNAME = /^[a-z0-9][a-z0-9._@-]{2,63}$/;

/** A username in its stored form (trimmed, lower case), or BAD_USER_INPUT naming the field. */
export function parseUsername(raw: string, field: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new BadUserInputError(field, 'must be 3 to 64 lower-case letters, digits or . _ @ -, starting with a letter or digit');
  }
  return username;
}

export function parseDisplayName(raw: string | null | undefined, field: string): string | null {
  const name = raw?.trim() || null;
  if (name !== null && name.length > 100) throw new BadUserInputError(field, 'must be at most 100 characters');
  return name;
}

/** The roles, each once in declaration order, when the actor may grant every one of them; FORBIDDEN otherwise. */
export function checkGrantable(actor: Actor, roles: readonly Role[], field: string): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw new BadUserInputError(field, 'must name at least one role');
  const grantable = new Set(grantableBy(actor.roles));
  if (unique.some((role) => !grantable.has(role))) throw denied(`You may not grant ${unique.filter((r) => !grantable.has(r)).join(', ')}`);
  return Object.values(Role).filter((role) => unique.includes(role));
}

/** Returns when the actor could have granted every role the user holds: no one manages an account that outranks what they may give. */
export function checkManageable(actor: Actor, user: Pick<UserRow, 'roles'>): void {
  const grantable = new Set(grantableBy(actor.roles));
  if (user.roles.some((role) => !grantable.has(role))) throw denied('You may not manage a user with these roles');
}

/**
 * Returns when the user's home lies strictly below the actor's: a peer at the same node (another admin,
 * the leadership office) is FORBIDDEN, so that no admin can take over an account of equal standing.
 */
export function checkNotPeer(actor: Actor, user: Pick<UserRow, 'jurisdictionId'>): void {
  if (user.jurisdictionId === actor.jurisdictionId) {
    throw denied('You may reset the password only of users below your jurisdiction; a peer changes their own, or an administrator above resets it');
  }
}

/**
 * A caregiver's account stands for one caregiver and acts as nothing else: CAREGIVER comes alone and with
 * its caregiver, and a caregiver is named only for a CAREGIVER.
 */
export function checkCaregiverRoles(roles: readonly Role[], caregiverId: string | null | undefined): void {
  const caregiver = roles.includes(Role.CAREGIVER);
  if (caregiver && roles.length > 1) throw new BadUserInputError('input.roles', 'a CAREGIVER account holds no other role');
  if (caregiver && (caregiverId === null || caregiverId === undefined)) throw new BadUserInputError('input.caregiverId', 'a CAREGIVER account must name its caregiver');
  if (!caregiver && caregiverId !== null && caregiverId !== undefined) throw new BadUserInputError('input.caregiverId', 'is only for a CAREGIVER account');
}

/** Returns when an update keeps a caregiver's account a caregiver's (and any other account not one), and its organisation the caregiver's. */
export function checkCaregiverUpdate(user: Pick<UserRow, 'roles' | 'caregiverId'>, roles: readonly Role[] | undefined, organisationChanged: boolean): void {
  const linked = user.caregiverId !== null;
  if (roles !== undefined && roles.includes(Role.CAREGIVER) !== linked) {
    throw new BadUserInputError('input.roles', linked ? 'a caregiver’s account stays a CAREGIVER account' : 'a CAREGIVER account is created for its caregiver (createUser with caregiverId)');
  }
  if (linked && organisationChanged) throw new BadUserInputError('input.organisationCreditCode', 'a caregiver’s account belongs to the caregiver’s organisation');
}

// A service provider acts for an organisation: without one it would have nothing to work on.
export function checkOrganisation(roles: readonly Role[], organisationId: number | null): void {
  if (roles.includes(Role.SERVICE_PROVIDER) && organisationId === null) {
    throw new BadUserInputError('input.organisationCreditCode', 'a SERVICE_PROVIDER must belong to an organisation');
  }
}
