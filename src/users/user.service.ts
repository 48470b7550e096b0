import type { DataSource, EntityManager } from 'typeorm';
import type { Actor } from '../kernel/actor';
import { grantableBy } from '../access/roles';
import { Capability, Role } from '../kernel/actor';
import { requireActor, requireCapability } from '../access/scope';
import { audited, recordAudit, type AuditDraft } from '../audit/audit.service';
import { changing, throughCache } from '../db/shared-cache';
import { cacheRegion } from '../db/cache-registry';
import { facilityService } from '../facilities/facility.service';
import type { Context } from '../kernel/context';
import { BadUserInputError, ConflictError, ForbiddenError, LimitExceededError, UnauthenticatedError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { CreateUserInput, UpdateUserInput } from './user.inputs';
import { checkPasswordPolicy, decoyHash, hashAcceptable, verifyPassword } from './password';
import { loginThrottle } from './login-throttle';
import { issueToken, verifyToken, type IssuedToken } from './token';
import { userRepository, type ActorRow, type UserRow } from './user.repository';
import { text } from '../kernel/messages';

const USERNAME = /^[a-z0-9][a-z0-9._@-]{2,63}$/;

/** A username in its stored form (trimmed, lower case), or BAD_USER_INPUT naming the field. */
export function parseUsername(raw: string, field: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME.test(username)) {
    throw new BadUserInputError(field, 'must be 3 to 64 lower-case letters, digits or . _ @ -, starting with a letter or digit');
  }
  return username;
}

function parseDisplayName(raw: string | null | undefined, field: string): string | null {
  const name = raw?.trim() || null;
  if (name !== null && name.length > 100) throw new BadUserInputError(field, 'must be at most 100 characters');
  return name;
}

function checkGrantable(actor: Actor, roles: readonly Role[], field: string): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0) throw new BadUserInputError(field, 'must name at least one role');
  const grantable = new Set(grantableBy(actor.roles));
  if (unique.some((role) => !grantable.has(role))) throw new ForbiddenError(`You may not grant ${unique.filter((r) => !grantable.has(r)).join(', ')}`);
  return Object.values(Role).filter((role) => unique.includes(role));
}

const NOT_IN_SCOPE = text('USER_NOT_IN_SCOPE');

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

// A service provider acts for an organisation: without one it would have nothing to work on.
function checkOrganisation(roles: readonly Role[], organisationId: number | null): void {
  if (roles.includes(Role.SERVICE_PROVIDER) && organisationId === null) {
    throw new BadUserInputError('input.organisationCreditCode', 'a SERVICE_PROVIDER must belong to an organisation');
  }
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
    const draftOf = (draft: AuditDraft) => {
      draft.actorUsername = key.username;
      draft.targetType = 'User';
      if (user) {
        draft.actorId = user.id;
        draft.jurisdictionId = user.jurisdictionId;
        draft.targetIds = [user.username];
      }
      return draft;
    };
    const granted = waitSeconds === 0 && user !== null && matches && user.active;
    if (waitSeconds === 0 && !granted) {
      // Counted outside the sign-in's transaction, which rolls back on the refusal.
      for (const lock of await loginThrottle.failed(ctx.db, key)) {
        const draft = draftOf({ actorId: null, actorUsername: null, actorRole: null, jurisdictionId: null, targetType: null, targetIds: [], detail: null });
        draft.detail = { scope: lock.scope, address: key.address, seconds: lock.seconds };
        await recordAudit(ctx.db, ctx.requestId, 'login.lock', draft, 'SUCCESS', null);
      }
    }
    return audited(ctx, 'login', null, async (tx, draft) => {
      draftOf(draft);
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
    return audited(ctx, 'unlockLogin', Capability.MANAGE_USERS, async (tx, draft, ctx) => {
      const target = await this.lockManagedFor(ctx, tx, draft, rawUsername, 'username');
      draft.detail = { lifted: await loginThrottle.unlock(tx, target.username) };
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
    const actor = requireActor(ctx);
    requireCapability(ctx, Capability.READ_USERS);
    const username = parseUsername(rawUsername, 'username');
    const user = await userRepository.byUsernameUnder(ctx.db, username, actor.jurisdictionPath);
    if (!user) throw new ForbiddenError(NOT_IN_SCOPE);
    return user;
  },

  /** Users whose home lies below (or at) `under`, default the caller's home, by username. */
  async list(ctx: Context, args: UserListArgs): Promise<Page<UserRow>> {
    requireCapability(ctx, Capability.READ_USERS);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const first = pageSize(args.first);
    const after = decodeCursor(args.after, (key) => USERNAME.test(key));
    const search = args.search?.trim().toLowerCase() || null;
    if (search !== null && search.length > 64) throw new BadUserInputError('search', 'must be at most 64 characters');
    const filter = { underPath: under.path, role: args.role ?? null, active: args.active ?? null, usernameContains: search };
    const rows = await userRepository.search(ctx.db, filter, after, first + 1);
    return toPage(rows, first, (row) => row.username, () => userRepository.count(ctx.db, filter));
  },

  /** Creates a user at or below the caller's jurisdiction, with roles the caller may grant. */
  async create(ctx: Context, input: CreateUserInput): Promise<UserRow> {
    const actor = requireActor(ctx);
    const passwordHash = await hashAcceptable(input.password);
    return audited(ctx, 'createUser', Capability.MANAGE_USERS, async (tx, draft, ctx) => {
      requireCapability(ctx, Capability.MANAGE_USERS);
      draft.targetType = 'User';
      const username = parseUsername(input.username, 'input.username');
      draft.targetIds = [username];
      checkPasswordPolicy(input.password, 'input.password');
      const displayName = parseDisplayName(input.displayName, 'input.displayName');
      const home = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = home.id;
      const roles = checkGrantable(actor, input.roles, 'input.roles');
      const organisation = input.organisationCreditCode
        ? await facilityService.organisationByCode(tx, input.organisationCreditCode, 'input.organisationCreditCode')
        : null;
      checkOrganisation(roles, organisation?.id ?? null);
      draft.detail = { jurisdictionCode: home.code, roles, ...(organisation ? { organisation: organisation.creditCode } : {}) };
      const created = await userRepository.insert(tx, {
        username,
        displayName,
        passwordHash: passwordHash!,
        jurisdictionId: home.id,
        roles,
        organisationId: organisation?.id ?? null,
      });
      if (!created) throw new ConflictError(text('USERNAME_TAKEN', { username }), 'input.username');
      return created;
    });
  },

  /** Changes another user's roles, home, name or active flag; the caller must be able to grant every role involved. */
  async update(ctx: Context, input: UpdateUserInput): Promise<UserRow> {
    const actor = requireActor(ctx);
    return changing(ctx.dataSource, () => audited(ctx, 'updateUser', Capability.MANAGE_USERS, async (tx, draft, ctx) => {
      const target = await this.lockManagedFor(ctx, tx, draft, input.username, 'input.username');
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
      checkOrganisation(changes.roles ?? target.roles, changes.organisationId ?? target.organisationId);
      draft.detail = {
        ...(changes.roles ? { roles: changes.roles, previousRoles: target.roles } : {}),
        ...(changes.active !== undefined ? { active: changes.active } : {}),
        ...(input.jurisdictionCode != null ? { jurisdictionCode: input.jurisdictionCode } : {}),
        ...(input.organisationCreditCode != null ? { organisation: input.organisationCreditCode } : {}),
      };
      return userRepository.update(tx, target.id, changes);
    }));
  },

  /**
   * Sets a new password for a user the caller manages whose home lies strictly below the caller's:
   * a peer at the same node (another admin, the leadership office) is FORBIDDEN, so that no admin can
   * take over an account of equal standing. Their tokens stop working.
   */
  async resetPassword(ctx: Context, rawUsername: string, newPassword: string): Promise<UserRow> {
    const actor = requireActor(ctx);
    const passwordHash = await hashAcceptable(newPassword);
    return changing(ctx.dataSource, () => audited(ctx, 'resetPassword', Capability.MANAGE_USERS, async (tx, draft, ctx) => {
      const target = await this.lockManagedFor(ctx, tx, draft, rawUsername, 'username');
      if (target.jurisdictionId === actor.jurisdictionId) {
        throw new ForbiddenError('You may reset the password only of users below your jurisdiction; a peer changes their own, or an administrator above resets it');
      }
      checkPasswordPolicy(newPassword, 'newPassword');
      return userRepository.update(tx, target.id, { passwordHash: passwordHash! });
    }));
  },

  /** Changes the caller's own password after checking the current one; returns a fresh token. */
  async changePassword(ctx: Context, currentPassword: string, newPassword: string): Promise<IssuedToken & { user: UserRow }> {
    const actor = requireActor(ctx);
    // Both slow hashes run before the transaction; inside it, the password checked must still be the stored one.
    const checked = await userRepository.passwordHashById(ctx.db, actor.userId);
    const matches = checked !== null && (await verifyPassword(currentPassword, checked));
    const passwordHash = matches && newPassword !== currentPassword ? await hashAcceptable(newPassword) : null;
    return changing(ctx.dataSource, () => audited(ctx, 'changePassword', null, async (tx, draft) => {
      draft.targetType = 'User';
      draft.targetIds = [actor.username];
      const stored = await userRepository.passwordHashById(tx, actor.userId, true);
      if (!matches || stored !== checked) throw new BadUserInputError('currentPassword', 'is not your current password');
      checkPasswordPolicy(newPassword, 'newPassword');
      if (newPassword === currentPassword) throw new BadUserInputError('newPassword', 'must differ from the current password');
      const user = await userRepository.update(tx, actor.userId, { passwordHash: passwordHash! });
      return { ...issueToken(user.id, user.tokenVersion), user };
    }));
  },

  // The user a MANAGE_USERS mutation acts on, locked and named in its audit entry.
  async lockManagedFor(ctx: Context, tx: EntityManager, draft: AuditDraft, rawUsername: string, field: string): Promise<UserRow> {
    requireCapability(ctx, Capability.MANAGE_USERS);
    draft.targetType = 'User';
    const username = parseUsername(rawUsername, field);
    draft.targetIds = [username];
    const target = await this.lockManaged(ctx, tx, username);
    draft.jurisdictionId = target.jurisdictionId;
    return target;
  },

  // A user the caller may manage: in the subtree, and holding only roles the caller could grant.
  async lockManaged(ctx: Context, tx: EntityManager, username: string): Promise<UserRow> {
    const actor = requireActor(ctx);
    const target = await userRepository.byUsernameUnder(tx, username, actor.jurisdictionPath, true);
    if (!target) throw new ForbiddenError(NOT_IN_SCOPE);
    const grantable = new Set(grantableBy(actor.roles));
    if (target.roles.some((role) => !grantable.has(role))) throw new ForbiddenError('You may not manage a user with these roles');
    return target;
  },

  /** Roles the caller may give to others. */
  grantableRoles(ctx: Context): Role[] {
    return grantableBy(requireActor(ctx).roles);
  },
};
