import type { Actor, Capability, Role } from '../kernel/actor';
import { rolesWith } from './roles';

/** The role under which the actor uses `capability` (the first that carries it), or null. */
export function actingRole(actor: Actor, capability: Capability): Role | null {
  return rolesWith(actor.roles, capability)[0] ?? null;
}
