import type { Write } from '../audit/mutation';

/** The caregiver an account is created for, as the caregivers feature found it for the caller. */
export interface CaregiverLink {
  caregiverId: number;
  /** The provider organisation the caregiver works for: the account's organisation too. */
  organisationId: number;
  /** Whether an account already stands for the caregiver. */
  linked: boolean;
}

/**
 * Finds the caregiver named by `rawId` that the mutation's grant reaches (FORBIDDEN otherwise, whether or
 * not it exists), locked until the transaction ends. The caregivers feature registers it at start-up
 * (src/app/schema.ts), so that user administration imports nothing of it.
 */
export type CaregiverLookup = (write: Write, rawId: string, field: string) => Promise<CaregiverLink>;

let lookup: CaregiverLookup | null = null;

export function registerCaregiverLookup(found: CaregiverLookup): void {
  lookup = found;
}

export function caregiverLookup(): CaregiverLookup {
  if (!lookup) throw new Error('no caregiver lookup registered: build the schema through buildApiSchema');
  return lookup;
}
