import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { todayInChina } from '../../src/kernel/dates';
import { createUser, smallTree, standInCalendars, type TestUser } from '../support/factories';
import type { Harness } from '../support/harness';

/** The fields a frontend reads of a case. */
export const CASE = `id state version filedOn filer agentName agentRelation closedReason decidedOn
  applicant { id name nationalId } village { code }
  currentStep { position kind name capability actingNode { code } began dueDate overdue }
  schemes { id name } materials { kind receivedOn checked } history { username role step action opinion reasons }
  enrolments { id scheme { name } fromMonth untilMonth endReason endedOn } allowedActions`;
export const FILE = `mutation($input: FileApplicationInput!) { fileApplication(input: $input) { ${CASE} } }`;
export const DECIDE = `mutation($input: DecideCaseInput!) { decideCase(input: $input) { ${CASE} } }`;
export const OBJECT = `mutation($caseId: ID!, $receivedOn: Date!, $summary: String!) {
  recordObjection(caseId: $caseId, receivedOn: $receivedOn, summary: $summary) { ${CASE} } }`;
export const RESUBMIT = `mutation($caseId: ID!, $materials: [MaterialInput!]) { resubmitCase(caseId: $caseId, materials: $materials) { ${CASE} } }`;
export const READ = `query($id: ID!) { case(id: $id) { ${CASE} } }`;
export const ASSIGN = `mutation($caseId: ID!, $step: Int!, $assessor: String!) {
  assignCaseAssessor(caseId: $caseId, step: $step, assessor: $assessor) { ${CASE} assessor } }`;
export const ASSESS = `mutation($id: ID!, $input: AssessmentInput!) { recordAbilityAssessment(personId: $id, input: $input) { id } }`;
const DEFINE = `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`;
const CREATE_SCHEME = `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`;
const REGISTER = `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`;

let serial = 0;
/** A valid national ID of someone born on 1 March of `birthYear` in the region. */
export function nationalId(region: string, birthYear = 1940): string {
  serial += 1;
  const first17 = `${region}${birthYear}0301${String((serial % 499) * 2 + 1).padStart(3, '0')}`;
  return first17 + nationalIdCheck(first17);
}

export function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
}

export interface CaseWorld {
  county: TestUser;
  townStaff: TestUser;
  worker: TestUser;
  siblingWorker: TestUser;
  leadership: TestUser;
  assessor: TestUser;
  analyst: TestUser;
  otherCounty: TestUser;
  schemeId: string;
  freeSchemeId: string;
  personId: string;
}

/** The actions each user of the world may take on the case now, or FORBIDDEN when they may not read it. */
export async function allowedByRole(h: Harness, w: CaseWorld, c: { id: string }) {
  const each = async (user: TestUser) => (await h.gql(READ, { id: c.id }, user.token)).data?.case?.allowedActions ?? 'FORBIDDEN';
  return {
    worker: await each(w.worker),
    siblingWorker: await each(w.siblingWorker),
    townStaff: await each(w.townStaff),
    county: await each(w.county),
    leadership: await each(w.leadership),
    assessor: await each(w.assessor),
    analyst: await each(w.analyst),
    otherCounty: await each(w.otherCounty),
  };
}

/** Those who may not act on a case of 东苑社区 at any step: readers (leadership office, assessor off its step) and the out-of-scope. */
export const READERS_ONLY = { siblingWorker: 'FORBIDDEN', leadership: [], assessor: [], analyst: 'FORBIDDEN', otherCounty: 'FORBIDDEN' };

export async function ok<T = any>(h: Harness, query: string, variables: Record<string, unknown>, user: TestUser): Promise<T> {
  const res = await h.gql(query, variables, user.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data as T;
}

/**
 * 江都区 with one village worker at 东苑社区, a sibling at 龙川社区, 仙女镇's staff, the district's
 * administrator, and a procedure from `template` in force since `from`; a scheme that requires an
 * application and one that does not; one person whose 户籍 is 东苑社区.
 */
export async function caseWorld(h: Harness, template: 'SHENZHEN' | 'JIANGDU', from = '2025-01-01'): Promise<CaseWorld> {
  await smallTree(h.db);
  await standInCalendars(h.db);
  const world = {
    county: await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]),
    townStaff: await createUser(h.db, '321012100', [Role.CIVIL_AFFAIRS_STAFF]),
    worker: await createUser(h.db, '321012100001', [Role.VILLAGE_WORKER]),
    siblingWorker: await createUser(h.db, '321012100002', [Role.VILLAGE_WORKER]),
    leadership: await createUser(h.db, '321012', [Role.LEADERSHIP_OFFICE]),
    assessor: await createUser(h.db, '321012', [Role.ASSESSOR]),
    analyst: await createUser(h.db, '321012', [Role.ANALYST]),
    otherCounty: await createUser(h.db, '321023', [Role.CIVIL_AFFAIRS_ADMIN]),
  };
  await ok(h, DEFINE, { input: { jurisdictionCode: '321012', effectiveFrom: from, fromTemplate: template } }, world.county);
  const scheme = async (name: string, requiresApplication: boolean) =>
    (
      await ok(h, CREATE_SCHEME, {
        input: {
          jurisdictionCode: '321012',
          name,
          kind: 'HOME_CARE_SUBSIDY',
          version: {
            fromMonth: '2024-01',
            requiresApplication,
            firstMonth: 'MONTH_AFTER_APPROVAL',
            lastMonth: 'STOP_IN_MONTH_OF_EVENT',
            funding: [{ level: 'COUNTY', weight: 1 }],
            tiers: [{ name: '60岁以上', amountFen: 10_000, minAge: 60 }],
          },
        },
      }, world.county)
    ).createSubsidyScheme.id;
  const schemeId = await scheme('居家养老服务补贴', true);
  const freeSchemeId = await scheme('高龄津贴', false);
  const personId = await registerPerson(h, world.worker);
  return { ...world, schemeId, freeSchemeId, personId };
}

export async function registerPerson(h: Harness, user: TestUser, hukou = '321012100001'): Promise<string> {
  const input = { nationalId: nationalId('321012'), name: `申请人${serial}`, villageCode: hukou, hukouCode: hukou, residentSince: '2000-01-01' };
  return (await ok(h, REGISTER, { input }, user)).registerPerson.id;
}

/**
 * The district commissions the assessment of a case at its assessment step (「評估工作由區民政局委託第三方組織上門評估」):
 * it assigns the world's assessor, who records the applicant's ability assessment today. The case can then pass it.
 */
export async function commissionAssessment(h: Harness, w: CaseWorld, c: { id: string; currentStep: { position: number } | null }): Promise<void> {
  await ok(h, ASSIGN, { caseId: c.id, step: c.currentStep!.position, assessor: w.assessor.username }, w.county);
  await ok(h, ASSESS, { id: w.personId, input: { level: 'INTACT', assessor: '扬州市第三方评估中心' } }, w.assessor);
}

/** Moves the case's current step back in time, as if it had begun on `day` (the notice has run since). */
export async function stepBeganOn(h: Harness, caseId: string, day: string): Promise<void> {
  await h.db.query(`UPDATE application_case SET step_began = $2 WHERE id = $1`, [caseId, day]);
}

export const today = () => todayInChina();

const OPEN_WINDOW = `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { id } }`;
let decisionKey = 0;

async function decide(h: Harness, user: TestUser, c: { id: string; currentStep: { position: number } | null }, action: string) {
  decisionKey += 1;
  const res = await h.gql(DECIDE, { input: { caseId: c.id, action, step: c.currentStep?.position ?? 0, idempotencyKey: `approval-${decisionKey}` } }, user.token);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.decideCase;
}

/** Files an application of the person for the schemes (in a window opened today) and runs it through every step of the JIANGDU procedure to approval today; the case as decided. */
export async function approvedToday(h: Harness, w: CaseWorld, personId: string, schemeIds: readonly (number | string)[]): Promise<any> {
  await ok(h, OPEN_WINDOW, { input: { jurisdictionCode: '321012', name: '集中申報', opens: today(), closes: addDays(today(), 30) } }, w.county);
  let c = (await ok(h, FILE, { input: { personId, schemeIds } }, w.worker)).fileApplication;
  for (const user of [w.worker, w.townStaff, w.county]) c = await decide(h, user, c, 'PASS');
  await commissionAssessment(h, w, c);
  c = await decide(h, w.assessor, c, 'PASS');
  await stepBeganOn(h, c.id, addDays(today(), -14));
  return decide(h, w.worker, (await ok(h, READ, { id: c.id }, w.worker)).case, 'APPROVE');
}
