import type { DataSource } from 'typeorm';
import type { Actor } from '../kernel/actor';
import { grantableBy } from '../access/roles';
import { Capability, Role } from '../kernel/actor';
import { grantFor, requireAccess, requireActor, requireReach } from '../access/scope';
import { recordAudit } from '../audit/audit.service';
import { mutation, type Write } from '../audit/mutation';
import { throughCache } from '../db/shared-cache';
import { cacheRegion } from '../db/cache-registry';
import { facilityService } from '../facilities/facility.service';
import type { Context } from '../kernel/context';
import { BadUserInputError, ConflictError, LimitExceededError, UnauthenticatedError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { CreateUserInput, UpdateUserInput } from './user.inputs';
import { checkPasswordPolicy, decoyHash, hashAcceptable, verifyPassword } from './password';
import { loginThrottle } from './login-throttle';
import { issueToken, verifyToken, type IssuedToken } from './token';
import { userRepository, type ActorRow, type UserRow } from './user.repository';
import { caregiverLookup } from './caregiver-link';
import {
  checkCaregiverRoles,
  checkCaregiverUpdate,
  checkGrantable,
  checkManageable,
  checkNotPeer,
  checkOrganisation,
  parseDisplayName,
  parseUsername,
  USERNAME,
} from './user.rules';
import { text } from '../kernel/messages';

const NOT_IN_SCOPE = { denial: text('USER_NOT_IN_SCOPE') };

// Who holds a token is read on every request: kept across requests, cleared by any change of a user
// or of the tree (db/shared-cache.ts), and by the API's own user writes as soon as they commit.
const actorRows = (dataSource: DataSource) => cacheRegion<number, ActorRow>(dataSource, 'actors');

export interface UserListArgs {
  under?: string | null;
  role?: Role | null;
  active?: boolean | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

export const userService = {
  /** The actor a token stands for, or UNAUTHENTICATED when the token, the user or the password is no longer good. */
  async authenticate(ctx: Pick<Context, 'dataSource' | 'db'>, token: string): Promise<Actor> {
    const claims = verifyToken(token);
    const actors = await throughCache(actorRows(ctx.dataSource), [claims.userId], async ([id]) => {
      const found = await userRepository.actorById(ctx.db, id);
      return new Map(found ? [[id, Object.freeze(found)]] : []);
    });
    const row = actors.get(claims.userId);
    if (!row || !row.active || row.tokenVersion !== claims.tokenVersion) {
      throw new UnauthenticatedError(text('TOKEN_REVOKED'));
    }
    return {
      userId: row.id,
      username: row.username,
      roles: row.roles,
      jurisdictionId: row.jurisdictionId,
      jurisdictionCode: row.jurisdictionCode,
      jurisdictionPath: row.jurisdictionPath,
      jurisdictionLevel: row.jurisdictionLevel as JurisdictionLevel,
      organisationId: row.organisationId,
      caregiverId: row.caregiverId,
    };
  },

  /**
   * A token for a user whose password matches; the same answer for an unknown user, a wrong password
   * and an inactive account. A (username, address) pair or an account that failed too often is
   * answered LIMIT_EXCEEDED with `retryAfterSeconds`, before any password is checked.
   */
  async login(ctx: Context, rawUsername: string, password: string): Promise<IssuedToken & { user: UserRow }> {
    const username = rawUsername.trim().toLowerCase();
    const key = { username: username.slice(0, 64), address: ctx.clientAddress };
    const waitSeconds = await loginThrottle.waitFor(ctx.db, key);
    // The slow hash runs before the transaction, so that sign-ins never hold a pooled connection for it.
    const user = waitSeconds > 0 ? null : await userRepository.credentialsByUsername(ctx.db, username);
    const matches = waitSeconds > 0 ? false : await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    const granted = waitSeconds === 0 && user !== null && matches && user.active;
    if (waitSeconds === 0 && !granted) {
      // Counted outside the sign-in's transaction, which rolls back on the refusal.
      for (const lock of await loginThrottle.failed(ctx.db, key)) {
        await recordAudit(ctx.db, ctx.requestId, 'login.lock', {
          actorId: user?.id ?? null,
          actorUsername: key.username,
          actorRole: null,
          jurisdictionId: user?.jurisdictionId ?? null,
          targetType: 'User',
          targetIds: user ? [user.username] : [],
          detail: { scope: lock.scope, address: key.address, seconds: lock.seconds },
        }, 'SUCCESS', null);
      }
    }
    return mutation(ctx, { action: 'login', capability: null }, async ({ tx, target, at, actor }) => {
      actor(user?.id ?? ctx.actor?.userId ?? null, key.username);
      target('User', user ? [user.username] : []);
      if (user) at(user.jurisdictionId);
      if (waitSeconds > 0) {
        throw new LimitExceededError(text('TOO_MANY_SIGN_INS', { seconds: waitSeconds }), { retryAfterSeconds: waitSeconds });
      }
      if (!granted) throw new UnauthenticatedError(text('WRONG_CREDENTIALS'));
      await loginThrottle.succeeded(tx, key);
      const { passwordHash: _hash, ...profile } = user;
      return { ...issueToken(user.id, user.tokenVersion), user: profile };
    });
  },

  /** Lifts the sign-in locks of a user the caller manages (after failed sign-ins from any address). */
  async unlockLogin(ctx: Context, rawUsername: string): Promise<UserRow> {
    return mutation(ctx, { action: 'unlockLogin', capability: Capability.MANAGE_USERS }, async (write) => {
      const target = await lockManaged(write, rawUsername, 'username');
      write.detail({ lifted: await loginThrottle.unlock(write.tx, target.username) });
      return target;
    });
  },

  async me(ctx: Context): Promise<UserRow> {
    const actor = requireActor(ctx);
    const [row] = await userRepository.byIds(ctx.db, [actor.userId]);
    return row;
  },

  /** A user whose home lies in the caller's subtree; FORBIDDEN otherwise, whether or not the user exists. */
  async get(ctx: Context, rawUsername: string): Promise<UserRow> {
    const user = await userRepository.byUsername(ctx.db, parseUsername(rawUsername, 'username'));
    requireAccess(ctx, Capability.READ_USERS, [user], NOT_IN_SCOPE);
    return user!;
  },

  /** Users whose home lies below (or at) `under`, default the caller's home, by username. */
  async list(ctx: Context, args: UserListArgs): Promise<Page<UserRow>> {
    const grant = grantFor(ctx, Capability.READ_USERS);
    const underPath = args.under ? (await jurisdictionService.get(ctx, args.under, 'under')).path : grant.path;
    const first = pageSize(args.first);
    const after = decodeCursor(args.after, (key) => USERNAME.test(key));
    const search = args.search?.trim().toLowerCase() || null;
    if (search !== null && search.length > 64) throw new BadUserInputError('search', 'must be at most 64 characters');
    const filter = { underPath, role: args.role ?? null, active: args.active ?? null, usernameContains: search };
    const rows = await userRepository.search(ctx.db, filter, after, first + 1);
    return toPage(rows, first, (row) => row.username, () => userRepository.count(ctx.db, filter));
  },

  /** Creates a user at or below the caller's jurisdiction, with roles the caller may grant. */
  async create(ctx: Context, input: CreateUserInput): Promise<UserRow> {
    const passwordHash = await hashAcceptable(input.password);
    return mutation(ctx, { action: 'createUser', capability: Capability.MANAGE_USERS }, async (write) => {
      const { tx, ctx, grant, target, at, detail } = write;
      const username = parseUsername(input.username, 'input.username');
      target('User', [username]);
      checkPasswordPolicy(input.password, 'input.password');
      const displayName = parseDisplayName(input.displayName, 'input.displayName');
      const home = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(home.id);
      const roles = checkGrantable(grant!.actor, input.roles, 'input.roles');
      checkCaregiverRoles(roles, input.caregiverId);
      const caregiver = input.caregiverId == null ? null : await caregiverLookup()(write, input.caregiverId, 'input.caregiverId');
      if (caregiver?.linked) throw new ConflictError(text('CAREGIVER_HAS_ACCOUNT'), 'input.caregiverId');
      if (caregiver && input.organisationCreditCode) throw new BadUserInputError('input.organisationCreditCode', 'a caregiver’s account belongs to the caregiver’s organisation: leave it out');
      const organisation = input.organisationCreditCode
        ? await facilityService.organisationByCode(tx, input.organisationCreditCode, 'input.organisationCreditCode')
        : null;
      checkOrganisation(roles, organisation?.id ?? null);
      detail({
        jurisdictionCode: home.code,
        roles,
        ...(organisation ? { organisation: organisation.creditCode } : {}),
        ...(caregiver ? { caregiverId: caregiver.caregiverId } : {}),
      });
      const created = await userRepository.insert(tx, {
        username,
        displayName,
        passwordHash: passwordHash!,
        jurisdictionId: home.id,
        roles,
        organisationId: caregiver?.organisationId ?? organisation?.id ?? null,
        caregiverId: caregiver?.caregiverId ?? null,
      });
      if (!created) throw new ConflictError(text('USERNAME_TAKEN', { username }), 'input.username');
      return created;
    });
  },

  /** Changes another user's roles, home, name or active flag; the caller must be able to grant every role involved. */
  async update(ctx: Context, input: UpdateUserInput): Promise<UserRow> {
    return mutation(ctx, { action: 'updateUser', capability: Capability.MANAGE_USERS }, async (write) => {
      const { tx, ctx, grant } = write;
      const { actor } = grant!;
      const target = await lockManaged(write, input.username, 'input.username');
      const changes: Parameters<typeof userRepository.update>[2] = {};
      const changingSelf = target.id === actor.userId;
      if (input.roles != null) {
        if (changingSelf) throw new BadUserInputError('input.roles', 'you cannot change your own roles');
        changes.roles = checkGrantable(actor, input.roles, 'input.roles');
      }
      if (input.active != null) {
        if (changingSelf && !input.active) throw new BadUserInputError('input.active', 'you cannot deactivate yourself');
        changes.active = input.active;
      }
      if (input.jurisdictionCode != null) {
        if (changingSelf) throw new BadUserInputError('input.jurisdictionCode', 'you cannot move yourself');
        const home = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
        changes.jurisdictionId = home.id;
      }
      if (input.displayName !== undefined) changes.displayName = parseDisplayName(input.displayName, 'input.displayName');
      if (input.organisationCreditCode != null) {
        const organisation = await facilityService.organisationByCode(tx, input.organisationCreditCode, 'input.organisationCreditCode');
        changes.organisationId = organisation.id;
      }
      checkCaregiverUpdate(target, changes.roles, changes.organisationId !== undefined && changes.organisationId !== target.organisationId);
      checkOrganisation(changes.roles ?? target.roles, changes.organisationId ?? target.organisationId);
      write.detail({
        ...(changes.roles ? { roles: changes.roles, previousRoles: target.roles } : {}),
        ...(changes.active !== undefined ? { active: changes.active } : {}),
        ...(input.jurisdictionCode != null ? { jurisdictionCode: input.jurisdictionCode } : {}),
        ...(input.organisationCreditCode != null ? { organisation: input.organisationCreditCode } : {}),
      });
      return userRepository.update(tx, target.id, changes);
    });
  },

  /**
   * Sets a new password for a user the caller manages whose home lies strictly below the caller's
   * (a peer's is FORBIDDEN: see `checkNotPeer`). Their tokens stop working.
   */
  async resetPassword(ctx: Context, rawUsername: string, newPassword: string): Promise<UserRow> {
    const passwordHash = await hashAcceptable(newPassword);
    return mutation(ctx, { action: 'resetPassword', capability: Capability.MANAGE_USERS }, async (write) => {
      const target = await lockManaged(write, rawUsername, 'username');
      checkNotPeer(write.grant!.actor, target);
      checkPasswordPolicy(newPassword, 'newPassword');
      return userRepository.update(write.tx, target.id, { passwordHash: passwordHash! });
    });
  },

  /** Changes the caller's own password after checking the current one; returns a fresh token. */
  async changePassword(ctx: Context, currentPassword: string, newPassword: string): Promise<IssuedToken & { user: UserRow }> {
    const actor = requireActor(ctx);
    // Both slow hashes run before the transaction; inside it, the password checked must still be the stored one.
    const checked = await userRepository.passwordHashById(ctx.db, actor.userId);
    const matches = checked !== null && (await verifyPassword(currentPassword, checked));
    const passwordHash = matches && newPassword !== currentPassword ? await hashAcceptable(newPassword) : null;
    return mutation(ctx, { action: 'changePassword', capability: null }, async ({ tx, target }) => {
      target('User', [actor.username]);
      const stored = await userRepository.passwordHashById(tx, actor.userId, true);
      if (!matches || stored !== checked) throw new BadUserInputError('currentPassword', 'is not your current password');
      checkPasswordPolicy(newPassword, 'newPassword');
      if (newPassword === currentPassword) throw new BadUserInputError('newPassword', 'must differ from the current password');
      const user = await userRepository.update(tx, actor.userId, { passwordHash: passwordHash! });
      return { ...issueToken(user.id, user.tokenVersion), user };
    });
  },

  /** Roles the caller may give to others. */
  grantableRoles(ctx: Context): Role[] {
    return grantableBy(requireActor(ctx).roles);
  },
};

/**
 * The user a MANAGE_USERS mutation acts on, locked and named in its audit entry: one whose home the
 * mutation's grant reaches (FORBIDDEN alike for a user outside the subtree and a missing one), and
 * who holds only roles the caller could grant.
 */
async function lockManaged(write: Write, rawUsername: string, field: string): Promise<UserRow> {
  const username = parseUsername(rawUsername, field);
  write.target('User', [username]);
  const user = await userRepository.byUsername(write.tx, username, true);
  const grant = requireReach(write.grant!, [user], NOT_IN_SCOPE);
  checkManageable(grant.actor, user!);
  write.at(user!.jurisdictionId);
  return user!;
}
