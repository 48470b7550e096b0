import type { JurisdictionLevel } from '../jurisdictions/division-codes';
import { Capability, Role, rolesWith } from './roles';

/** The signed-in user as the access checks see them: roles and the subtree they act in. */
export interface Actor {
  userId: number;
  username: string;
  roles: Role[];
  jurisdictionId: number;
  jurisdictionCode: string;
  jurisdictionPath: string;
  jurisdictionLevel: JurisdictionLevel;
  /** The organisation a SERVICE_PROVIDER works for; it sees only that organisation's facilities. */
  organisationId: number | null;
}

/** The role under which the actor uses `capability` (the first that carries it), or null. */
export function actingRole(actor: Actor, capability: Capability): Role | null {
  return rolesWith(actor.roles, capability)[0] ?? null;
}

// Division codes carry their ancestry as a prefix, so a code's place relative to the actor's
// home is known before any lookup: a denial for a code outside never depends on whether it exists.
export function codeInScope(actor: Actor, code: string): boolean {
  return code.startsWith(actor.jurisdictionCode);
}
