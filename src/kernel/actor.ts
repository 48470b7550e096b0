import type { JurisdictionLevel } from './division-codes';

export enum Role {
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  CIVIL_AFFAIRS_ADMIN = 'CIVIL_AFFAIRS_ADMIN',
  CIVIL_AFFAIRS_STAFF = 'CIVIL_AFFAIRS_STAFF',
  LEADERSHIP_OFFICE = 'LEADERSHIP_OFFICE',
  FINANCE = 'FINANCE',
  VILLAGE_WORKER = 'VILLAGE_WORKER',
  SERVICE_PROVIDER = 'SERVICE_PROVIDER',
  ASSESSOR = 'ASSESSOR',
  ANALYST = 'ANALYST',
  CAREGIVER = 'CAREGIVER',
}

/** What a role may do; every query and mutation is opened by exactly one of these (or by sign-in alone). */
export enum Capability {
  READ_TREE = 'READ_TREE',
  READ_USERS = 'READ_USERS',
  MANAGE_USERS = 'MANAGE_USERS',
  READ_AUDIT = 'READ_AUDIT',
  READ_COVERAGE = 'READ_COVERAGE',
  READ_FACILITIES = 'READ_FACILITIES',
  EDIT_FACILITIES = 'EDIT_FACILITIES',
  MANAGE_FACILITIES = 'MANAGE_FACILITIES',
  READ_POLICIES = 'READ_POLICIES',
  MANAGE_POLICIES = 'MANAGE_POLICIES',
  READ_PEOPLE = 'READ_PEOPLE',
  READ_PERSONAL_DATA = 'READ_PERSONAL_DATA',
  EDIT_PEOPLE = 'EDIT_PEOPLE',
  ASSESS_PEOPLE = 'ASSESS_PEOPLE',
  READ_ENTITLEMENTS = 'READ_ENTITLEMENTS',
  RUN_ENTITLEMENTS = 'RUN_ENTITLEMENTS',
  READ_SUBSIDY_TOTALS = 'READ_SUBSIDY_TOTALS',
  READ_FACILITY_SUBSIDIES = 'READ_FACILITY_SUBSIDIES',
  READ_PEOPLE_COUNTS = 'READ_PEOPLE_COUNTS',
  RECORD_POPULATION = 'RECORD_POPULATION',
  READ_TARGETS = 'READ_TARGETS',
  MANAGE_TARGETS = 'MANAGE_TARGETS',
  MANAGE_CALENDAR = 'MANAGE_CALENDAR',
  READ_CASES = 'READ_CASES',
  FILE_CASES = 'FILE_CASES',
  REVIEW_CASES = 'REVIEW_CASES',
  APPROVE_CASES = 'APPROVE_CASES',
  READ_CASE_FIGURES = 'READ_CASE_FIGURES',
  READ_CAREGIVERS = 'READ_CAREGIVERS',
  READ_CAREGIVER_PHONES = 'READ_CAREGIVER_PHONES',
  MANAGE_CAREGIVERS = 'MANAGE_CAREGIVERS',
  SUPERVISE_CAREGIVERS = 'SUPERVISE_CAREGIVERS',
  READ_PROVIDERS = 'READ_PROVIDERS',
  MANAGE_PROVIDERS = 'MANAGE_PROVIDERS',
  READ_CONTRACTS = 'READ_CONTRACTS',
}

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
  /** The caregiver a CAREGIVER account stands for; it sees only that caregiver's record. */
  caregiverId: number | null;
}
