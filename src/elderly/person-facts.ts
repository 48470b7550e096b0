import type { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from './elderly-kinds';

/** A person's facts as the rules read them; categories and assessments carry their days. */
export interface PersonFacts {
  id: number;
  birthDate: string;
  status: PersonStatus;
  statusSince: string | null;
  hukouCode: string;
  residentSince: string | null;
  livingSituations: readonly LivingSituation[];
  ownMonthlyIncomeFen: number | null;
  householdMonthlyIncomeFen: number | null;
  categories: readonly { category: HardshipCategory; validFrom: string; validTo: string | null }[];
  /** Oldest first. */
  assessments: readonly { level: AbilityLevel; assessedOn: string; validUntil: string }[];
}
