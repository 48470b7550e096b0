import { addMonths } from '../../src/kernel/dates';
import type { Harness } from '../support/harness';
import type { TestUser } from '../support/factories';
import { nationalId, ok, type CaseWorld } from '../cases/support';

/** The documents' figures besides visit frequency, as the 江都 template sets them: minutes, items, make-up, no class rule, the call-back and spot-check shares. */
export const DOCUMENT_MINIMUMS = {
  minMinutesPerVisit: 60,
  distinctItemsPerYear: 3,
  makeUpNextMonth: true,
  classRules: [],
  providerCallbackPercent: 100,
  onlineCallbackPercent: 10,
  communityCheckPercent: 5,
};

export const RULE_SET = `visitRules { name minAge categoriesAny livingSituationsAny abilities visitsPerMonth } minMinutesPerVisit distinctItemsPerYear
  makeUpNextMonth classRules { name serviceClass minAge categoriesAny } providerCallbackPercent onlineCallbackPercent communityCheckPercent
  checkInRadiusMetres offlineSyncDays sharedServiceAreas`;
export const CARE_RULES = `id jurisdiction { code level name } name source template effectiveFrom effectiveTo rules { ${RULE_SET} }`;
export const DEFINE = `mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { ${CARE_RULES} } }`;
export const IN_FORCE = `query($at: String!, $on: Date) { careRules(at: $at, on: $on) { on inherited rules { ${CARE_RULES} } } }`;
export const TEMPLATES = `{ careRulesTemplates { key name source settings rules { ${RULE_SET} } } }`;
export const PLAN_FIELDS = `recipient { id name nationalId } village { code } month rules { id jurisdiction { code } }
  requirement { referenceDay age categories ability visitsPerMonth visitRule { name visitsPerMonth } why minMinutesPerVisit serviceClass
    classRule { name serviceClass } distinctItemsPerYear makeUpNextMonth }`;
export const PLAN = `query($person: ID!, $month: Month!) { carePlan(person: $person, month: $month) { ${PLAN_FIELDS} } }`;
export const PLANS = `query($under: String, $month: Month!, $first: Int, $after: String) {
  carePlans(under: $under, month: $month, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${PLAN_FIELDS} } } } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;
const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;

export interface Recipient {
  birthYear: number;
  village?: string;
  categories?: string[];
  livingSituations?: string[];
  ability?: string | null;
  /** Default today. */
  assessedOn?: string;
  /** Default 36. */
  validMonths?: number;
}

/** A person registered by the county (categories since 2020, assessed when `ability` is given, valid 36 months unless said). */
export async function registered(h: Harness, w: CaseWorld, r: Recipient): Promise<string> {
  const village = r.village ?? '321012100001';
  const input = {
    nationalId: nationalId('321012', r.birthYear),
    name: `受助人${Math.random().toString(36).slice(2, 6)}`,
    villageCode: village,
    hukouCode: village,
    residentSince: '2000-01-01',
    livingSituations: r.livingSituations ?? [],
    categories: (r.categories ?? []).map((category) => ({ category })),
    categoriesSince: '2020-01-01',
  };
  const id = (await ok(h, REGISTER, { input }, w.county)).registerPerson.id;
  if (r.ability) await ok(h, ASSESS, { id, input: { level: r.ability, assessedOn: r.assessedOn, validMonths: r.validMonths ?? 36, assessor: '江都区第三方评估中心' } }, w.county);
  return id;
}

/** As if an application of the person had been approved on `approvedOn` at their village (case, approval, enrolment from the next month). */
export async function enrol(h: Harness, w: CaseWorld, personId: string, approvedOn: string): Promise<void> {
  const [c] = await h.db.query(
    `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, filed_on, filed_by, filed_as_role, filer, decided_on)
     SELECT p.id, j.id, j.code, (SELECT min(id) FROM review_procedure), 'APPROVED', $2::date - 20, (SELECT min(id) FROM app_user),
       'VILLAGE_WORKER', 'VILLAGE_WORKER', $2
     FROM person p JOIN jurisdiction j ON j.id = p.hukou_jurisdiction_id WHERE p.id = $1 RETURNING id`,
    [personId, approvedOn],
  );
  await h.db.query(`INSERT INTO application_case_scheme (case_id, scheme_id) VALUES ($1, $2)`, [c.id, w.schemeId]);
  await h.db.query(`INSERT INTO application_history (case_id, action, step_position) VALUES ($1, 'APPROVE', 4)`, [c.id]);
  await h.db.query(`INSERT INTO enrolment (person_id, scheme_id, case_id, from_month) VALUES ($1, $2, $3, $4)`, [
    personId,
    w.schemeId,
    c.id,
    `${addMonths(approvedOn.slice(0, 7), 1)}-01`,
  ]);
}

/** The county follows the 江都 template from `from`. */
export async function jiangduRules(h: Harness, county: TestUser, from = '2025-01-01'): Promise<any> {
  return (await ok(h, DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: 'JIANGDU' } }, county)).defineCareRules;
}
