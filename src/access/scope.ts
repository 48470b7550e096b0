import { Role, type Actor, type Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { ForbiddenError, UnauthenticatedError } from '../kernel/errors';
import type { Text } from '../kernel/messages';
import { actingRole } from './actor';
import { rolesWith } from './roles';

// The one access layer: every read and write asks here whether the caller may use a capability, and
// on which rows. A row is judged by where it is placed in the tree (its division code) and, for a
// SERVICE_PROVIDER, by the organisation that operates it; for a CAREGIVER, by whether it is their own record. Anything the caller may not reach is
// FORBIDDEN, with the same answer whether or not it exists: a code is judged before it is looked up,
// and a row that is missing is refused exactly as one outside the subtree.

/** What the caller may do under one capability. */
export interface Grant {
  actor: Actor;
  /** The role under which the caller acts (the first of theirs that carries the capability). */
  role: Role;
  /** The caller's subtree, as an ltree path and as a division-code prefix. */
  path: string;
  code: string;
  /**
   * Null when the caller reaches every row of the subtree; else only rows operated by this
   * organisation (a SERVICE_PROVIDER; -1 when its account names none, so that it reaches nothing).
   */
  organisationId: number | null;
  /**
   * Null unless the caller acts as a CAREGIVER: then only the row of this caregiver (-1 when the account
   * is linked to none), wherever it is based: the record is the person's own.
   */
  caregiverId: number | null;
}

/** A row as the access layer judges it. */
export interface Placed {
  /** The division code of the node the row belongs to (a facility's unit, a person's village, a scheme's owner…). */
  jurisdictionCode: string;
  /** The organisation operating the row, for kinds a SERVICE_PROVIDER reaches (facilities). */
  organisationId?: number | null;
  /** The caregiver the row is, for the kinds a CAREGIVER reaches (their own record). */
  caregiverId?: number | null;
}

export interface Reach<T> {
  /**
   * Every code through which the row is reached (default: its `jurisdictionCode`); any one in reach
   * grants it: a supervision item is reached from its issuer and from the unit it is assigned to.
   */
  at?: (row: T) => readonly string[];
  /**
   * Whether rows placed above the caller reach it too: rules set by an ancestor apply to the
   * caller's subtree (subsidy schemes, the notices that name its level).
   */
  lineage?: boolean;
  /** The denial's message (default: the generic one); the code is FORBIDDEN whatever it says. */
  denial?: string | Text;
}

/** The caller, or UNAUTHENTICATED. */
export function requireActor(ctx: Context): Actor {
  if (!ctx.actor) throw new UnauthenticatedError();
  return ctx.actor;
}

/** The one denial: what the caller may not reach, whether or not it exists. */
export function denied(message?: string | Text): ForbiddenError {
  return new ForbiddenError(message);
}

/** The role under which the caller uses `capability`, or FORBIDDEN. */
export function requireCapability(ctx: Context, capability: Capability): Role {
  const role = actingRole(requireActor(ctx), capability);
  if (!role) throw denied();
  return role;
}

/** What the caller may do under `capability` (FORBIDDEN without it): their subtree, narrowed for a provider to its organisation. */
export function grantFor(ctx: Context, capability: Capability): Grant {
  const actor = requireActor(ctx);
  const roles = rolesWith(actor.roles, capability);
  if (roles.length === 0) throw denied();
  // A role that carries the capability without the provider's (or the caregiver's) narrowing reaches the whole subtree.
  const narrowed = roles.every((role) => role === Role.SERVICE_PROVIDER);
  const own = roles.every((role) => role === Role.CAREGIVER);
  return {
    actor,
    role: roles[0],
    path: actor.jurisdictionPath,
    code: actor.jurisdictionCode,
    organisationId: narrowed ? (actor.organisationId ?? -1) : null,
    caregiverId: own ? (actor.caregiverId ?? -1) : null,
  };
}

// Division codes carry their ancestry as a prefix, so a code's place relative to the caller's home is
// known before any lookup: a denial for a code outside never depends on whether it exists.
function inSubtree(actor: Actor, code: string): boolean {
  return code.startsWith(actor.jurisdictionCode);
}

/** Whether a division code lies in the caller's subtree (or, with `lineage`, above it). */
export function codeReached(actor: Actor, code: string, lineage = false): boolean {
  return inSubtree(actor, code) || (lineage && code !== '' && actor.jurisdictionCode.startsWith(code));
}

/** Whether the grant reaches `row`. */
export function reaches<T extends Placed>(grant: Grant, row: T, reach: Reach<T> = {}): boolean {
  if (grant.caregiverId !== null) return row.caregiverId === grant.caregiverId;
  const codes = reach.at ? reach.at(row) : [row.jurisdictionCode];
  if (!codes.some((code) => codeReached(grant.actor, code, reach.lineage))) return false;
  return grant.organisationId === null || row.organisationId === grant.organisationId;
}

/**
 * The grant under `capability` when it reaches every one of `rows` (as loaded, a missing one
 * `null`/`undefined`); FORBIDDEN for the whole set otherwise, without saying which or why.
 */
export function requireAccess<T extends Placed>(
  ctx: Context,
  capability: Capability,
  rows: readonly (T | null | undefined)[],
  reach: Reach<T> = {},
): Grant {
  return requireReach(grantFor(ctx, capability), rows, reach);
}

/**
 * `grant` when it reaches every one of `rows` (as loaded, a missing one `null`/`undefined`); FORBIDDEN
 * for the whole set otherwise: `requireAccess` for work that already holds its grant (a mutation's).
 */
export function requireReach<T extends Placed>(grant: Grant, rows: readonly (T | null | undefined)[], reach: Reach<T> = {}): Grant {
  if (!rows.every((row) => row != null && reaches(grant, row, reach))) throw denied(reach.denial);
  return grant;
}

/** Returns when every division code lies in the caller's subtree; FORBIDDEN otherwise, judged before anything is looked up. */
export function requireCodes(ctx: Context, codes: readonly string[], denial?: string | Text): void {
  const actor = requireActor(ctx);
  if (!codes.every((code) => inSubtree(actor, code))) throw denied(denial);
}
