import type { Actor, Capability, Role } from '../kernel/actor';
import { rolesWith } from './roles';


/** The role under which the actor uses `capability` (the first that carries it), or null. */
export function actingRole(actor: Actor, capability: Capability): Role | null {
  return rolesWith(actor.roles, capability)[0] ?? null;
}

// Division codes carry their ancestry as a prefix, so a code's place relative to the actor's
// home is known before any lookup: a denial for a code outside never depends on whether it exists.
export function codeInScope(actor: Actor, code: string): boolean {
  return code.startsWith(actor.jurisdictionCode);
}
