import type { EntityManager } from 'typeorm';
import type { Context } from '../graphql/context';
import { ForbiddenError, UnauthenticatedError } from '../graphql/errors';
import { actingRole, type Actor } from './actor';
import type { Capability, Role } from './roles';

/** The caller, or UNAUTHENTICATED. */
export function requireActor(ctx: Context): Actor {
  if (!ctx.actor) throw new UnauthenticatedError();
  return ctx.actor;
}

/** The role under which the caller uses `capability`, or FORBIDDEN. */
export function requireCapability(ctx: Context, capability: Capability): Role {
  const actor = requireActor(ctx);
  const role = actingRole(actor, capability);
  if (!role) throw new ForbiddenError();
  return role;
}

/** Returns when every jurisdiction id lies in the caller's subtree; FORBIDDEN for the whole batch otherwise (one query). */
export async function requireScope(ctx: Context, jurisdictionIds: readonly number[], manager?: EntityManager): Promise<void> {
  const actor = requireActor(ctx);
  const ids = [...new Set(jurisdictionIds)];
  if (ids.length === 0) return;
  const [{ inside }] = await (manager ?? ctx.db).query(
    `SELECT count(*)::int AS inside FROM jurisdiction WHERE id = ANY($1::int[]) AND path <@ $2::ltree`,
    [ids, actor.jurisdictionPath],
  );
  if (inside !== ids.length) throw new ForbiddenError();
}
