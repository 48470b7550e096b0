import fs from 'node:fs';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { Role } from '../../src/kernel/actor';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { poolUse } from '../../src/db/pool-stats';
import { addMonths, thisMonthInChina, todayInChina } from '../../src/kernel/dates';
import { templateByKey } from '../../src/procedures/procedure-kinds';
import { createUser, insertCaregiver, insertJurisdictions, smallTree, standInCalendars, testCreditCode, type TestUser } from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';

/**
 * Bursts of writes: for every mutation of the served schema, 50 concurrent calls on distinct rows
 * (as a user allowed to make them) all complete, none refused for want of a database connection,
 * while an unrelated read keeps answering quickly. A mutation missing from BURSTS fails the test:
 * a new one joins the table.
 */

const h = useHarness();
const N = 50;
const ADMIN_HOME = '321012';
const TOWN = '321012100';
const VILLAGES = ['321012100001', '321012100002'];
const PASSWORDS = ['burst-password-1', 'burst-password-2', 'burst-password-3'];
const OPERATOR = { creditCode: testCreditCode(1), name: '扬州颐和养老服务有限公司' };

interface Call {
  query: string;
  variables?: Record<string, unknown>;
  /** The caller; the burst's administrator when absent, anonymous when null. */
  token?: string | null;
}

/** What the bursts leave behind for the ones after them. */
interface Rows {
  /** The payments proposed for the facilities (facilityIds) due 2024's operating subsidy. */
  paymentIds: string[];
  admin: TestUser;
  usernames: string[];
  userTokens: string[];
  facilityIds: string[];
  personIds: string[];
  schemeIds: string[];
  targetIds: string[];
  itemIds: string[];
  /** A platform admin at ADMIN_HOME: the one role that enters working-day arrangements. */
  calendarAdmin: TestUser;
  procedureIds: string[];
  windowIds: string[];
  /** People of the case chains, one per call, and the scheme they apply for. */
  applicantIds: string[];
  applicationSchemeId: string;
  caseIds: string[];
  /** Cases at their public notice, filed and passed one by one before the burst. */
  noticeCaseIds: string[];
  /** An enrolment of each of those people (as if an earlier case of theirs was approved). */
  enrolmentIds: string[];
  /** Cases of those people at 江都's third-party assessment, and an assessor to assign them to. */
  assessmentCaseIds: string[];
  assessor: TestUser;
  /** A provider of OPERATOR's organisation, and the caregivers it added. */
  provider: TestUser;
  caregiverIds: string[];
  /** Contracts of the provider chain, their renewals and the bans. */
  contractIds: string[];
  renewalIds: string[];
  banIds: string[];
  /** Work orders: one person, caregiver (with account) and order per call, the orders' redos. */
  orderPeople: string[];
  orderCaregivers: { id: string; token: string }[];
  orderIds: string[];
  redoIds: string[];
  /** Call-backs: ten VERIFIED orders of the provider's organisation on each of N past days, the ones each day's draw picked, and N left-behind people. */
  callbackDays: string[];
  callbackOrders: string[];
  drawnOrders: string[];
  leftBehindIds: string[];
  /** Voucher adjustments proposed. */
  adjustmentIds: string[];
  /** The finance bureau at ADMIN_HOME: records budget lines and lottery rules, decides voucher adjustments. */
  finance: TestUser;
  /** Settlement: one contract of OPERATOR's per call, each with two charged orders, and the statements prepared. */
  settlementContractIds: string[];
  statementIds: string[];
}

interface Burst {
  /** The i-th of the N concurrent calls. */
  call: (i: number, rows: Rows) => Call;
  /** Keeps what the calls returned for later bursts. */
  keep?: (responses: GraphQLResponse[], rows: Rows) => void;
}

// Procedures and windows are one writer at a time per node: their bursts work on N villages of their own.
const OWN_VILLAGES: [string, string][] = Array.from({ length: N }, (_, i) => [`321012101${201 + i}`, `测试村${i}`]);
const ownVillage = (i: number) => OWN_VILLAGES[i][0];

const village = (i: number) => VILLAGES[i % VILLAGES.length];
const nationalId = (i: number, sequence: number) => {
  const first17 = `${village(i).slice(0, 6)}19450601${String(sequence).padStart(3, '0')}`;
  return first17 + nationalIdCheck(first17);
};
const POPULATION_YEAR = Number(todayInChina().slice(0, 4));
const ids = (responses: GraphQLResponse[], field: string) => responses.map((r) => r.data![field].id as string);

// In the order they run: later bursts work on the rows earlier ones made.
const BURSTS: Record<string, Burst> = {
  addCaregiver: {
    call: (i, rows) => ({
      query: `mutation($input: AddCaregiverInput!) { addCaregiver(input: $input) { id } }`,
      variables: { input: { name: `护理员${i}`, workCardNumber: `JD-${i}`, phone: '13900001111', basedAt: village(i), startedOn: '2025-09-01' } },
      token: rows.provider.token,
    }),
    keep: (responses, rows) => (rows.caregiverIds = ids(responses, 'addCaregiver')),
  },
  updateCaregiver: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $input: UpdateCaregiverInput!) { updateCaregiver(id: $id, input: $input) { id } }`,
      variables: { id: rows.caregiverIds[i], input: { name: `护理员${i}号`, workCardNumber: `JD-${i}-A` } },
      token: rows.provider.token,
    }),
  },
  recordCaregiverTraining: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $input: CaregiverTrainingInput!) { recordCaregiverTraining(id: $id, input: $input) { id } }`,
      variables: { id: rows.caregiverIds[i], input: { training: '岗前培训', on: '2025-08-28', passed: true } },
      token: rows.provider.token,
    }),
  },
  banCaregiver: {
    call: (i, rows) => ({
      query: `mutation($input: BanCaregiverInput!) { banCaregiver(input: $input) { id } }`,
      variables: { input: { caregiverId: rows.caregiverIds[i], jurisdictionCode: TOWN, reason: `投诉${i}`, until: '2099-12-31' } },
    }),
  },
  setServiceSupervisionPhone: {
    call: (i) => ({
      query: `mutation($code: String!) { setServiceSupervisionPhone(jurisdictionCode: $code, phone: "0514-86881234") { phone } }`,
      variables: { code: ownVillage(i) },
    }),
  },
  endCaregiver: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { endCaregiver(id: $id, leftOn: "2099-12-31") { id } }`,
      variables: { id: rows.caregiverIds[i] },
      token: rows.provider.token,
    }),
  },
  createUser: {
    call: (i) => ({
      query: `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`,
      variables: { input: { username: `burst${i}@${TOWN}`, password: PASSWORDS[0], jurisdictionCode: TOWN, roles: [Role.VILLAGE_WORKER] } },
    }),
    keep: (responses, rows) => (rows.usernames = responses.map((r) => r.data!.createUser.username)),
  },
  updateUser: {
    call: (i, rows) => ({
      query: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username } }`,
      variables: { input: { username: rows.usernames[i], displayName: `网格员${i}` } },
    }),
  },
  resetPassword: {
    call: (i, rows) => ({
      query: `mutation($username: String!, $password: String!) { resetPassword(username: $username, newPassword: $password) { username } }`,
      variables: { username: rows.usernames[i], password: PASSWORDS[1] },
    }),
  },
  unlockLogin: {
    call: (i, rows) => ({
      query: `mutation($username: String!) { unlockLogin(username: $username) { username } }`,
      variables: { username: rows.usernames[i] },
    }),
  },
  login: {
    call: (i, rows) => ({
      query: `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token } }`,
      variables: { username: rows.usernames[i], password: PASSWORDS[1] },
      token: null,
    }),
    keep: (responses, rows) => (rows.userTokens = responses.map((r) => r.data!.login.token)),
  },
  changePassword: {
    call: (i, rows) => ({
      query: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { token } }`,
      variables: { current: PASSWORDS[1], next: PASSWORDS[2] },
      token: rows.userTokens[i],
    }),
  },
  createFacility: {
    call: (i) => ({
      query: `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`,
      variables: { input: { name: `养老院${i}号`, type: 'INSTITUTION', jurisdictionCode: village(i), operator: OPERATOR } },
    }),
    keep: (responses, rows) => (rows.facilityIds = ids(responses, 'createFacility')),
  },
  updateFacility: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { updateFacility(id: $id, input: { staff: 7 }) { id } }`,
      variables: { id: rows.facilityIds[i] },
    }),
  },
  recordFacilityDiners: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { recordFacilityDiners(id: $id, month: "2025-06", diners: ${20 + i}) { id } }`,
      variables: { id: rows.facilityIds[i] },
    }),
  },
  // Several facilities share a village: designations of one village and month meet on the same row.
  designateVillageFacility: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { designateVillageFacility(facilityId: $id, fromMonth: "2025-01") { fromMonth } }`,
      variables: { id: rows.facilityIds[i] },
    }),
  },
  transitionFacility: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $on: Date) { transitionFacility(id: $id, to: UNDER_CONSTRUCTION, on: $on) { id } }`,
      variables: { id: rows.facilityIds[i], on: todayInChina() },
    }),
  },
  registerPerson: {
    call: (i) => ({
      query: `mutation($input: RegisterPersonInput!) { registerPerson(input: $input) { id } }`,
      variables: { input: { nationalId: nationalId(i, 2 * i + 1), name: `老人${i}`, villageCode: village(i), hukouCode: village(i) } },
    }),
    keep: (responses, rows) => (rows.personIds = ids(responses, 'registerPerson')),
  },
  importPeople: {
    call: (i) => ({
      query: `mutation($input: ImportPeopleInput!) { importPeople(input: $input) { imported } }`,
      variables: { input: { csv: `nationalId,name,villageCode,hukouCode\n${nationalId(i, 2 * i + 201)},导入${i},${village(i)},${village(i)}\n` } },
    }),
  },
  updatePerson: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id } }`,
      variables: { id: rows.personIds[i], input: { name: `老人${i}(更正)`, hukouCode: village(i), phone: '13912345678' } },
    }),
  },
  setPersonCategories: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { setPersonCategories(id: $id, categories: [{ category: MINIMUM_LIVING_ALLOWANCE }]) { id } }`,
      variables: { id: rows.personIds[i] },
    }),
  },
  recordAbilityAssessment: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { recordAbilityAssessment(personId: $id, input: { level: MODERATE, assessor: "评估中心" }) { id } }`,
      variables: { id: rows.personIds[i] },
    }),
  },
  recordPersonStatus: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { recordPersonStatus(id: $id, status: DECEASED) { id } }`,
      variables: { id: rows.personIds[i] },
    }),
  },
  createSubsidyScheme: {
    call: (i) => ({
      query: `mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`,
      variables: {
        input: {
          jurisdictionCode: ADMIN_HOME,
          name: `高龄津贴${i}`,
          kind: 'OLD_AGE_ALLOWANCE',
          version: { fromMonth: thisMonthInChina(), funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '80周岁及以上', amountFen: 6000, minAge: 80 }] },
        },
      },
    }),
    keep: (responses, rows) => (rows.schemeIds = ids(responses, 'createSubsidyScheme')),
  },
  addSubsidySchemeVersion: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $version: SchemeVersionInput!) { addSubsidySchemeVersion(id: $id, version: $version) { id } }`,
      variables: {
        id: rows.schemeIds[i],
        version: { fromMonth: addMonths(thisMonthInChina(), 1), funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '80周岁及以上', amountFen: 7000, minAge: 80 }] },
      },
    }),
  },
  endSubsidyScheme: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $last: Month!) { endSubsidyScheme(id: $id, lastMonth: $last) { id } }`,
      variables: { id: rows.schemeIds[i], last: addMonths(thisMonthInChina(), 2) },
    }),
  },
  createSubsidyFloor: {
    call: (i) => ({
      query: `mutation($input: CreateFloorInput!) { createSubsidyFloor(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ADMIN_HOME, kind: 'OLD_AGE_ALLOWANCE', minAge: 60 + (i % 40), maxAge: 60 + (i % 40), amountFen: 100, fromMonth: addMonths(thisMonthInChina(), 3 + Math.floor(i / 40)) } },
    }),
  },
  runEntitlements: {
    // One run per month: runs of the same month refuse each other (CONFLICT) by design.
    call: (i) => ({
      query: `mutation($month: Month!) { runEntitlements(code: "${ADMIN_HOME}", month: $month) { id } }`,
      variables: { month: addMonths('2020-01', i) },
    }),
  },
  postVoucherCredits: {
    // One credit per month, after the month's run: credits of the same month and subtree refuse each other (CONFLICT) by design.
    call: (i) => ({
      query: `mutation($month: Month!) { postVoucherCredits(at: "${ADMIN_HOME}", month: $month) { id } }`,
      variables: { month: addMonths('2020-01', i) },
    }),
  },
  // Maker-checker adjustments: a proposal for each of N people (registered before the chain), each approved by finance.
  proposeVoucherAdjustment: {
    call: (i, rows) => ({
      query: `mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) { id } }`,
      variables: { input: { person: rows.personIds[i], schemeKind: 'HOME_CARE_SUBSIDY', funder: ADMIN_HOME, amountFen: 1000 + i, reason: `补录${i}` } },
    }),
    keep: (responses, rows) => (rows.adjustmentIds = ids(responses, 'proposeVoucherAdjustment')),
  },
  decideVoucherAdjustment: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { decideVoucherAdjustment(id: $id, approve: true) { id } }`,
      variables: { id: rows.adjustmentIds[i] },
      token: rows.finance.token,
    }),
  },
  createTarget: {
    call: (i) => ({
      query: `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ADMIN_HOME, title: `目标${i}`, metric: 'DEMENTIA_BED_SHARE', threshold: 5, startsOn: '2025-01-01', deadline: '2027-12-31' } },
    }),
    keep: (responses, rows) => (rows.targetIds = ids(responses, 'createTarget')),
  },
  allocateTarget: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { allocateTarget(id: $id, allocations: [{ jurisdictionCode: "${TOWN}" }]) { id } }`,
      variables: { id: rows.targetIds[i] },
    }),
  },
  issueNotice: {
    call: (i, rows) => ({
      query: `mutation($input: IssueNoticeInput!) { issueNotice(input: $input) { id } }`,
      variables: { input: { targetId: rows.targetIds[i], title: `通报${i}` } },
    }),
  },
  createSupervisionItem: {
    call: (i) => ({
      query: `mutation($input: CreateSupervisionItemInput!) { createSupervisionItem(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ADMIN_HOME, responsibleCode: TOWN, title: `督办${i}`, deadline: '2027-06-30' } },
    }),
    keep: (responses, rows) => (rows.itemIds = ids(responses, 'createSupervisionItem')),
  },
  addSupervisionNote: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { addSupervisionNote(id: $id, note: "已办结", status: DONE) { id } }`,
      variables: { id: rows.itemIds[i] },
    }),
  },
  setWorkingCalendarYear: {
    // All on the same year at the same node: entries wait for each other and each becomes a revision.
    call: (i, rows) => ({
      query: `mutation($input: SetWorkingCalendarYearInput!) { setWorkingCalendarYear(input: $input) { revision } }`,
      variables: {
        input: { jurisdictionCode: ADMIN_HOME, year: 2027, holidays: [{ date: '2027-01-01', name: '元旦（示例）' }], makeupDays: [], sourceTitle: `示例${i}`, sourceNumber: `示例〔2026〕${i}号` },
      },
      token: rows.calendarAdmin.token,
    }),
  },
  defineReviewProcedure: {
    call: (i) => ({
      query: `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`,
      variables: {
        input: {
          jurisdictionCode: ownVillage(i),
          effectiveFrom: '2025-01-01',
          name: `村程序${i}`,
          source: '测试',
          steps: [{ kind: 'VILLAGE_REVIEW', name: '村审核', level: 'VILLAGE', capability: 'REVIEW_CASES', deadlineWorkingDays: 10, mayRefuse: true }],
        },
      },
    }),
    keep: (responses, rows) => (rows.procedureIds = ids(responses, 'defineReviewProcedure')),
  },
  endReviewProcedure: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $last: Date!) { endReviewProcedure(id: $id, lastDay: $last) { id } }`,
      variables: { id: rows.procedureIds[i], last: todayInChina() },
    }),
  },
  openIntakeWindow: {
    call: (i) => ({
      query: `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ownVillage(i), name: '2090年上半年集中申报', opens: '2090-01-01', closes: '2090-06-30' } },
    }),
    keep: (responses, rows) => (rows.windowIds = ids(responses, 'openIntakeWindow')),
  },
  closeIntakeWindow: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { closeIntakeWindow(id: $id, lastDay: "2090-03-31") { id } }`,
      variables: { id: rows.windowIds[i] },
    }),
  },
  defineCareRules: {
    call: (i) => ({
      query: `mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ownVillage(i), effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU', name: `村上门服务规则${i}` } },
    }),
  },
  fileApplication: {
    call: (i, rows) => ({
      query: `mutation($input: FileApplicationInput!) { fileApplication(input: $input) { id } }`,
      variables: { input: { personId: rows.applicantIds[i], schemeIds: [rows.applicationSchemeId], materials: [{ kind: '身份证复印件', receivedOn: todayInChina() }] } },
    }),
    keep: (responses, rows) => (rows.caseIds = ids(responses, 'fileApplication')),
  },
  decideCase: {
    call: (i, rows) => ({
      query: `mutation($input: DecideCaseInput!) { decideCase(input: $input) { id } }`,
      variables: { input: { caseId: rows.caseIds[i], action: 'RETURN', step: 1, opinion: '请补充材料', idempotencyKey: `return-${i}` } },
    }),
  },
  resubmitCase: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { resubmitCase(caseId: $id, materials: [{ kind: "收入证明", receivedOn: "2025-06-05" }]) { id } }`,
      variables: { id: rows.caseIds[i] },
    }),
  },
  cancelEnrolment: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { cancelEnrolment(id: $id, reason: MOVED_AWAY, on: "${todayInChina()}") { id } }`,
      variables: { id: rows.enrolmentIds[i] },
    }),
  },
  // 督办 of N overdue cases at their public notice, one item each (before the objections send them back).
  superviseCase: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { superviseCase(caseId: $id, deadline: "2090-01-31") { id } }`,
      variables: { id: rows.noticeCaseIds[i] },
    }),
  },
  // Each enrolment's person moved their 户籍 since: each confirmation is the first of its enrolment.
  confirmEnrolment: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { confirmEnrolment(id: $id, opinion: "核实后继续享受") { enrolment { id } } }`,
      variables: { id: rows.enrolmentIds[i] },
    }),
  },
  recordObjection: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { recordObjection(caseId: $id, receivedOn: "${todayInChina()}", summary: "村民异议") { id } }`,
      variables: { id: rows.noticeCaseIds[i] },
    }),
  },
  assignCaseAssessor: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $assessor: String!) { assignCaseAssessor(caseId: $id, step: 4, assessor: $assessor) { id } }`,
      variables: { id: rows.assessmentCaseIds[i], assessor: rows.assessor.username },
    }),
  },
  // Distinct rows: a node and a year each (the years up to this one).
  recordElderlyPopulation: {
    call: (i) => ({
      query: `mutation($code: String!, $year: Int!) { recordElderlyPopulation(code: $code, year: $year, aged60Plus: 1000, aged80Plus: 100, source: "统计局") { year } }`,
      variables: { code: village(i), year: POPULATION_YEAR - i },
    }),
  },
  // Distinct rows: a year each, at the county (one writer at a time per node, so the calls queue on its lock).
  recordBudgetLine: {
    call: (i, rows) => ({
      query: `mutation($input: RecordBudgetLineInput!) { recordBudgetLine(input: $input) { id } }`,
      variables: { input: { code: ADMIN_HOME, year: POPULATION_YEAR - i, source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen: 1_000 + i } },
      token: rows.finance.token,
    }),
  },
  setLotteryFundRule: {
    call: (i, rows) => ({
      query: `mutation($input: SetLotteryFundRuleInput!) { setLotteryFundRule(input: $input) { id } }`,
      variables: { input: { code: village(i), fromYear: POPULATION_YEAR - i, minPercent: 55, source: '市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展' } },
      token: rows.finance.token,
    }),
  },
  importElderlyPopulation: {
    call: (i) => ({
      query: `mutation($csv: String!) { importElderlyPopulation(csv: $csv) { recorded } }`,
      variables: { csv: `code,year,aged60Plus,aged80Plus,source\n${TOWN},${POPULATION_YEAR - i},2000,200,公安户籍\n${ADMIN_HOME},${POPULATION_YEAR - i},9000,900,公安户籍\n` },
    }),
  },
};

// Providers: N organisations admitted at once, each contracted for 助餐 in the same village in a year of
// its own (no two periods share a day), renewed for the year after, ended, then banned and the bans lifted.
const PROVIDER = (i: number) => ({ creditCode: testCreditCode(100 + i), name: `服务商${i}` });
const PROVIDER_BURSTS: Record<string, Burst> = {
  admitProvider: {
    call: (i) => ({
      query: `mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ADMIN_HOME, organisation: PROVIDER(i), qualifications: [{ kind: '营业执照', number: `执照${i}`, validFrom: '2020-01-01' }] } },
    }),
  },
  createContract: {
    call: (i) => ({
      query: `mutation($input: CreateContractInput!) { createContract(input: $input) { id } }`,
      variables: {
        input: {
          jurisdictionCode: ADMIN_HOME,
          provider: PROVIDER(i).creditCode,
          area: [VILLAGES[0]],
          from: `${2030 + 2 * i}-01-01`,
          catalogue: [{ item: 'MEALS', serviceClass: 'LOW_PAID', unitPriceFen: 1500 }],
        },
      },
    }),
    keep: (responses, rows) => (rows.contractIds = ids(responses, 'createContract')),
  },
  renewContract: {
    call: (i, rows) => ({ query: `mutation($id: ID!) { renewContract(id: $id) { id } }`, variables: { id: rows.contractIds[i] } }),
    keep: (responses, rows) => (rows.renewalIds = ids(responses, 'renewContract')),
  },
  endContract: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $last: Date!) { endContract(id: $id, lastDay: $last, reason: "考核不合格") { id } }`,
      variables: { id: rows.renewalIds[i], last: `${2031 + 2 * i}-01-01` },
    }),
  },
  banProvider: {
    call: (i) => ({
      query: `mutation($input: BanProviderInput!) { banProvider(input: $input) { id } }`,
      variables: { input: { jurisdictionCode: ADMIN_HOME, organisation: PROVIDER(i), reason: 'UNABLE_TO_DELIVER', detail: '不具备履约能力' } },
    }),
    keep: (responses, rows) => (rows.banIds = ids(responses, 'banProvider')),
  },
  liftProviderBan: {
    call: (i, rows) => ({
      query: `mutation($id: ID!, $on: Date!) { liftProviderBan(id: $id, liftedOn: $on, reason: "整改到位") { id } }`,
      variables: { id: rows.banIds[i], on: todayInChina() },
    }),
  },
};
Object.assign(BURSTS, PROVIDER_BURSTS);

// Visit compliance: N months of the county planned at once, then closed at once (runs of one province's
// month take turns on a lock; different months do not refuse each other).
const COMPLIANCE_BURSTS: Record<string, Burst> = {
  planCareMonth: {
    call: (i) => ({ query: `mutation($month: Month!) { planCareMonth(under: "${ADMIN_HOME}", month: $month) { enrolled } }`, variables: { month: addMonths('2021-01', i) } }),
  },
  closeCareMonth: {
    call: (i) => ({ query: `mutation($month: Month!) { closeCareMonth(under: "${ADMIN_HOME}", month: $month) { closed } }`, variables: { month: addMonths('2021-01', i) } }),
  },
};
Object.assign(BURSTS, COMPLIANCE_BURSTS);
// Work orders and visits: one recipient per call, each given a home and a card, booked with OPERATOR (under
// contract for 助餐 in both villages), assigned to a caregiver of their own, signed in and out after 30
// minutes (VOID: shorter than the hour), redone, the redo cancelled; then an offline order per caregiver.
const VISIT_PLACE = { lat: 32.4, lng: 119.5 };
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const clientIdOf = (kind: number, i: number) => `00000000-0000-4000-8000-${String(kind * 1000 + i).padStart(12, '0')}`;
const visitEvent = (rows: Rows, i: number, kind: number, minutes: number) => ({
  query: `mutation($input: VisitEventInput!) { ${kind === 1 ? 'checkIn' : 'checkOut'}(input: $input) { order { id state } } }`,
  variables: { input: { order: rows.orderIds[i], clientId: clientIdOf(kind, i), deviceAt: minutesAgo(minutes), place: VISIT_PLACE } },
  token: rows.orderCaregivers[i].token,
});
const ORDER_BURSTS: Record<string, Burst> = {
  setHomePlace: {
    call: (i, rows) => ({ query: `mutation($person: ID!) { setHomePlace(person: $person, lat: 32.4, lng: 119.5) { personId } }`, variables: { person: rows.orderPeople[i] } }),
  },
  issueServiceCard: {
    call: (i, rows) => ({ query: `mutation($person: ID!) { issueServiceCard(person: $person) { token } }`, variables: { person: rows.orderPeople[i] } }),
  },
  bookWorkOrder: {
    call: (i, rows) => ({
      query: `mutation($input: BookWorkOrderInput!) { bookWorkOrder(input: $input) { id } }`,
      variables: { input: { person: rows.orderPeople[i], provider: OPERATOR.creditCode, items: ['MEALS'], plannedDay: todayInChina(), bookedAs: 'PROVIDER' } },
      token: rows.provider.token,
    }),
    keep: (responses, rows) => (rows.orderIds = ids(responses, 'bookWorkOrder')),
  },
  assignWorkOrder: {
    call: (i, rows) => ({
      query: `mutation($order: ID!, $caregiver: ID!) { assignWorkOrder(order: $order, caregiver: $caregiver) { id } }`,
      variables: { order: rows.orderIds[i], caregiver: rows.orderCaregivers[i].id },
      token: rows.provider.token,
    }),
  },
  checkIn: { call: (i, rows) => visitEvent(rows, i, 1, 120) },
  checkOut: { call: (i, rows) => visitEvent(rows, i, 2, 90) },
  redoWorkOrder: {
    call: (i, rows) => ({ query: `mutation($order: ID!) { redoWorkOrder(order: $order) { id } }`, variables: { order: rows.orderIds[i] }, token: rows.provider.token }),
    keep: (responses, rows) => (rows.redoIds = ids(responses, 'redoWorkOrder')),
  },
  cancelWorkOrder: {
    call: (i, rows) => ({ query: `mutation($order: ID!) { cancelWorkOrder(order: $order, reason: "老人外出") { id } }`, variables: { order: rows.redoIds[i] }, token: rows.provider.token }),
  },
  syncVisits: {
    call: (i, rows) => ({
      query: `mutation($events: [SyncVisitEventInput!]!) { syncVisits(events: $events) { refusal { code } outcome { order { state } } } }`,
      variables: {
        events: [
          { kind: 'CHECK_IN', newOrder: { clientId: clientIdOf(3, i), person: rows.orderPeople[i], items: ['MEALS'] }, clientId: clientIdOf(4, i), deviceAt: minutesAgo(80), place: VISIT_PLACE },
          { kind: 'CHECK_OUT', newOrder: { clientId: clientIdOf(3, i), person: rows.orderPeople[i], items: ['MEALS'] }, clientId: clientIdOf(5, i), deviceAt: minutesAgo(10), place: VISIT_PLACE },
        ],
      },
      token: rows.orderCaregivers[i].token,
    }),
  },
};
Object.assign(BURSTS, ORDER_BURSTS);

/** For the work-order chain: OPERATOR's provider under contract for 助餐 in both villages, N recipients and N caregivers with accounts. */
async function orderRows(rows: Rows): Promise<void> {
  rows.provider ??= await providerOf(OPERATOR);
  const [{ id: organisationId }] = await h.db.query(`SELECT id FROM organisation WHERE credit_code = $1`, [OPERATOR.creditCode]);
  const [contract] = await h.db.query(
    `INSERT INTO service_contract (jurisdiction_id, organisation_id, from_day, until_day) SELECT id, $2, '2025-01-01', '2089-12-31' FROM jurisdiction WHERE code = $1 RETURNING id`,
    [ADMIN_HOME, organisationId],
  );
  await h.db.query(`INSERT INTO service_contract_price VALUES ($1, 'MEALS', 'LOW_PAID', 1500, 60)`, [contract.id]);
  await h.db.query(
    `INSERT INTO service_contract_area (contract_id, jurisdiction_id) SELECT $1, id FROM jurisdiction WHERE code = ANY($2::text[])`,
    [contract.id, VILLAGES],
  );
  await h.db.query(
    `INSERT INTO service_contract_coverage (contract_id, village_id, village_code, item, during)
     SELECT $1, id, code, 'MEALS', daterange('2025-01-01', '2089-12-31', '[]') FROM jurisdiction WHERE code = ANY($2::text[])`,
    [contract.id, VILLAGES],
  );
  const people = await h.db.query(
    `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, resident_since)
     SELECT n.nid, '老人' || n.i, 'MALE', '1945-06-01', j.id, j.id, '2000-01-01'
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n (nid, village, i) JOIN jurisdiction j ON j.code = n.village ORDER BY n.i RETURNING id::text AS id`,
    [Array.from({ length: N }, (_, i) => nationalId(i, 300 + i)), Array.from({ length: N }, (_, i) => village(i))],
  );
  rows.orderPeople = people.map((row: { id: string }) => row.id);
  rows.orderCaregivers = [];
  for (let i = 0; i < N; i += 1) {
    const caregiverId = await insertCaregiver(h.db, organisationId, village(i), `V-${i}`, { trainedOn: '2025-01-01' });
    const user = await createUser(h.db, village(i), [Role.CAREGIVER], `caregiver${i}@${village(i)}`, { organisationId, caregiverId });
    rows.orderCaregivers.push({ id: String(caregiverId), token: user.token });
  }
}

// Call-backs and oversight visits: the draws of N days, the county's online call-back of each day's drawn order,
// the provider's call-back of N orders, and N welfare visits.
const CALLBACK_BURSTS: Record<string, Burst> = {
  drawCallbackSample: {
    call: (i, rows) => ({
      query: `mutation($day: Date!) { drawCallbackSample(county: "${ADMIN_HOME}", day: $day) { id orderIds } }`,
      variables: { day: rows.callbackDays[i] },
    }),
    keep: (responses, rows) => (rows.drawnOrders = responses.map((r) => r.data!.drawCallbackSample.orderIds[0])),
  },
  recordOnlineCallback: {
    call: (i, rows) => ({
      query: `mutation($order: ID!) { recordOnlineCallback(order: $order, input: { reached: true, satisfaction: SATISFIED }) { id } }`,
      variables: { order: rows.drawnOrders[i] },
    }),
  },
  recordProviderCallback: {
    call: (i, rows) => ({
      query: `mutation($order: ID!) { recordProviderCallback(order: $order, input: { reached: true, satisfaction: BASIC, belowStandard: ${i % 2 === 0} }) { id } }`,
      variables: { order: rows.callbackOrders[i] },
      token: rows.provider.token,
    }),
  },
  recordOversightVisit: {
    call: (i, rows) => ({
      query: `mutation($input: RecordOversightVisitInput!) { recordOversightVisit(input: $input) { id } }`,
      variables: { input: { personId: rows.leftBehindIds[i], by: village(i), kind: 'HOME_VISIT', purpose: 'WELFARE_VISIT', findings: '无异常', falsificationSuspected: false, record: `探视记录${i}` } },
    }),
  },
};
Object.assign(BURSTS, CALLBACK_BURSTS);

/** The county's care rules (江都), a caregiver of the provider's organisation, ten VERIFIED orders on each of N past days, and N left-behind people. */
async function callbackRows(rows: Rows): Promise<void> {
  const defined = await h.gql(`mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { id } }`, {
    input: { jurisdictionCode: ADMIN_HOME, effectiveFrom: '2020-01-01', fromTemplate: 'JIANGDU' },
  }, rows.admin.token);
  expect(defined.errors).toBeUndefined();
  rows.callbackDays = Array.from({ length: N }, (_, i) => new Date(Date.parse(`${todayInChina()}T00:00:00Z`) - (i + 1) * 86_400_000).toISOString().slice(0, 10));
  const people = await h.db.query(
    `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, living_situations)
     SELECT n.id, '留守老人' || n.i, 'MALE', '1945-06-01', v.id, v.id, '{LEFT_BEHIND}'
     FROM unnest($1::text[]) WITH ORDINALITY AS n (id, i) JOIN jurisdiction v ON v.code = ($2::text[])[(n.i - 1) % 2 + 1] ORDER BY n.i RETURNING id::text AS id`,
    [Array.from({ length: N }, (_, i) => nationalId(i, 600 + 2 * i + 1)), VILLAGES],
  );
  rows.leftBehindIds = people.map((row: { id: string }) => row.id);
  const [caregiver] = await h.db.query(
    `INSERT INTO caregiver (organisation_id, jurisdiction_id, name, work_card_number, phone, started_on, trained, trained_on, training)
     SELECT o.id, j.id, '护理员', 'CB-1', '13900001111', '2020-01-01', true, '2020-01-01', '岗前培训' FROM organisation o, jurisdiction j
     WHERE o.credit_code = $1 AND j.code = $2 RETURNING id, organisation_id`,
    [OPERATOR.creditCode, ADMIN_HOME],
  );
  const orders = await h.db.query(
    `INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, items, booked_by_kind, planned_day, state,
       check_in_at, check_out_at, service_day, received_at, minutes, decided_at)
     SELECT p.id::int, v.code, $2, $3, '{CLEANING}', 'PROVIDER', d.day::date, 'VERIFIED', d.day::date + time '09:00', d.day::date + time '10:05', d.day::date,
       d.day::date + time '10:05', 65, now()
     FROM unnest($4::text[]) WITH ORDINALITY AS d (day, i), generate_series(0, 9) AS k
       JOIN LATERAL (SELECT ($1::text[])[(k % 2) + 1] AS id) p ON true JOIN person pp ON pp.id = p.id::int JOIN jurisdiction v ON v.id = pp.village_id
     ORDER BY d.i, k RETURNING id::text AS id`,
    [rows.leftBehindIds, caregiver.organisation_id, caregiver.id, rows.callbackDays],
  );
  rows.callbackOrders = orders.map((row: { id: string }) => row.id).filter((_: string, i: number) => i % 10 === 9);
}

// Settlement: the level's rules set at N villages of their own; N contracts' months prepared, their town's part
// checked, reviewed by the county and approved by finance (docs/settlement.md).
const SETTLEMENT_BURSTS: Record<string, Burst> = {
  setLedgerRules: {
    call: (i) => ({
      query: `mutation($input: SetLedgerRulesInput!) { setLedgerRules(input: $input) { code } }`,
      variables: { input: { jurisdictionCode: ownVillage(i), fromMonth: thisMonthInChina(), mealOwnSharePercent: 50 + (i % 50), yearCap: true, returnFrozen: i % 2 === 0, source: `村规则${i}` } },
    }),
  },
  prepareSettlement: {
    call: (i, rows) => ({
      query: `mutation($contract: ID!, $month: Month!) { prepareSettlement(contract: $contract, month: $month) { id } }`,
      variables: { contract: rows.settlementContractIds[i], month: thisMonthInChina() },
    }),
    keep: (responses, rows) => (rows.statementIds = ids(responses, 'prepareSettlement')),
  },
  checkSettlementTown: {
    call: (i, rows) => ({
      query: `mutation($statement: ID!) { checkSettlementTown(statement: $statement, town: "${TOWN}") { id } }`,
      variables: { statement: rows.statementIds[i] },
    }),
  },
  reviewSettlement: {
    call: (i, rows) => ({ query: `mutation($statement: ID!) { reviewSettlement(statement: $statement) { id } }`, variables: { statement: rows.statementIds[i] } }),
  },
  approveSettlement: {
    call: (i, rows) => ({
      query: `mutation($statement: ID!) { approveSettlement(statement: $statement) { id } }`,
      variables: { statement: rows.statementIds[i] },
      token: rows.finance.token,
    }),
  },
};
Object.assign(BURSTS, SETTLEMENT_BURSTS);

// Facility subsidy payments: one proposed for each of N facilities due 2024's operating subsidy, each approved by finance.
const FACILITY_PAYMENT_BURSTS: Record<string, Burst> = {
  proposeFacilitySubsidyPayment: {
    call: (i, rows) => ({
      query: `mutation($facility: ID!) { proposeFacilitySubsidyPayment(facility: $facility, year: 2024) { id } }`,
      variables: { facility: rows.facilityIds[i] },
    }),
    keep: (responses, rows) => (rows.paymentIds = ids(responses, 'proposeFacilitySubsidyPayment')),
  },
  decideFacilitySubsidyPayment: {
    call: (i, rows) => ({
      query: `mutation($id: ID!) { decideFacilitySubsidyPayment(id: $id, approve: true) { id } }`,
      variables: { id: rows.paymentIds[i] },
      token: rows.finance.token,
    }),
  },
};
Object.assign(BURSTS, FACILITY_PAYMENT_BURSTS);

/** For the facility payments: finance, the county's operating subsidy for day care (5 元 a diner), and N facilities with March 2024's diners, through the API. */
async function facilityPaymentRows(rows: Rows): Promise<void> {
  rows.finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
  const scheme = await h.gql(`mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`, {
    input: {
      jurisdictionCode: ADMIN_HOME,
      name: '日间照料运营补助',
      kind: 'FACILITY_OPERATING',
      version: { fromMonth: '2024-01', funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '按就餐人数', amountFen: 500, facilityTypes: ['INSTITUTION'], requiredServices: ['DAY_CARE'] }] },
    },
  }, rows.admin.token);
  expect(scheme.errors).toBeUndefined();
  rows.facilityIds = [];
  for (let i = 0; i < N; i++) {
    const created = await h.gql(`mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`, {
      input: { name: `照料中心${i}`, type: 'INSTITUTION', jurisdictionCode: village(i), services: ['DAY_CARE'], status: 'OPERATING', since: '2024-01-01' },
    }, rows.admin.token);
    expect(created.errors).toBeUndefined();
    const id = created.data.createFacility.id;
    const diners = await h.gql(`mutation($id: ID!) { recordFacilityDiners(id: $id, month: "2024-03", diners: ${10 + i}) { id } }`, { id }, rows.admin.token);
    expect(diners.errors).toBeUndefined();
    rows.facilityIds.push(id);
  }
}

/**
 * For the settlement chain: finance, N contracts of OPERATOR's with the county (助潔 at 15 元), N people in the burst's
 * villages with 20 元 of vouchers each (a maker-checker adjustment), and two orders under each contract, verified
 * today: one of person i, one of person i + 1 (so that every statement settles both villages, and each person's
 * second order is paid partly by the person). Each order is charged as it becomes VERIFIED.
 */
async function settlementRows(rows: Rows): Promise<void> {
  rows.provider ??= await providerOf(OPERATOR);
  rows.finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
  const [{ id: organisationId }] = await h.db.query(`SELECT id FROM organisation WHERE credit_code = $1`, [OPERATOR.creditCode]);
  const contracts = await h.db.query(
    `INSERT INTO service_contract (jurisdiction_id, organisation_id, from_day, until_day)
     SELECT j.id, $2, '2025-01-01', '2089-12-31' FROM jurisdiction j, generate_series(1, $3) WHERE j.code = $1 RETURNING id::text AS id`,
    [ADMIN_HOME, organisationId, N],
  );
  rows.settlementContractIds = contracts.map((row: { id: string }) => row.id);
  await h.db.query(`INSERT INTO service_contract_price SELECT c, 'CLEANING', 'LOW_PAID', 1500, 60 FROM unnest($1::int[]) AS c`, [rows.settlementContractIds]);
  const people = await h.db.query(
    `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, resident_since)
     SELECT n.nid, '服务对象' || n.i, 'MALE', '1945-06-01', j.id, j.id, '2000-01-01'
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n (nid, village, i) JOIN jurisdiction j ON j.code = n.village ORDER BY n.i RETURNING id::text AS id`,
    [Array.from({ length: N }, (_, i) => nationalId(i, 800 + i)), Array.from({ length: N }, (_, i) => village(i))],
  );
  const personIds: string[] = people.map((row: { id: string }) => row.id);
  for (const person of personIds) {
    const proposed = await h.gql(`mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) { id } }`, {
      input: { person, schemeKind: 'HOME_CARE_SUBSIDY', funder: ADMIN_HOME, amountFen: 2000, reason: '补录' },
    }, rows.admin.token);
    const decided = await h.gql(`mutation($id: ID!) { decideVoucherAdjustment(id: $id, approve: true) { id } }`, { id: proposed.data!.proposeVoucherAdjustment.id }, rows.finance.token);
    expect(decided.errors).toBeUndefined();
  }
  const caregiverId = await insertCaregiver(h.db, organisationId, VILLAGES[0], 'S-1', { trainedOn: '2025-01-01' });
  const today = todayInChina();
  const orders = await h.db.query(
    `INSERT INTO work_order (person_id, village_code, organisation_id, caregiver_id, contract_id, items, service_class, booked_by_kind, planned_day, state,
       check_in_at, service_day, received_at)
     SELECT p.id, v.code, $2, $3, c.contract, '{CLEANING}', 'LOW_PAID', 'PROVIDER', $4::date, 'CHECKED_IN', now() - interval '2 hours', $4::date, now()
     FROM unnest($5::int[], $1::int[]) WITH ORDINALITY AS c (contract, person, i) JOIN person p ON p.id = c.person JOIN jurisdiction v ON v.id = p.village_id
     ORDER BY c.i RETURNING id`,
    [
      rows.settlementContractIds.flatMap((_, i) => [personIds[i], personIds[(i + 1) % N]]),
      organisationId,
      caregiverId,
      today,
      rows.settlementContractIds.flatMap((id) => [id, id]),
    ],
  );
  // One after another, in the order of the people's first orders: each charge sees the balance the one before left.
  for (const { id } of orders) {
    await h.db.query(`UPDATE work_order SET state = 'VERIFIED', check_out_at = now() - interval '50 minutes', minutes = 70, decided_at = now() WHERE id = $1`, [id]);
  }
}

const CASE_MUTATIONS = ['fileApplication', 'decideCase', 'resubmitCase', 'superviseCase', 'recordObjection', 'confirmEnrolment', 'cancelEnrolment', 'assignCaseAssessor'];

/**
 * For the case chains: 深圳's procedure at the administrator's county, a scheme that requires an
 * application, N people (户籍 in the burst's villages); for the objections, N cases filed and passed
 * to their public notice one by one.
 */
async function caseRows(rows: Rows, chain: string[]): Promise<void> {
  await standInCalendars(h.db);
  const gql = async (query: string, variables: Record<string, unknown>) => {
    const res = await h.gql(query, variables, rows.admin.token);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  await gql(`mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`, {
    input: { jurisdictionCode: ADMIN_HOME, effectiveFrom: '2025-01-01', fromTemplate: 'SHENZHEN' },
  });
  const scheme = await gql(`mutation($input: CreateSchemeInput!) { createSubsidyScheme(input: $input) { id } }`, {
    input: {
      jurisdictionCode: ADMIN_HOME,
      name: '居家养老服务补贴',
      kind: 'HOME_CARE_SUBSIDY',
      version: { fromMonth: '2024-01', requiresApplication: true, funding: [{ level: 'COUNTY', weight: 1 }], tiers: [{ name: '60岁以上', amountFen: 10_000, minAge: 60 }] },
    },
  });
  rows.applicationSchemeId = scheme.createSubsidyScheme.id;
  rows.applicantIds = [];
  for (let i = 0; i < N; i += 1) {
    const [{ id }] = await h.db.query(
      `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id)
       SELECT $1, $2, 'MALE', '1945-06-01', id, id FROM jurisdiction WHERE code = $3 RETURNING id::text AS id`,
      [nationalId(i, 300 + 2 * i + 1), `申请人${i}`, village(i)],
    );
    rows.applicantIds.push(id);
  }
  if (chain.includes('assignCaseAssessor')) await assessmentCases(rows);
  if (!chain.includes('recordObjection') && !chain.includes('superviseCase')) return;
  rows.noticeCaseIds = [];
  for (const personId of rows.applicantIds) {
    const filed = await gql(`mutation($input: FileApplicationInput!) { fileApplication(input: $input) { id } }`, { input: { personId, schemeIds: [rows.applicationSchemeId] } });
    const caseId = filed.fileApplication.id;
    await gql(`mutation($input: DecideCaseInput!) { decideCase(input: $input) { id } }`, { input: { caseId, action: 'PASS', step: 1, idempotencyKey: 'pass' } });
    rows.noticeCaseIds.push(caseId);
  }
  // Overdue at their notice, as if filed long ago: the 督办 burst supervises them.
  await h.db.query(`UPDATE application_case SET step_due = $2::date - 3 WHERE id = ANY($1::int[])`, [rows.noticeCaseIds, todayInChina()]);
  const enrolled = await h.db.query(
    `INSERT INTO enrolment (person_id, scheme_id, case_id, from_month)
     SELECT c.person_id, $2, c.id, '2025-01-01' FROM unnest($1::int[]) WITH ORDINALITY AS n (id, i) JOIN application_case c ON c.id = n.id
     ORDER BY n.i RETURNING id::text AS id`,
    [rows.noticeCaseIds, rows.applicationSchemeId],
  );
  rows.enrolmentIds = enrolled.map((row: { id: string }) => row.id);
  // A change since each enrolment, for its re-review: the 户籍 moves to the other village of the burst.
  await h.db.query(
    `UPDATE person p SET hukou_jurisdiction_id = (SELECT id FROM jurisdiction WHERE code = CASE WHEN v.code = $2 THEN $3 ELSE $2 END)
     FROM jurisdiction v WHERE v.id = p.hukou_jurisdiction_id AND p.id = ANY($1::int[])`,
    [rows.applicantIds, VILLAGES[0], VILLAGES[1]],
  );
}

/** A case of each applicant at the third-party assessment (step 4) of 江都's procedure, and an assessor of the county. */
async function assessmentCases(rows: Rows): Promise<void> {
  const steps = templateByKey('JIANGDU')!.steps.map((step, i) => ({ ...step, position: i + 1 }));
  const [procedure] = await h.db.query(
    `INSERT INTO review_procedure (jurisdiction_id, name, source, uses_intake_windows, effective_from, steps)
     SELECT id, '江都', '测试', true, '2025-01-01', $2::jsonb FROM jurisdiction WHERE code = $1 RETURNING id`,
    // Set at another county, so that the applications filed in the chain still follow 深圳's procedure.
    ['321023', JSON.stringify(steps)],
  );
  const cases = await h.db.query(
    `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, step_position, step_began, acting_node_id,
       acting_code, step_capability, filed_on, filed_by, filed_as_role, filer)
     SELECT p.id, v.id, v.code, $2, 'IN_REVIEW', 4, $3, c.id, c.code, 'ASSESS_PEOPLE', $3, $4, 'CIVIL_AFFAIRS_ADMIN', 'VILLAGE_WORKER'
     FROM unnest($1::int[]) WITH ORDINALITY AS n (id, i) JOIN person p ON p.id = n.id
       JOIN jurisdiction v ON v.id = p.hukou_jurisdiction_id JOIN jurisdiction c ON c.code = $5
     ORDER BY n.i RETURNING id::text AS id`,
    [rows.applicantIds, procedure.id, todayInChina(), rows.admin.id, ADMIN_HOME],
  );
  rows.assessmentCaseIds = cases.map((row: { id: string }) => row.id);
  rows.assessor = await createUser(h.db, ADMIN_HOME, [Role.ASSESSOR]);
}

/** A SERVICE_PROVIDER at the administrator's home working for `organisation` (registered here). */
async function providerOf(organisation: { creditCode: string; name: string }): Promise<TestUser> {
  const [{ id }] = await h.db.query(`INSERT INTO organisation (credit_code, name) VALUES ($1, $2) RETURNING id`, [organisation.creditCode, organisation.name]);
  return createUser(h.db, ADMIN_HOME, [Role.SERVICE_PROVIDER], `provider@${ADMIN_HOME}`, { organisationId: id });
}

/** The mutations the server serves, from the committed schema (a test keeps it equal to the served one). */
function servedMutations(): string[] {
  const sdl = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
  return Object.keys(buildSchema(sdl).getMutationType()!.getFields()).sort();
}

/** What each call came to: the data, or its first error code. */
const outcomeOf = (response: GraphQLResponse) => (response.errors ? errorCodes(response)[0] : 'OK');

function tally(responses: GraphQLResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const response of responses) counts[outcomeOf(response)] = (counts[outcomeOf(response)] ?? 0) + 1;
  return counts;
}


// Each chain is one test: its bursts run one after the other, each on the rows the earlier ones made.
// The password chain is slow by design (scrypt, about 100 ms a hash, 250 of them).
const CHAINS: string[][] = [
  ['createUser', 'updateUser', 'resetPassword', 'unlockLogin', 'login', 'changePassword'],
  ['createFacility', 'updateFacility', 'recordFacilityDiners', 'designateVillageFacility', 'transitionFacility'],
  ['registerPerson', 'importPeople', 'updatePerson', 'setPersonCategories', 'recordAbilityAssessment', 'recordPersonStatus'],
  ['createSubsidyScheme', 'addSubsidySchemeVersion', 'endSubsidyScheme', 'createSubsidyFloor', 'runEntitlements', 'postVoucherCredits'],
  ['createTarget', 'allocateTarget', 'issueNotice', 'createSupervisionItem', 'addSupervisionNote', 'setWorkingCalendarYear'],
  ['defineReviewProcedure', 'endReviewProcedure', 'openIntakeWindow', 'closeIntakeWindow', 'defineCareRules'],
  ['fileApplication', 'decideCase', 'resubmitCase'],
  ['superviseCase', 'recordObjection', 'confirmEnrolment', 'cancelEnrolment', 'assignCaseAssessor'],
  ['recordElderlyPopulation', 'importElderlyPopulation'],
  ['recordBudgetLine', 'setLotteryFundRule'],
  ['addCaregiver', 'updateCaregiver', 'recordCaregiverTraining', 'banCaregiver', 'setServiceSupervisionPhone', 'endCaregiver'],
  Object.keys(PROVIDER_BURSTS),
  Object.keys(COMPLIANCE_BURSTS),
  Object.keys(ORDER_BURSTS),
  Object.keys(CALLBACK_BURSTS),
  ['proposeVoucherAdjustment', 'decideVoucherAdjustment'],
  Object.keys(SETTLEMENT_BURSTS),
  Object.keys(FACILITY_PAYMENT_BURSTS),
];

describe('bursts of concurrent writes', () => {
  it('covers every mutation of the served schema', () => {
    expect(Object.keys(BURSTS).sort()).toEqual(servedMutations());
    expect(CHAINS.flat().sort()).toEqual(servedMutations());
  });

  it.each(CHAINS.map((chain) => [chain.join(', '), chain]))(
    `completes ${N} concurrent calls of %s on distinct rows, while an unrelated read goes on`,
    async (_label, chain) => {
      await smallTree(h.db);
      if (chain.includes('defineReviewProcedure') || chain.includes('setServiceSupervisionPhone') || chain.includes('setLedgerRules')) await insertJurisdictions(h.db, OWN_VILLAGES);
      const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
      rows.calendarAdmin = await createUser(h.db, ADMIN_HOME, [Role.PLATFORM_ADMIN]);
      if (chain.includes('addCaregiver') || chain.includes('recordProviderCallback')) rows.provider = await providerOf(OPERATOR);
      if (chain.includes('drawCallbackSample')) await callbackRows(rows);
      if (chain.some((mutation) => CASE_MUTATIONS.includes(mutation))) await caseRows(rows, chain);
      if (chain.includes('bookWorkOrder')) await orderRows(rows);
      if (chain.includes('proposeVoucherAdjustment')) {
        const registered = await Promise.all(Array.from({ length: N }, (_, i) => BURSTS.registerPerson.call(i, rows)).map((c) => h.gql(c.query, c.variables, rows.admin.token)));
        BURSTS.registerPerson.keep!(registered, rows);
        rows.finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
      }
      if (chain.includes('recordBudgetLine')) rows.finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
      if (chain.includes('prepareSettlement')) await settlementRows(rows);
      if (chain.includes('proposeFacilitySubsidyPayment')) await facilityPaymentRows(rows);
      const reader = await createUser(h.db, '321023', [Role.ANALYST]);

      // The unrelated read, sent one after another for as long as the bursts last.
      const poolBefore = poolUse(h.app)!;
      let reads = 0;
      const readFailures: string[] = [];
      let bursting = true;
      const reading = (async () => {
        while (bursting) {
          const response = await h.gql(`{ me { username } }`, {}, reader.token);
          reads += 1;
          if (response.errors) readFailures.push(outcomeOf(response));
        }
      })();

      const outcomes: Record<string, Record<string, number>> = {};
      try {
        for (const mutation of chain) {
          const burst = BURSTS[mutation];
          const calls = Array.from({ length: N }, (_, i) => burst.call(i, rows));
          const responses = await Promise.all(calls.map((c) => h.gql(c.query, c.variables, c.token === undefined ? rows.admin.token : c.token)));
          outcomes[mutation] = tally(responses);
          if (outcomes[mutation].OK === N) burst.keep?.(responses, rows);
          else break;
        }
      } finally {
        bursting = false;
        await reading;
      }

      expect(outcomes).toEqual(Object.fromEntries(chain.map((mutation) => [mutation, { OK: N }])));
      expect(readFailures).toEqual([]);
      // Reads went on during the bursts, and no request of any kind gave up waiting for a connection:
      // transactions hold at most pool − max(1, pool / 5) of them (src/db/transaction.ts). How quick
      // the reads stay is measured by the benchmarks, not asserted here: a time depends on the machine.
      expect(reads).toBeGreaterThan(0);
      expect(poolUse(h.app)!.timeouts - poolBefore.timeouts).toBe(0);
    },
    // The password chain hashes 250 times (scrypt, about 100 ms each): on a busy 2-core machine it takes longer than the default.
    120_000,
  );

  it(`keeps ${N} concurrent corrections of one budget line as one chain: one current line, each replacing the one before`, async () => {
    await smallTree(h.db);
    const finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
    const record = (amountFen: number) =>
      h.gql(`mutation($input: RecordBudgetLineInput!) { recordBudgetLine(input: $input) { id } }`, {
        input: { code: ADMIN_HOME, year: POPULATION_YEAR, source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen },
      }, finance.token);
    expect(tally(await Promise.all(Array.from({ length: N }, (_, i) => record(i))))).toEqual({ OK: N });
    const lines: { id: string; supersedes: string | null; current: boolean }[] = await h.db.query(
      `SELECT l.id::text AS id, l.supersedes::text AS supersedes, l.superseded_at IS NULL AS current FROM budget_line l ORDER BY l.id`,
    );
    expect(lines.filter((line) => line.current)).toHaveLength(1);
    expect(lines.map((line) => line.supersedes)).toEqual([null, ...lines.slice(0, -1).map((line) => line.id)]);
  });

  it('lets no lottery elderly-care part pass a retained total recorded at the same moment: of each pair, one is refused', async () => {
    await smallTree(h.db);
    const finance = await createUser(h.db, ADMIN_HOME, [Role.FINANCE]);
    const record = (year: number, purpose: string, amountFen: number) =>
      h.gql(`mutation($input: RecordBudgetLineInput!) { recordBudgetLine(input: $input) { id } }`, {
        input: { code: ADMIN_HOME, year, source: 'LOTTERY_WELFARE_FUND', purpose, amountFen },
      }, finance.token);
    const years = Array.from({ length: N / 2 }, (_, i) => POPULATION_YEAR - i);
    for (const year of years) expect((await record(year, 'RETAINED_TOTAL', 1_000)).errors).toBeUndefined();
    // Each alone would pass: 800 of 1,000, or a total of 700 with no part recorded. Together they would leave 800 of 700.
    const pairs = await Promise.all(years.map((year) => Promise.all([record(year, 'ELDERLY_CARE', 800), record(year, 'RETAINED_TOTAL', 700)])));
    expect(pairs.map((pair) => tally(pair))).toEqual(years.map(() => ({ OK: 1, BAD_USER_INPUT: 1 })));
    const overdrawn = await h.db.query(
      `SELECT p.year FROM budget_line p JOIN budget_line t ON t.jurisdiction_id = p.jurisdiction_id AND t.year = p.year AND t.purpose = 'RETAINED_TOTAL'
       WHERE p.purpose = 'ELDERLY_CARE' AND p.superseded_at IS NULL AND t.superseded_at IS NULL AND p.amount_fen > t.amount_fen`,
    );
    expect(overdrawn).toEqual([]);
  });

  describe('settlement', () => {
    /** The settlement chain's rows, and the first contract's month prepared and, as far as `upTo` says, checked and reviewed, one step at a time. */
    async function statementAt(upTo: 'prepareSettlement' | 'checkSettlementTown' | 'reviewSettlement'): Promise<Rows> {
      await smallTree(h.db);
      const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
      await settlementRows(rows);
      for (const step of ['prepareSettlement', 'checkSettlementTown', 'reviewSettlement'] as const) {
        const call = SETTLEMENT_BURSTS[step].call(0, rows);
        const response = await h.gql(call.query, call.variables, rows.admin.token);
        expect(response.errors).toBeUndefined();
        SETTLEMENT_BURSTS[step].keep?.([response], rows);
        if (step === upTo) break;
      }
      return rows;
    }
    const send = (rows: Rows, step: string) => {
      const call = SETTLEMENT_BURSTS[step].call(0, rows);
      return h.gql(call.query, call.variables, call.token === undefined ? rows.admin.token : call.token);
    };
    const successes = async (action: string) =>
      (await h.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = $1 AND outcome = 'SUCCESS'`, [action]))[0].n;

    it('approves a statement once of 20 concurrent approvals: one APPROVED, its vouchers posted to the funders once', async () => {
      const rows = await statementAt('reviewSettlement');
      const responses = await Promise.all(Array.from({ length: 20 }, () => send(rows, 'approveSettlement')));
      expect(tally(responses)).toEqual({ OK: 1, CONFLICT: 19 });
      const id = rows.statementIds[0];
      const [statement] = await h.db.query(`SELECT state::text AS state, voucher_fen::int AS "voucherFen" FROM settlement_statement WHERE id = $1`, [id]);
      expect(statement.state).toBe('APPROVED');
      // One posting per village (both villages of the burst), the payables adding up to the statement's vouchers.
      const postings = await h.db.query(
        `SELECT p.village_code AS village, sum(l.amount_fen) FILTER (WHERE a.kind = 'PAYABLE')::int AS payable
           FROM ledger_posting p JOIN ledger_line l ON l.posting_id = p.id JOIN ledger_account a ON a.id = l.account_id
          WHERE p.cause = 'SETTLEMENT' AND p.statement_id = $1 GROUP BY p.id, p.village_code ORDER BY p.village_code`,
        [id],
      );
      expect(postings.map((p: { village: string }) => p.village)).toEqual([...VILLAGES].sort());
      expect(postings.reduce((sum: number, p: { payable: number }) => sum + p.payable, 0)).toBe(statement.voucherFen);
      const [{ unsettled }] = await h.db.query(
        `SELECT count(*)::int AS unsettled FROM ledger_unsettled u JOIN settlement_item i ON i.posting_id = u.posting_id WHERE i.statement_id = $1`,
        [id],
      );
      expect(unsettled).toBe(0);
      expect(await successes('settlement.approve')).toBe(1);
    });

    it('checks a town’s part once of 20 concurrent checks; the others are CONFLICT', async () => {
      const rows = await statementAt('prepareSettlement');
      const responses = await Promise.all(Array.from({ length: 20 }, () => send(rows, 'checkSettlementTown')));
      expect(tally(responses)).toEqual({ OK: 1, CONFLICT: 19 });
      const towns = await h.db.query(`SELECT town_code AS town, checked_by IS NOT NULL AS checked FROM settlement_town WHERE statement_id = $1`, [rows.statementIds[0]]);
      expect(towns).toEqual([{ town: TOWN, checked: true }]);
      expect(await successes('settlement.checkTown')).toBe(1);
    });

    it('answers 20 concurrent preparations of one contract’s month with one statement, its towns and shares adding up to it', async () => {
      await smallTree(h.db);
      const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
      await settlementRows(rows);
      const responses = await Promise.all(Array.from({ length: 20 }, () => send(rows, 'prepareSettlement')));
      expect(tally(responses)).toEqual({ OK: 20 });
      expect(new Set(responses.map((r) => r.data!.prepareSettlement.id)).size).toBe(1);
      const [statement] = await h.db.query(
        `SELECT count(*)::int AS statements, sum(orders)::int AS orders, sum(voucher_fen)::int AS voucher, sum(price_fen)::int AS price FROM settlement_statement`,
      );
      expect(statement).toMatchObject({ statements: 1, orders: 2, price: 3000 });
      const [sums] = await h.db.query(
        `SELECT (SELECT count(*)::int FROM settlement_item) AS items, (SELECT sum(voucher_fen)::int FROM settlement_item) AS "itemVouchers",
                (SELECT sum(voucher_fen)::int FROM settlement_town) AS "townVouchers", (SELECT sum(amount_fen)::int FROM settlement_share) AS shares`,
      );
      expect(sums).toEqual({ items: 2, itemVouchers: statement.voucher, townVouchers: statement.voucher, shares: statement.voucher });
    });

    it('lets preparations and approvals of one reviewed statement sent at once refuse each other, never fail inside the server, and post its vouchers at most once', async () => {
      const rows = await statementAt('reviewSettlement');
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => send(rows, i % 2 === 0 ? 'prepareSettlement' : 'approveSettlement')));
      expect(Object.keys(tally(responses)).filter((outcome) => outcome !== 'OK' && outcome !== 'CONFLICT')).toEqual([]);
      const [{ state }] = await h.db.query(`SELECT state::text AS state FROM settlement_statement WHERE id = $1`, [rows.statementIds[0]]);
      const [{ postings }] = await h.db.query(`SELECT count(*)::int AS postings FROM ledger_posting WHERE cause = 'SETTLEMENT'`);
      expect(postings).toBe(state === 'APPROVED' ? VILLAGES.length : 0);
    });

    it('sets a level’s rules from a month once of 20 concurrent settings; the others are CONFLICT', async () => {
      await smallTree(h.db);
      const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
      const input = { jurisdictionCode: ADMIN_HOME, fromMonth: thisMonthInChina(), mealOwnSharePercent: 60, yearCap: true, returnFrozen: false, source: '区民政局通知' };
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => h.gql(`mutation($input: SetLedgerRulesInput!) { setLedgerRules(input: $input) { code } }`, { input }, admin.token)),
      );
      expect(tally(responses)).toEqual({ OK: 1, CONFLICT: 19 });
      const [{ rules }] = await h.db.query(`SELECT count(*)::int AS rules FROM ledger_rules`);
      expect(rules).toBe(1);
    });
  });

  it(`lets exactly one of ${N} concurrent transitions of a facility to the same status win; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
    const created = await h.gql(
      `mutation($input: CreateFacilityInput!) { createFacility(input: $input) { id } }`,
      { input: { name: '养老院', type: 'INSTITUTION', jurisdictionCode: VILLAGES[0], operator: OPERATOR } },
      admin.token,
    );
    const id = created.data!.createFacility.id;
    const responses = await Promise.all(
      Array.from({ length: N }, () =>
        h.gql(`mutation($id: ID!) { transitionFacility(id: $id, to: UNDER_CONSTRUCTION) { status } }`, { id }, admin.token),
      ),
    );
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ events }] = await h.db.query(`SELECT count(*)::int AS events FROM facility_event WHERE facility_id = $1 AND kind = 'TRANSITION'`, [id]);
    expect(events).toBe(1);
  });

  it(`answers ${N} concurrent assignments of one case to the same assessor alike, recording one (the same assessor again changes nothing)`, async () => {
    await smallTree(h.db);
    const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
    await caseRows(rows, ['assignCaseAssessor']);
    const call = BURSTS.assignCaseAssessor.call(0, rows);
    const responses = await Promise.all(Array.from({ length: N }, () => h.gql(call.query, call.variables, rows.admin.token)));
    expect(tally(responses)).toEqual({ OK: N });
    const entries = await h.db.query(`SELECT action, opinion FROM application_history WHERE case_id = $1`, [rows.assessmentCaseIds[0]]);
    expect(entries).toEqual([{ action: 'ASSIGN_ASSESSOR', opinion: rows.assessor.username }]);
  });

  it(`lets exactly one of ${N} versions of a node's procedure defined at once from the same day win; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
    const define = `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { id } }`;
    const first = await h.gql(define, { input: { jurisdictionCode: ADMIN_HOME, effectiveFrom: '2025-01-01', fromTemplate: 'JIANGDU' } }, admin.token);
    expect(first.errors).toBeUndefined();
    const input = { jurisdictionCode: ADMIN_HOME, effectiveFrom: todayInChina(), fromTemplate: 'SHENZHEN' };
    const responses = await Promise.all(Array.from({ length: N }, () => h.gql(define, { input }, admin.token)));
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ versions, open }] = await h.db.query(`SELECT count(*)::int AS versions, count(*) FILTER (WHERE effective_to IS NULL)::int AS open FROM review_procedure`);
    expect({ versions, open }).toEqual({ versions: 2, open: 1 });
  });

  // «工作牌必須標有…服務工號» (seed 004 篇四): a work card number names one caregiver of the organisation.
  it(`lets exactly one of ${N} concurrent caregivers added with the same work card number win; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const provider = await providerOf(OPERATOR);
    const add = `mutation($input: AddCaregiverInput!) { addCaregiver(input: $input) { id } }`;
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        h.gql(add, { input: { name: `护理员${i}`, workCardNumber: 'JD-001', phone: '13900001111', basedAt: village(i), startedOn: '2025-09-01' } }, provider.token),
      ),
    );
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ caregivers }] = await h.db.query(`SELECT count(*)::int AS caregivers FROM caregiver`);
    expect(caregivers).toBe(1);
  });

  it(`lets exactly one of ${N} concurrent accounts for one caregiver be created; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const provider = await providerOf(OPERATOR);
    const added = await h.gql(
      `mutation($input: AddCaregiverInput!) { addCaregiver(input: $input) { id } }`,
      { input: { name: '护理员', workCardNumber: 'JD-001', phone: '13900001111', basedAt: VILLAGES[0], startedOn: '2025-09-01' } },
      provider.token,
    );
    const caregiverId = added.data!.addCaregiver.id;
    const create = `mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`;
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        h.gql(create, { input: { username: `caregiver${i}`, password: PASSWORDS[0], jurisdictionCode: VILLAGES[0], roles: [Role.CAREGIVER], caregiverId } }, provider.token),
      ),
    );
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ accounts }] = await h.db.query(`SELECT count(*)::int AS accounts FROM app_user WHERE caregiver_id = $1`, [caregiverId]);
    expect(accounts).toBe(1);
  }, 120_000);

  // One provider serves a village's item on a day (docs/providers.md): the exclusion constraint decides between writers.
  it(`lets exactly one of ${N} concurrent contracts for the same village, item and year win, from ${N} providers; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
    const call = (i: number) => BURSTS.createContract.call(i, {} as Rows);
    for (let i = 0; i < N; i += 1) {
      const admitted = BURSTS.admitProvider.call(i, {} as Rows);
      expect((await h.gql(admitted.query, admitted.variables, admin.token)).errors).toBeUndefined();
    }
    const responses = await Promise.all(
      Array.from({ length: N }, (_, i) => {
        const { query, variables } = call(i);
        return h.gql(query, { input: { ...(variables!.input as object), from: '2030-01-01' } }, admin.token);
      }),
    );
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ contracts, coverage }] = await h.db.query(
      `SELECT (SELECT count(*)::int FROM service_contract) AS contracts, (SELECT count(*)::int FROM service_contract_coverage) AS coverage`,
    );
    expect({ contracts, coverage }).toEqual({ contracts: 1, coverage: 1 });
  });

  it(`lets exactly one of ${N} versions of a level's care rules defined at once for the same day win; the others are CONFLICT, nothing half-written`, async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
    const define = `mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { id } }`;
    const input = { jurisdictionCode: ADMIN_HOME, effectiveFrom: todayInChina(), fromTemplate: 'JIANGDU' };
    const responses = await Promise.all(Array.from({ length: N }, () => h.gql(define, { input }, admin.token)));
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ versions }] = await h.db.query(`SELECT count(*)::int AS versions FROM care_rules`);
    expect(versions).toBe(1);
    const [{ entries }] = await h.db.query(`SELECT count(*)::int AS entries FROM audit_entry WHERE action = 'careRules.define' AND outcome = 'SUCCESS'`);
    expect(entries).toBe(1);
  });

  it(`lets exactly one of ${N} concurrent 督办 of one overdue step win; the others are CONFLICT`, async () => {
    await smallTree(h.db);
    const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
    await caseRows(rows, ['superviseCase']);
    const id = rows.noticeCaseIds[0];
    const supervise = `mutation($id: ID!) { superviseCase(caseId: $id, deadline: "2090-01-31") { id } }`;
    const responses = await Promise.all(Array.from({ length: N }, () => h.gql(supervise, { id }, rows.admin.token)));
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const [{ items }] = await h.db.query(`SELECT count(*)::int AS items FROM supervision_item WHERE case_id = $1`, [id]);
    expect(items).toBe(1);
  });

  it('closes one county’s month once of 20 concurrent closes; the others are CONFLICT and no request waits out the pool', async () => {
    await smallTree(h.db);
    const admin = await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]);
    const poolBefore = poolUse(h.app)!;
    const close = `mutation { closeCareMonth(under: "${ADMIN_HOME}", month: "2025-06") { closed } }`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.gql(close, {}, admin.token)));
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: 19 });
    const [{ closes }] = await h.db.query(`SELECT count(*)::int AS closes FROM care_month_close`);
    expect(closes).toBe(1);
    const [{ entries }] = await h.db.query(`SELECT count(*)::int AS entries FROM audit_entry WHERE action = 'careMonth.close' AND outcome = 'SUCCESS'`);
    expect(entries).toBe(1);
    expect(poolUse(h.app)!.timeouts - poolBefore.timeouts).toBe(0);
  });

  // A visit is signed in once: the order's row decides between ${N} devices' sign-ins, and a re-sent event is one row.
  it(`lets exactly one of ${N} concurrent sign-ins of one order with different client ids win, and makes ${N} re-sends of one event one row`, async () => {
    await smallTree(h.db);
    const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
    await orderRows(rows);
    for (const burst of ['bookWorkOrder', 'assignWorkOrder']) {
      const responses = await Promise.all([0, 1].map((i) => BURSTS[burst].call(i, rows)).map((c) => h.gql(c.query, c.variables, c.token!)));
      expect(tally(responses)).toEqual({ OK: 2 });
      BURSTS[burst].keep?.(responses, rows);
    }
    const signIn = (i: number, clientId: string) => ({ ...visitEvent(rows, i, 1, 60), variables: { input: { ...visitEvent(rows, i, 1, 60).variables.input, clientId } } });
    const distinct = await Promise.all(Array.from({ length: N }, (_, k) => signIn(0, clientIdOf(7, k))).map((c) => h.gql(c.query, c.variables, c.token)));
    expect(tally(distinct)).toEqual({ OK: 1, CONFLICT: N - 1 });
    const resent = await Promise.all(Array.from({ length: N }, () => signIn(1, clientIdOf(8, 0))).map((c) => h.gql(c.query, c.variables, c.token)));
    expect(tally(resent)).toEqual({ OK: N });
    const events = await h.db.query(`SELECT order_id::text AS "order", count(*)::int AS n FROM visit_event GROUP BY order_id ORDER BY order_id`);
    expect(events).toEqual(rows.orderIds.map((order) => ({ order, n: 1 })).sort((a, b) => Number(a.order) - Number(b.order)));
  });

  // «各服務商要對日工單進行100%回訪» (seed 004 篇四): one provider's call-back per order.
  it('lets exactly one of 20 concurrent provider call-backs of one order be recorded; the others are CONFLICT, the order voided once', async () => {
    await smallTree(h.db);
    const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]), provider: await providerOf(OPERATOR) } as Rows;
    await callbackRows(rows);
    const call = { ...CALLBACK_BURSTS.recordProviderCallback.call(0, rows) };
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.gql(call.query, call.variables, rows.provider.token)));
    expect(tally(responses)).toEqual({ OK: 1, CONFLICT: 19 });
    const [{ callbacks, version, reasons }] = await h.db.query(
      `SELECT (SELECT count(*)::int FROM order_callback) AS callbacks, w.version, w.void_reasons AS reasons FROM work_order w WHERE w.id = $1`,
      [rows.callbackOrders[0]],
    );
    expect({ callbacks, version, reasons }).toEqual({ callbacks: 1, version: 2, reasons: ['VOIDED_ON_CALLBACK'] });
  });

  // «線上回訪率不低於日工單的10%» (seed 004 篇四): one draw per county and day, whoever asks first.
  it('answers 20 concurrent draws of one county and day with one stored draw', async () => {
    await smallTree(h.db);
    const rows = { admin: await createUser(h.db, ADMIN_HOME, [Role.CIVIL_AFFAIRS_ADMIN]) } as Rows;
    rows.provider = await providerOf(OPERATOR);
    await callbackRows(rows);
    const call = CALLBACK_BURSTS.drawCallbackSample.call(0, rows);
    const responses = await Promise.all(Array.from({ length: 20 }, () => h.gql(call.query, call.variables, rows.admin.token)));
    expect(tally(responses)).toEqual({ OK: 20 });
    expect(new Set(responses.map((r) => JSON.stringify(r.data!.drawCallbackSample))).size).toBe(1);
    const [{ draws }] = await h.db.query(`SELECT count(*)::int AS draws FROM callback_draw`);
    expect(draws).toBe(1);
  });
});
