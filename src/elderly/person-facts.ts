import type { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from './elderly-kinds';
import type { Sex } from './national-id';

/** A person's facts as the rules read them; categories and assessments carry their days. */
export interface PersonFacts {
  id: number;
  birthDate: string;
  /** As recorded, which registration checks against the national ID. */
  sex: Sex;
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
  /** Enrolments in schemes that require an application (months YYYY-MM; until inclusive, null while open). */
  enrolments: readonly PersonEnrolment[];
}

export interface PersonEnrolment {
  schemeId: number;
  fromMonth: string;
  untilMonth: string | null;
}
