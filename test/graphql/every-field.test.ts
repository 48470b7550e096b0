import {
  astFromValue,
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isLeafType,
  isNonNullType,
  isObjectType,
  print,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { DEMO_PASSWORD, seedDemo } from '../../seeds/demo';
import { DEMO_SUBSIDY_TOWN } from '../../seeds/demo-facility-subsidies';
import { DEMO_NOTICE_POSTED } from '../../seeds/demo-cases';
import { DEMO_CAREGIVER_USERNAME } from '../../seeds/demo-caregivers';
import { DEMO_CONTRACT_FROM } from '../../seeds/demo-providers';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { addMonths, thisMonthInChina, todayInChina } from '../../src/kernel/dates';
import { MUTATION_AUDIT } from '../../src/audit/refusals';
import { cachedWritesOutsideMutations, watchStatements } from '../support/cached-writes';
import { insertWorkOrder, standInCalendars, testCreditCode } from '../support/factories';
import { useHarness } from '../support/harness';

// Every field of every type at once: queries as deep and as costly as the schema is wide.
const h = useHarness({ MAX_QUERY_DEPTH: '50', MAX_QUERY_COST: '10000000' });
jest.setTimeout(300_000);

const COUNTY = '321012';
const VILLAGE = '321012100001';
const MONTH = thisMonthInChina();
const YEAR = Number(MONTH.slice(0, 4));
const TODAY = todayInChina();
// The day of the call-backs' order: before the demo's visits (the four days before today, seeds/demo-visits.ts),
// so that the county's draw of the day holds that order alone and draws it.
const CALLBACK_DAY = new Date(Date.parse(`${TODAY}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
const QUARTER = `${YEAR}-Q${Math.floor((Number(MONTH.slice(5, 7)) - 1) / 3) + 1}`;
const ADMIN = 'civil-affairs-admin@321012';
const PROVIDER = 'service-provider@321012';
const FINANCE = 'finance@3210';
const NEW_USER = 'every-field-staff@321012100';
const NEW_PASSWORD = 'every-field-password-1';

/** Ids the arguments need: read from the demo data, or kept from what a mutation answered. */
interface Fixture {
  facilityId: string;
  /** A facility of the town its subsidies of last year are due to (some of the demo's are refused). */
  dueFacilityId: string;
  personId: string;
  targetId: string;
  schemeId: string;
  /** The demo's: a scheme that requires an application, a case at its public notice, an approved (enrolled) one. */
  applicationSchemeId: string;
  noticeCaseId: string;
  assessmentCaseId: string;
  approvedCaseId: string;
  enrolmentId: string;
  /** A person enrolled this month (the demo's last enrolment, left alone by the mutations). */
  recipientId: string;
  /** A person the demo credited vouchers to, and the kind of their first voucher account. */
  voucherHolderId: string;
  voucherKind: string;
  /** The demo's first caregiver (demo-caregivers.ts). */
  caregiverId: string;
  /** For the work orders: a person of 仙女镇 (which the demo provider's contract serves), the provider's credit code, the demo CAREGIVER login's caregiver. */
  orderPersonId: string;
  providerCode: string;
  visitingCaregiverId: string;
  /** A VERIFIED order of the demo provider for the recipient yesterday (written here: the demo has none), and the recipient's village. */
  callbackOrderId: string;
  recipientVillage: string;
  /** The demo provider's contract with 江都区, whose month the settlement mutations settle. */
  settlementContractId: string;
  created: Record<string, string>;
}

type Arguments = Record<string, Record<string, unknown>>;

/** Argument values by `Type.field`: every required argument, and optional ones that make the answer say more. */
function argumentsFor(fx: Fixture): Arguments {
  const page = { first: 3 };
  return {
    'Query.jurisdiction': { code: COUNTY },
    'Query.jurisdictions': { under: COUNTY, ...page },
    'Query.user': { username: NEW_USER },
    'Query.users': page,
    'Query.auditTrail': { first: 10 },
    'Query.facility': { id: fx.facilityId },
    'Query.facilities': { under: DEMO_SUBSIDY_TOWN, ...page },
    'Query.person': { id: fx.personId },
    // Unmasked (audited) once, so that a birth date is answered and serialised too.
    'Person.birthDate': { unmasked: true },
    'Query.people': page,
    'Query.subsidyScheme': { id: fx.schemeId },
    'Query.subsidySchemes': { at: DEMO_SUBSIDY_TOWN },
    'Query.subsidyFloors': { at: COUNTY },
    // The demo's 江都 procedure, inherited by the village; its first half-year window of 2026 open.
    'Query.reviewProcedure': { code: VILLAGE, on: '2026-06-01' },
    'Query.reviewProcedures': { code: COUNTY },
    'Query.intakeWindow': { code: VILLAGE, on: '2026-06-01' },
    'Query.entitlement': { personId: fx.personId, month: MONTH },
    'Query.target': { id: fx.targetId },
    'Query.targets': page,
    'Query.notice': { id: fx.created.notice },
    'Query.workingCalendar': { code: COUNTY, year: 2025 },
    'Query.case': { id: fx.approvedCaseId },
    'Query.cases': { under: COUNTY, ...page },
    'Query.publicNotices': { under: COUNTY },
    'Query.reReviews': { under: COUNTY, ...page },
    'Query.reReviewCounts': { under: COUNTY },
    // The demo's 江都 care rules, inherited by the village; a recipient's plan this month.
    'Query.careRules': { at: VILLAGE },
    'Query.carePlan': { person: fx.recipientId, month: MONTH },
    'Query.carePlans': { under: COUNTY, month: MONTH, ...page },
    'Query.workingDeadline': { code: COUNTY, from: '2025-09-26', days: 10 },
    'Query.caregiver': { id: fx.caregiverId },
    'Query.caregivers': { under: COUNTY, ...page },
    'Query.caregiverCard': { id: fx.caregiverId },
    'Caregiver.standing': { at: VILLAGE, on: TODAY },
    // Yesterday's order: drawn by the county, called back online and by its provider.
    'Query.orderCallbacks': { order: fx.callbackOrderId },
    'Query.callbackDraw': { county: COUNTY, day: CALLBACK_DAY },
    'Query.callbackRates': { under: COUNTY, from: CALLBACK_DAY, to: TODAY },
    'Query.oversightVisits': { under: COUNTY, ...page },
    'Query.oversightShares': { under: COUNTY, quarter: QUARTER },
    // With history: the line recorded above and any it corrected.
    'Query.budgetLines': { code: COUNTY, year: YEAR, history: true },
    'Query.funding': { under: COUNTY, year: YEAR },
    'Query.providers': { under: COUNTY, ...page },
    'Query.providerBans': { under: COUNTY, ...page },
    'Query.contracts': { under: COUNTY, ...page },
    'Query.contract': { id: fx.created.contract },
    // The demo's contract serves 仙女镇's villages from 2026-09-01 for a year.
    'Query.contractFor': { village: VILLAGE, item: 'MEALS', on: '2026-10-01' },
    'Query.workOrder': { id: fx.created.order },
    'Query.workOrders': { under: COUNTY, ...page },
    'Query.homePlace': { person: fx.orderPersonId },
    'Jurisdiction.children': page,
    'Jurisdiction.coverage': { metric: 'VILLAGE_SERVICE' },
    'Jurisdiction.childCoverage': { metric: 'VILLAGE_SERVICE', ...page },
    'Jurisdiction.childCaseFigures': page,
    'Jurisdiction.coverageTrend': { metric: 'VILLAGE_SERVICE', from: `${YEAR - 1}-01-01`, to: TODAY },
    'Jurisdiction.subsidyTotals': { month: MONTH },
    'Jurisdiction.elderlyPopulation': { year: YEAR },
    'Jurisdiction.entitlementRuns': { month: MONTH },
    'Facility.subsidies': { year: YEAR - 1 },
    'Facility.dinerMonths': { year: YEAR - 1 },
    'FacilityStats.count': { type: 'MUTUAL_AID_CENTER' },
    'Target.progressSeries': { from: `${YEAR - 1}-01-01`, to: TODAY },
    'Query.recipientCareMonth': { person: fx.recipientId, month: MONTH },
    'Query.careCompliance': { at: COUNTY, month: MONTH },
    'Query.personVouchers': { person: fx.voucherHolderId },
    'Query.voucherAdjustments': {},
    'Query.voucherFigures': { at: COUNTY, month: MONTH },
    // The rules the county set from next month, and the month's statement prepared, checked, reviewed and approved below.
    'Query.ledgerRules': { at: VILLAGE, month: addMonths(MONTH, 1) },
    'Query.settlementStatement': { id: fx.created.statement },
    'Query.settlementStatements': { under: COUNTY, month: MONTH, state: 'APPROVED', ...page },
    'Query.settlementQuarter': { at: COUNTY, year: YEAR, quarter: Number(QUARTER.slice(-1)) },
    'Query.facilitySubsidyPayments': { facility: fx.dueFacilityId, year: YEAR - 1 },
    'SettlementStatement.items': { first: 50 },
    // The fixture's verified orders were written without a contract, so the ledger charged nothing for them.
    'Query.anomalies': { at: COUNTY, kind: 'VERIFIED_NOT_CHARGED', from: CALLBACK_DAY, to: TODAY, first: 3 },
  };
}

const person = (first17: string, name: string) => ({
  nationalId: first17 + nationalIdCheck(first17),
  name,
  phone: '13812345678',
  address: '江苏省扬州市江都区仙女镇东苑路1号',
  villageCode: VILLAGE,
  hukouCode: VILLAGE,
  residentSince: '2001-05-01',
  livingSituations: ['ALONE', 'EMPTY_NEST'],
  ownMonthlyIncomeFen: 123_450,
  householdMonthlyIncomeFen: 234_560,
  categories: [{ category: 'DISABILITY', disabilityGrade: 2 }, { category: 'LOW_INCOME' }],
  categoriesSince: '2020-01-01',
});
const tiers = [
  {
    name: '80周岁及以上独居低收入',
    amountFen: 10_000,
    minAge: 80,
    minAgeFemale: 75,
    maxAge: 120,
    livingSituations: ['ALONE'],
    livingSituationsNone: ['LEFT_BEHIND'],
    categoriesAny: ['LOW_INCOME', 'DISABILITY'],
    categoriesAll: ['LOW_INCOME'],
    categoriesNone: ['EXTREME_POVERTY_CENTRALIZED'],
    abilities: ['MILD', 'MODERATE'],
    ownIncomeBelowFen: 300_000,
    householdIncomeBelowFen: 600_000,
    minResidentMonths: 12,
    hukouRequired: true,
    hukouOrResident: true,
  },
];
const parameters = { requiresApplication: true, firstMonth: 'MONTH_AFTER_APPROVAL', lastMonth: 'PAY_MONTH_OF_EVENT', assessmentValidMonths: 12 };
const funding = [
  { level: 'COUNTY', weight: 2 },
  { level: 'TOWN', weight: 1 },
];

interface MutationCase {
  /** The user who may do it (a demo username), or null for anonymous. */
  as: string | null;
  args: (fx: Fixture) => Record<string, unknown>;
  /** Keeps an id of the answer for later cases. */
  keep?: string;
  /** Fields (`Type.field`) of the answer that this caller may not follow; each is reached elsewhere. */
  omit?: string[];
}

/** Every mutation once, in an order where each finds what it needs. A mutation the schema has and this table lacks fails the test. */
const MUTATIONS: Record<string, MutationCase> = {
  // Whoever signs in is anonymous until the answer arrives: the home jurisdiction's gated figures are not theirs yet.
  login: { as: null, args: () => ({ username: ADMIN, password: DEMO_PASSWORD }), omit: ['User.jurisdiction'] },
  createUser: {
    as: ADMIN,
    args: () => ({ input: { username: NEW_USER, password: NEW_PASSWORD, displayName: '新同事', jurisdictionCode: '321012100', roles: ['CIVIL_AFFAIRS_STAFF'] } }),
  },
  updateUser: { as: ADMIN, args: () => ({ input: { username: NEW_USER, displayName: '新同事(仙女镇)' } }) },
  resetPassword: { as: ADMIN, args: () => ({ username: NEW_USER, newPassword: `${NEW_PASSWORD}-reset` }) },
  unlockLogin: { as: ADMIN, args: () => ({ username: NEW_USER }) },
  createFacility: {
    as: ADMIN,
    keep: 'facility',
    args: () => ({
      input: {
        name: '东苑社区互助养老中心',
        type: 'MUTUAL_AID_CENTER',
        jurisdictionCode: VILLAGE,
        services: ['MEALS', 'DAY_CARE'],
        dailyDiners: 20,
        floorAreaM2: 320.5,
        staff: 4,
        beds: { total: 10, nursing: 4, dementia: 1 },
        operatingModel: 'PUBLIC_BUILT_PRIVATE_RUN',
        operator: { creditCode: testCreditCode(901), name: '江都区东苑养老服务中心' },
        status: 'OPERATING',
        since: '2025-01-01',
      },
    }),
  },
  updateFacility: { as: ADMIN, args: (fx) => ({ id: fx.created.facility, input: { staff: 5, services: ['MEALS'], servicesSince: '2025-06-01' } }) },
  recordFacilityDiners: { as: ADMIN, args: (fx) => ({ id: fx.created.facility, month: '2025-06', diners: 22 }) },
  designateVillageFacility: { as: ADMIN, args: (fx) => ({ facilityId: fx.created.facility, fromMonth: '2025-01' }) },
  transitionFacility: { as: ADMIN, args: (fx) => ({ id: fx.created.facility, to: 'SUSPENDED', on: TODAY, note: '整改' }) },
  registerPerson: { as: ADMIN, keep: 'person', args: () => ({ input: person('32101219400301001', '赵七') }) },
  updatePerson: {
    as: ADMIN,
    args: (fx) => ({ id: fx.created.person, input: { name: '赵七', hukouCode: VILLAGE, villageCode: VILLAGE, livingSituations: ['LEFT_BEHIND'], phone: '13912345678' } }),
  },
  setPersonCategories: { as: ADMIN, args: (fx) => ({ id: fx.created.person, categories: [{ category: 'DISABILITY', disabilityGrade: 1 }] }) },
  recordAbilityAssessment: {
    as: ADMIN,
    args: (fx) => ({ personId: fx.created.person, input: { level: 'MILD', assessedOn: TODAY, assessor: '扬州市第三方评估中心', note: '复评' } }),
  },
  recordPersonStatus: { as: ADMIN, args: (fx) => ({ id: fx.created.person, status: 'MOVED_AWAY', on: TODAY }) },
  importPeople: {
    as: ADMIN,
    args: () => {
      const good = person('32101219420505002', '钱八');
      const bad = person('32101219420505003', '孙九');
      const row = (p: typeof good, id: string) => [id, p.name, p.phone, p.address, p.villageCode, p.hukouCode, p.residentSince, '独居', '1234.5', '低保'].join(',');
      const csv = [
        'nationalId,name,phone,address,villageCode,hukouCode,residentSince,livingSituations,ownMonthlyIncome,categories',
        row(good, good.nationalId),
        row(bad, `${bad.nationalId.slice(0, 17)}${bad.nationalId[17] === '0' ? '1' : '0'}`),
      ].join('\n');
      return { input: { csv, goodRowsOnly: true } };
    },
  },
  createSubsidyFloor: {
    as: ADMIN,
    args: () => ({ input: { jurisdictionCode: COUNTY, kind: 'HOME_CARE_SUBSIDY', minAge: 100, maxAge: 120, amountFen: 5_000, fromMonth: MONTH, toMonth: addMonths(MONTH, 24) } }),
  },
  createSubsidyScheme: {
    as: ADMIN,
    keep: 'scheme',
    args: () => ({
      input: {
        jurisdictionCode: COUNTY,
        kind: 'HOME_CARE_SUBSIDY',
        name: '高龄独居老人居家养老服务补贴',
        version: { fromMonth: MONTH, combination: 'HIGHEST', exclusionGroup: '居家', ...parameters, funding, tiers },
      },
    }),
  },
  addSubsidySchemeVersion: {
    as: ADMIN,
    args: (fx) => ({ id: fx.created.scheme, version: { fromMonth: addMonths(MONTH, 1), ...parameters, funding, tiers: [{ ...tiers[0], amountFen: 12_000 }] } }),
  },
  endSubsidyScheme: { as: ADMIN, args: (fx) => ({ id: fx.created.scheme, lastMonth: addMonths(MONTH, 6) }) },
  // Filed in the demo's June window, under 江都区's procedure (before the one defined below).
  fileApplication: {
    as: ADMIN,
    keep: 'case',
    args: (fx) => ({
      input: {
        person: person('32101219410301003', '周十'),
        schemeIds: [fx.applicationSchemeId],
        materials: [{ kind: '身份证复印件', receivedOn: '2026-06-01', checked: true }],
        agent: { name: '周小十', relation: '子女' },
        receivedOn: '2026-06-01',
      },
    }),
  },
  decideCase: { as: ADMIN, args: (fx) => ({ input: { caseId: fx.created.case, action: 'RETURN', step: 1, opinion: '请补充户口簿', reasons: '缺少户口簿', idempotencyKey: 'every-field' } }) },
  resubmitCase: { as: ADMIN, args: (fx) => ({ caseId: fx.created.case, materials: [{ kind: '户口簿', receivedOn: TODAY }] }) },
  // The case at its public notice, overdue there (the fixture moves its due date back): 督办 before the objection sends it back.
  superviseCase: { as: ADMIN, keep: 'caseSupervision', args: (fx) => ({ caseId: fx.noticeCaseId, deadline: `${YEAR + 1}-01-31`, detail: '请尽快完成公示' }) },
  recordObjection: { as: ADMIN, args: (fx) => ({ caseId: fx.noticeCaseId, receivedOn: TODAY, summary: '村民反映其已迁居' }) },
  assignCaseAssessor: { as: ADMIN, args: (fx) => ({ caseId: fx.assessmentCaseId, step: 4, assessor: 'assessor@321012' }) },
  confirmEnrolment: { as: ADMIN, args: (fx) => ({ id: fx.enrolmentId, opinion: '核实:户籍迁入本区他村,继续享受', idempotencyKey: 'every-field' }) },
  cancelEnrolment: { as: ADMIN, args: (fx) => ({ id: fx.enrolmentId, reason: 'WITHDRAWN', on: TODAY }) },
  defineReviewProcedure: {
    as: ADMIN,
    keep: 'procedure',
    args: () => ({ input: { jurisdictionCode: COUNTY, effectiveFrom: TODAY, fromTemplate: 'SHENZHEN', name: '江都區試行程序', usesIntakeWindows: true } }),
  },
  endReviewProcedure: { as: ADMIN, args: (fx) => ({ id: fx.created.procedure, lastDay: `${YEAR + 1}-12-31` }) },
  openIntakeWindow: {
    as: ADMIN,
    keep: 'window',
    args: () => ({ input: { jurisdictionCode: COUNTY, name: `${YEAR + 1}年上半年集中申報`, opens: `${YEAR + 1}-05-31`, closes: `${YEAR + 1}-06-30` } }),
  },
  closeIntakeWindow: { as: ADMIN, args: (fx) => ({ id: fx.created.window, lastDay: `${YEAR + 1}-06-15` }) },
  // A town's own rules within the county's 江都 ones: every 困難老人 4 visits, 80+ 2, every setting written out.
  defineCareRules: {
    as: ADMIN,
    args: () => ({
      input: {
        jurisdictionCode: '321012100',
        effectiveFrom: TODAY,
        effectiveTo: `${YEAR + 2}-12-31`,
        name: '仙女镇上门服务规则',
        source: '仙女镇 (every-field)',
        rules: {
          visitRules: [
            { name: '高齡老人', minAge: 80, visitsPerMonth: 2 },
            {
              name: '困難老人',
              minAge: 60,
              categoriesAny: ['EXTREME_POVERTY_DISPERSED', 'MINIMUM_LIVING_ALLOWANCE', 'BEREAVED_PARENTS', 'ENTITLED_GROUPS', 'MODEL_WORKER', 'CHILDLESS_WIDOWED'],
              abilities: ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'],
              visitsPerMonth: 4,
            },
            { name: '空巢獨居老人', minAge: 60, livingSituationsAny: ['EMPTY_NEST', 'ALONE'], abilities: ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA'], visitsPerMonth: 4 },
          ],
          minMinutesPerVisit: 60,
          distinctItemsPerYear: 4,
          makeUpNextMonth: true,
          classRules: [{ name: '“三無”老人', serviceClass: 'FREE', minAge: 60, categoriesAny: ['THREE_NOS'] }],
          providerCallbackPercent: 100,
          onlineCallbackPercent: 15,
          communityCheckPercent: 5,
          checkInRadiusMetres: 200,
          offlineSyncDays: 3,
          sharedServiceAreas: true,
        },
      },
    }),
  },
  runEntitlements: { as: ADMIN, args: () => ({ code: DEMO_SUBSIDY_TOWN, month: MONTH }) },
  postVoucherCredits: { as: ADMIN, args: () => ({ at: DEMO_SUBSIDY_TOWN, month: MONTH }) },
  proposeVoucherAdjustment: {
    as: ADMIN,
    keep: 'adjustment',
    args: (fx) => ({ input: { person: fx.voucherHolderId, schemeKind: fx.voucherKind, funder: COUNTY, amountFen: 1000, reason: '补录上月漏充' } }),
  },
  decideVoucherAdjustment: { as: 'finance@3210', args: (fx) => ({ id: fx.created.adjustment, approve: true, note: '核对无误' }) },
  createTarget: {
    as: ADMIN,
    keep: 'target',
    args: () => ({
      input: {
        jurisdictionCode: COUNTY,
        title: '助餐服务覆盖率达到80%',
        metric: 'MEAL_SERVICE',
        comparator: 'AT_LEAST',
        threshold: 80,
        baseline: 40,
        startsOn: `${YEAR}-01-01`,
        deadline: `${YEAR + 2}-12-31`,
        responsibleUnit: '江都区民政局',
        phases: [{ phase: 'IMPLEMENTATION', startsOn: `${YEAR}-01-01`, endsOn: `${YEAR + 2}-12-31` }],
      },
    }),
  },
  allocateTarget: {
    as: ADMIN,
    args: (fx) => ({ id: fx.created.target, allocations: [{ jurisdictionCode: '321012100', threshold: 90, responsibleUnit: '仙女镇人民政府' }, { jurisdictionCode: '321012101' }] }),
  },
  createSupervisionItem: {
    as: ADMIN,
    keep: 'supervisionItem',
    args: (fx) => ({
      input: {
        jurisdictionCode: COUNTY,
        responsibleCode: '321012100',
        responsibleUnit: '仙女镇人民政府',
        title: '助餐点建设督办',
        detail: '年底前完成',
        deadline: `${YEAR + 1}-06-30`,
        targetId: fx.created.target,
      },
    }),
  },
  addSupervisionNote: { as: ADMIN, args: (fx) => ({ id: fx.created.supervisionItem, note: '已开工', status: 'DONE' }) },
  issueNotice: { as: ADMIN, keep: 'notice', args: (fx) => ({ input: { targetId: fx.targetId, title: '覆盖率通报', body: '各镇对照整改' } }) },
  // An example arrangement for a year the package does not know, entered by the demo platform admin.
  setWorkingCalendarYear: {
    as: 'platform-admin@32',
    args: () => ({
      input: {
        jurisdictionCode: '32',
        year: 2027,
        holidays: [{ date: '2027-01-01', name: '元旦（示例）' }],
        makeupDays: ['2027-01-09'],
        sourceTitle: '示例：2027年部分节假日安排',
        sourceNumber: '示例〔2026〕1号',
      },
    }),
  },
  recordElderlyPopulation: { as: ADMIN, args: () => ({ code: '321012100', year: YEAR, aged60Plus: 1200, aged80Plus: 150, source: '统计局 人口抽样调查' }) },
  // One row recorded, one refused (a town of another county).
  importElderlyPopulation: { as: ADMIN, args: () => ({ csv: `code,year,aged60Plus,aged80Plus,source\n321012101,${YEAR},800,90,公安户籍\n321023100,${YEAR},1,1,统计局\n` }) },
  // The demo provider's staff: a caregiver added, changed, trained, barred by a town and ended; the county's supervision phone.
  addCaregiver: {
    as: PROVIDER,
    keep: 'caregiver',
    args: () => ({
      input: { name: '周桂兰', workCardNumber: 'JD-0100', phone: '13952700100', photoRef: 'every-field/jd-0100.jpg', basedAt: VILLAGE, startedOn: TODAY, specialities: ['MEALS'] },
    }),
  },
  updateCaregiver: {
    as: PROVIDER,
    args: (fx) => ({
      id: fx.created.caregiver,
      input: { name: '周桂蘭', workCardNumber: 'JD-0101', phone: '0514-86001234', photoRef: 'every-field/jd-0101.jpg', basedAt: '321012100', specialities: ['CLEANING', 'ERRANDS'] },
    }),
  },
  recordCaregiverTraining: { as: PROVIDER, args: (fx) => ({ id: fx.created.caregiver, input: { training: '文明禮儀和業務技能培訓', on: TODAY, passed: true } }) },
  setServiceSupervisionPhone: { as: ADMIN, args: () => ({ jurisdictionCode: COUNTY, phone: '0514-86881234' }) },
  banCaregiver: { as: ADMIN, args: (fx) => ({ input: { caregiverId: fx.created.caregiver, jurisdictionCode: '321012100', reason: '服务对象投诉,核实属实', from: TODAY, until: `${YEAR + 1}-12-31` } }) },
  endCaregiver: { as: PROVIDER, args: (fx) => ({ id: fx.created.caregiver, leftOn: `${YEAR + 1}-12-31` }) },
  // A provider new to the platform, admitted, then contracted with 江都区 and 仙女镇 jointly in a year after the demo's contract.
  admitProvider: {
    as: ADMIN,
    args: () => ({
      input: {
        jurisdictionCode: COUNTY,
        organisation: { creditCode: testCreditCode(902), name: '江都区仙女镇为老服务社' },
        admittedOn: TODAY,
        qualifications: [{ kind: '营业执照', number: '91321012MA0000001', validFrom: '2026-01-01', validUntil: '2030-12-31' }],
      },
    }),
  },
  banProvider: {
    as: ADMIN,
    keep: 'ban',
    args: () => ({
      input: { jurisdictionCode: COUNTY, organisation: { creditCode: testCreditCode(903), name: '江都区某某保健品公司' }, reason: 'FAKE_HEALTH_PRODUCTS', detail: '推销虚假保健品', from: TODAY },
    }),
  },
  liftProviderBan: { as: ADMIN, args: (fx) => ({ id: fx.created.ban, liftedOn: TODAY, reason: '复核撤销' }) },
  createContract: {
    as: ADMIN,
    keep: 'contract',
    args: () => ({
      input: {
        jurisdictionCode: COUNTY,
        jointWith: '321012100',
        provider: testCreditCode(902),
        area: [VILLAGE],
        from: `${YEAR + 5}-01-01`,
        catalogue: [{ item: 'MEALS', serviceClass: 'FREE', unitPriceFen: 1200, minMinutes: 90 }],
      },
    }),
  },
  renewContract: {
    as: ADMIN,
    keep: 'renewal',
    args: (fx) => ({ id: fx.created.contract, input: { until: `${YEAR + 6}-06-30`, catalogue: [{ item: 'CLEANING', serviceClass: 'PAID', unitPriceFen: 3000 }] } }),
  },
  endContract: { as: ADMIN, args: (fx) => ({ id: fx.created.renewal, lastDay: `${YEAR + 6}-01-01`, reason: '季度考核不合格' }) },
  changePassword: { as: NEW_USER, args: () => ({ currentPassword: `${NEW_PASSWORD}-reset`, newPassword: `${NEW_PASSWORD}-own` }) },
  // The demo county's month planned, then closed: the queries read it as closed.
  planCareMonth: { as: ADMIN, args: () => ({ under: COUNTY, month: MONTH }) },
  closeCareMonth: { as: ADMIN, args: () => ({ under: COUNTY, month: MONTH, reclose: false }) },
  // A home visit: the recipient's home and card, an order booked by the demo provider for 仙女镇 on its contract's first day (served whatever today is) and assigned to the
  // demo caregiver, signed in and out after 30 minutes (VOID: shorter than the hour), redone, the redo cancelled;
  // then an offline batch with an order created offline and an event refused.
  setHomePlace: { as: ADMIN, args: (fx) => ({ person: fx.orderPersonId, lat: 32.43, lng: 119.57 }) },
  issueServiceCard: { as: ADMIN, args: (fx) => ({ person: fx.orderPersonId }) },
  bookWorkOrder: {
    as: PROVIDER,
    keep: 'order',
    args: (fx) => ({ input: { person: fx.orderPersonId, provider: fx.providerCode, items: ['MEALS', 'CLEANING'], plannedDay: DEMO_CONTRACT_FROM, bookedAs: 'PROVIDER' } }),
  },
  assignWorkOrder: { as: PROVIDER, args: (fx) => ({ order: fx.created.order, caregiver: fx.visitingCaregiverId }) },
  checkIn: {
    as: DEMO_CAREGIVER_USERNAME,
    args: (fx) => ({ input: { order: fx.created.order, clientId: '00000000-0000-4000-8000-00000000e001', deviceAt: new Date(Date.now() - 7_200_000).toISOString(), place: { lat: 32.43, lng: 119.57 } } }),
  },
  checkOut: {
    as: DEMO_CAREGIVER_USERNAME,
    args: (fx) => ({ input: { order: fx.created.order, clientId: '00000000-0000-4000-8000-00000000e002', deviceAt: new Date(Date.now() - 5_400_000).toISOString(), cardToken: 'a-card-not-hers' } }),
  },
  redoWorkOrder: { as: PROVIDER, keep: 'redo', args: (fx) => ({ order: fx.created.order, plannedDay: DEMO_CONTRACT_FROM }) },
  cancelWorkOrder: { as: PROVIDER, args: (fx) => ({ order: fx.created.redo, reason: '老人外出就医' }) },
  syncVisits: {
    as: DEMO_CAREGIVER_USERNAME,
    args: (fx) => ({
      events: [
        { kind: 'CHECK_IN', newOrder: { clientId: '00000000-0000-4000-8000-00000000e003', person: fx.orderPersonId, items: ['COMPANIONSHIP'] }, clientId: '00000000-0000-4000-8000-00000000e004', deviceAt: new Date(Date.now() - 3_600_000).toISOString() },
        { kind: 'CHECK_OUT', clientId: '00000000-0000-4000-8000-00000000e005', deviceAt: new Date(Date.now() - 600_000).toISOString() },
      ],
    }),
  },
  // Yesterday's one order drawn (10 % of one is one), called back online, then by its provider, who finds it below standard;
  // a spot check of the recipient by their village.
  drawCallbackSample: { as: ADMIN, args: () => ({ county: COUNTY, day: CALLBACK_DAY }) },
  recordOnlineCallback: { as: ADMIN, args: (fx) => ({ order: fx.callbackOrderId, input: { reached: true, satisfaction: 'BASIC', note: '线上回访', calledOn: TODAY } }) },
  recordProviderCallback: { as: PROVIDER, args: (fx) => ({ order: fx.callbackOrderId, input: { reached: true, satisfaction: 'DISSATISFIED', belowStandard: true, note: '时长不足' } }) },
  recordOversightVisit: {
    as: ADMIN,
    args: (fx) => ({
      input: {
        personId: fx.recipientId,
        by: fx.recipientVillage,
        kind: 'HOME_VISIT',
        purpose: 'SPOT_CHECK',
        visitedOn: TODAY,
        checked: ['SERVICE_AGREEMENT', 'SERVICE_RECORDS'],
        findings: '服务记录本与工单一致',
        falsificationSuspected: false,
        record: '上门回访记录',
      },
    }),
  },
  // The demo's finance bureau of 扬州市: seed 003's rule for 江都区, its retained lottery fund and the part for elderly care.
  setLotteryFundRule: { as: FINANCE, args: () => ({ input: { code: COUNTY, fromYear: YEAR, minPercent: 55, source: '市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展 (seed 003)' } }) },
  recordBudgetLine: {
    as: FINANCE,
    args: () => ({ input: { code: COUNTY, year: YEAR, source: 'LOTTERY_WELFARE_FUND', purpose: 'ELDERLY_CARE', amountFen: 0, note: '江财社〔示例〕1号' } }),
  },
  // The county's voucher rules from next month; the demo provider's month (the demo's visits, charged to its vouchers)
  // prepared, checked by 仙女镇's part, reviewed by the county and approved by the city's finance bureau.
  setLedgerRules: {
    as: ADMIN,
    args: () => ({ input: { jurisdictionCode: COUNTY, fromMonth: addMonths(MONTH, 1), mealOwnSharePercent: 60, yearCap: true, returnFrozen: true, source: '江都区民政局通知 (every-field)' } }),
  },
  prepareSettlement: { as: ADMIN, keep: 'statement', args: (fx) => ({ contract: fx.settlementContractId, month: MONTH }) },
  checkSettlementTown: { as: ADMIN, args: (fx) => ({ statement: fx.created.statement, town: DEMO_SUBSIDY_TOWN }) },
  reviewSettlement: { as: ADMIN, args: (fx) => ({ statement: fx.created.statement }) },
  approveSettlement: { as: FINANCE, args: (fx) => ({ statement: fx.created.statement }) },
  // Last year's subsidies of a mutual-aid center of 仙女镇 (seed 000), proposed by the county and approved by the city's finance bureau.
  proposeFacilitySubsidyPayment: { as: ADMIN, keep: 'facilityPayment', args: (fx) => ({ facility: fx.dueFacilityId, year: YEAR - 1 }) },
  decideFacilitySubsidyPayment: { as: FINANCE, args: (fx) => ({ id: fx.created.facilityPayment, approve: true, note: '核对无误' }) },
};

interface Selection {
  field: string;
  type: GraphQLObjectType | null;
  children: Selection[];
}

/**
 * A selection of every field of `type` (but those in `omit`), each with the arguments of the table; a
 * type already being expanded higher on the path gets only __typename (the recursion ends), so every
 * field is asked for wherever its type first appears on a path. Required arguments missing from the
 * table are noted.
 */
function selectAll(type: GraphQLObjectType, args: Arguments, path: Set<string>, omit: Set<string>, missing: Set<string>): Selection[] {
  return Object.keys(type.getFields()).flatMap((field) => selectField(type, field, args, path, omit, missing));
}

function selectField(type: GraphQLObjectType, name: string, args: Arguments, path: Set<string>, omit: Set<string>, missing: Set<string>): Selection[] {
  const field = type.getFields()[name];
  if (omit.has(`${type.name}.${name}`)) return [];
  const named = getNamedType(field.type);
  const given = args[`${type.name}.${name}`] ?? {};
  const lacking = field.args.filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined && !(arg.name in given));
  for (const arg of lacking) missing.add(`${type.name}.${name}(${arg.name})`);
  if (lacking.length > 0) return [];
  if (isLeafType(named)) return [{ field: name, type: null, children: [] }];
  const object = named as GraphQLObjectType;
  const inner = new Set(path).add(type.name);
  return [{ field: name, type: object, children: inner.has(object.name) ? [] : selectAll(object, args, inner, omit, missing) }];
}

function render(type: GraphQLObjectType, selections: Selection[], args: Arguments): string {
  return selections
    .map(({ field, type: object, children }) => {
      const given = args[`${type.name}.${field}`] ?? {};
      const definition = type.getFields()[field] as GraphQLField<unknown, unknown>;
      const written = definition.args
        .filter((arg) => arg.name in given)
        .map((arg) => {
          const ast = astFromValue(given[arg.name], arg.type);
          if (!ast) throw new Error(`${type.name}.${field}(${arg.name}): ${JSON.stringify(given[arg.name])} is not a ${String(arg.type)}`);
          return `${arg.name}: ${print(ast)}`;
        });
      const head = written.length ? `${field}(${written.join(', ')})` : field;
      if (!object) return head;
      return `${head} { __typename ${render(object, children, args)} }`;
    })
    .join(' ');
}

/** Notes `Type.field` for every field present in an answer object of its type. */
function markReached(value: unknown, type: GraphQLObjectType, selections: Selection[], reached: Set<string>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) markReached(item, type, selections, reached);
    return;
  }
  const object = value as Record<string, unknown>;
  for (const selection of selections) {
    if (!(selection.field in object)) continue;
    reached.add(`${type.name}.${selection.field}`);
    if (selection.type) markReached(object[selection.field], selection.type, selection.children, reached);
  }
}

async function login(username: string, password: string): Promise<string> {
  const res = await h.gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, { u: username, p: password });
  expect(res.errors).toBeUndefined();
  return res.data.login.token;
}

async function demoFixture(): Promise<Fixture> {
  // A facility of the town with facility subsidies, a person with categories, an assessment and a subsidy this month, the allocated coverage target.
  const [facility] = await h.db.query(
    `SELECT f.id FROM facility f JOIN jurisdiction j ON j.id = f.jurisdiction_id
     WHERE j.code LIKE $1 AND f.type = 'MUTUAL_AID_CENTER' AND f.status = 'OPERATING' ORDER BY f.id LIMIT 1`,
    [`${DEMO_SUBSIDY_TOWN}%`],
  );
  const [person] = await h.db.query(
    `SELECT p.id FROM person p WHERE p.status = 'ACTIVE' AND cardinality(p.living_situations) > 0
       AND EXISTS (SELECT 1 FROM person_category c WHERE c.person_id = p.id AND c.valid_to IS NULL)
       AND EXISTS (SELECT 1 FROM ability_assessment a WHERE a.person_id = p.id)
       AND EXISTS (SELECT 1 FROM entitlement_line l WHERE l.person_id = p.id AND l.month = $1::date) ORDER BY p.id LIMIT 1`,
    [`${MONTH}-01`],
  );
  const [target] = await h.db.query(`SELECT t.id FROM target t WHERE EXISTS (SELECT 1 FROM target c WHERE c.allocated_from = t.id) ORDER BY t.id LIMIT 1`);
  const [scheme] = await h.db.query(`SELECT s.id FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id WHERE j.code = $1 ORDER BY s.id LIMIT 1`, [
    DEMO_SUBSIDY_TOWN,
  ]);
  const [applied] = await h.db.query(`SELECT scheme_id AS id FROM application_case_scheme ORDER BY case_id LIMIT 1`);
  const [notice] = await h.db.query(`SELECT id FROM application_case WHERE state = 'IN_REVIEW' AND step_position = 5 ORDER BY id LIMIT 1`);
  const [assessment] = await h.db.query(`SELECT id FROM application_case WHERE state = 'IN_REVIEW' AND step_position = 4 ORDER BY id LIMIT 1`);
  // recordObjection takes the demo's one case on notice back to review: its case still at the village's
  // 審核 stands at its 公示 too (posted with the other), so that publicNotices still lists someone.
  await h.db.query(
    `UPDATE application_case SET step_position = 5, step_began = $1, step_due = NULL, acting_node_id = village_id, acting_code = village_code,
       step_capability = 'REVIEW_CASES' WHERE state = 'IN_REVIEW' AND step_position = 1`,
    [DEMO_NOTICE_POSTED],
  );
  const [approved] = await h.db.query(`SELECT id FROM application_case WHERE state = 'APPROVED' ORDER BY id LIMIT 1`);
  if (notice) await h.db.query(`UPDATE application_case SET step_due = $2::date - 3 WHERE id = $1`, [notice.id, TODAY]);
  const [enrolment] = await h.db.query(`SELECT id FROM enrolment ORDER BY id LIMIT 1`);
  const [recipient] = await h.db.query(
    `SELECT person_id AS id FROM enrolment WHERE from_month <= $1::date AND (until_month IS NULL OR until_month >= $1::date) ORDER BY id DESC LIMIT 1`,
    [`${MONTH}-01`],
  );
  const [caregiver] = await h.db.query(`SELECT id FROM caregiver ORDER BY id LIMIT 1`);
  const [orderPerson] = await h.db.query(`SELECT p.id FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE v.code LIKE '321012100%' ORDER BY p.id LIMIT 1`);
  // A person the demo's credits reached (demo-vouchers.ts), so that an account and its postings are read.
  const [voucherHolder] = await h.db.query(`SELECT person_id AS id, scheme_kind::text AS kind FROM ledger_account WHERE kind = 'SUBSIDY' ORDER BY person_id LIMIT 1`);
  const [provider] = await h.db.query(`SELECT o.credit_code AS code FROM app_user u JOIN organisation o ON o.id = u.organisation_id WHERE u.username = $1`, [PROVIDER]);
  const [visiting] = await h.db.query(`SELECT caregiver_id AS id FROM app_user WHERE username = $1`, [DEMO_CAREGIVER_USERNAME]);
  const [settlementContract] = await h.db.query(
    `SELECT c.id FROM service_contract c JOIN organisation o ON o.id = c.organisation_id JOIN app_user u ON u.organisation_id = o.id WHERE u.username = $1 ORDER BY c.id LIMIT 1`,
    [PROVIDER],
  );
  // The 户籍 of the first two enrolled people moves to another village of the county: one is confirmed (then
  // cancelled) by the mutations, the other stays on the re-review list for the queries.
  await h.db.query(
    `UPDATE person p SET hukou_jurisdiction_id = (SELECT j.id FROM jurisdiction j WHERE j.level = 'VILLAGE' AND j.code LIKE $1 || '%' AND j.id <> p.hukou_jurisdiction_id ORDER BY j.code LIMIT 1)
     WHERE p.id IN (SELECT person_id FROM enrolment WHERE until_month IS NULL ORDER BY id LIMIT 2)`,
    [COUNTY],
  );
  const centers = await h.gql(
    `query($under: String!, $year: Int!) { facilities(under: $under, type: MUTUAL_AID_CENTER, first: 100) { edges { node { id subsidies(year: $year) { amountFen } } } } }`,
    { under: DEMO_SUBSIDY_TOWN, year: YEAR - 1 },
    await login(ADMIN, DEMO_PASSWORD),
  );
  const due = centers.data?.facilities.edges.find((e: any) => e.node.subsidies.amountFen > 0)?.node;
  if (!due) throw new Error('the demo data has no facility due a subsidy last year for this test');
  for (const [what, row] of Object.entries({ facility, person, target, scheme, applied, notice, assessment, approved, enrolment, recipient, caregiver, orderPerson, voucherHolder, provider, visiting, settlementContract })) if (!row) throw new Error(`the demo data has no ${what} for this test`);
  // A verified visit of the recipient today, counted in the month's compliance.
  const [{ organisationId }] = await h.db.query(`SELECT organisation_id AS "organisationId" FROM caregiver WHERE id = $1`, [caregiver.id]);
  const checkIn = new Date(`${TODAY}T09:00:00+08:00`);
  await insertWorkOrder(h.db, {
    personId: recipient.id,
    organisationId,
    caregiverId: caregiver.id,
    items: ['MEALS', 'CLEANING'],
    plannedDay: TODAY,
    visit: { checkInAt: checkIn.toISOString(), checkOutAt: new Date(checkIn.getTime() + 3_600_000).toISOString(), serviceDay: TODAY },
  });
  const [served] = await h.db.query(
    `SELECT u.organisation_id AS "organisationId", (SELECT c.id FROM caregiver c WHERE c.organisation_id = u.organisation_id ORDER BY c.id LIMIT 1) AS "caregiverId",
       (SELECT v.code FROM person p JOIN jurisdiction v ON v.id = p.village_id WHERE p.id = $2) AS village
     FROM app_user u WHERE u.username = $1`,
    [PROVIDER, recipient.id],
  );
  const callbackOrderId = await insertWorkOrder(h.db, {
    personId: recipient.id,
    organisationId: served.organisationId,
    caregiverId: served.caregiverId,
    plannedDay: CALLBACK_DAY,
    visit: { checkInAt: `${CALLBACK_DAY}T09:00:00+08:00`, checkOutAt: `${CALLBACK_DAY}T10:05:00+08:00`, serviceDay: CALLBACK_DAY },
  });
  return {
    facilityId: String(facility.id),
    dueFacilityId: String(due.id),
    personId: String(person.id),
    targetId: String(target.id),
    schemeId: String(scheme.id),
    applicationSchemeId: String(applied.id),
    noticeCaseId: String(notice.id),
    assessmentCaseId: String(assessment.id),
    approvedCaseId: String(approved.id),
    enrolmentId: String(enrolment.id),
    recipientId: String(recipient.id),
    caregiverId: String(caregiver.id),
    orderPersonId: String(orderPerson.id),
    voucherHolderId: String(voucherHolder.id),
    voucherKind: voucherHolder.kind,
    providerCode: provider.code,
    visitingCaregiverId: String(visiting.id),
    callbackOrderId: String(callbackOrderId),
    recipientVillage: served.village,
    settlementContractId: String(settlementContract.id),
    created: {},
  };
}

describe('every field of every type', () => {
  it('is reached by queries and mutations generated from the served schema, and none fails inside the server', async () => {
    expect((await seedDemo(h.db)).seeded).toBe(true);
    await standInCalendars(h.db);
    const introspection = await h.gql<IntrospectionQuery>(getIntrospectionQuery());
    expect(introspection.errors).toBeUndefined();
    const schema: GraphQLSchema = buildClientSchema(introspection.data!);
    const queryType = schema.getQueryType()!;
    const mutationType = schema.getMutationType()!;

    const fx = await demoFixture();
    const tokens = new Map<string | null, string | null>([[null, null]]);
    const tokenOf = async (username: string | null) => {
      // The new user signs in with the password the admin reset; demo users with the demo password.
      if (!tokens.has(username)) tokens.set(username, await login(username!, username === NEW_USER ? `${NEW_PASSWORD}-reset` : DEMO_PASSWORD));
      return tokens.get(username)!;
    };
    const reached = new Set<string>();
    const missing = new Set<string>();
    const failures: { operation: string; errors: { code: string; message: string; path?: string[] }[] }[] = [];

    async function send(root: GraphQLObjectType, field: string, args: Arguments, token: string | null, omit: string[] = []) {
      const [selection] = selectField(root, field, args, new Set(), new Set(omit), missing);
      if (!selection) return null;
      const operation = `${root === mutationType ? 'mutation' : 'query'} { ${render(root, [selection], args)} }`;
      const res = await h.gql(operation, {}, token);
      if (res.errors) {
        failures.push({ operation: `${root.name}.${field}`, errors: res.errors.map((e) => ({ code: e.extensions.code, message: e.message, path: e.path })) });
      }
      markReached(res.data, root, [selection], reached);
      return res.data?.[field] ?? null;
    }

    // Mutations first, so that the queries find what they create (a supervision item, a notice).
    const inTable = Object.keys(MUTATIONS);
    const inSchema = Object.keys(mutationType.getFields());
    expect({ notInTable: inSchema.filter((m) => !inTable.includes(m)), notInSchema: inTable.filter((m) => !inSchema.includes(m)) }).toEqual({
      notInTable: [],
      notInSchema: [],
    });
    // Every statement the server sends, to find a write of a cached table outside mutation() (which
    // waits for the cache notices before it answers): src/db/cache-registry.ts lists those tables.
    const watch = watchStatements();
    const actions: string[] = [];
    try {
      for (const [name, { as, args, keep, omit }] of Object.entries(MUTATIONS)) {
        const token = await tokenOf(as);
        const given = args(fx);
        const answer = await send(mutationType, name, { ...argumentsFor(fx), [`Mutation.${name}`]: given }, token, omit);
        if (keep && !answer?.id) throw new Error(`${name} answered no id: ${JSON.stringify(failures.at(-1)?.errors)}`);
        if (keep) fx.created[keep] = answer.id;
        const { action } = MUTATION_AUDIT[name];
        actions.push(typeof action === 'string' ? action : action(given));
      }
      const admin = await tokenOf(ADMIN);
      for (const name of Object.keys(queryType.getFields())) await send(queryType, name, argumentsFor(fx), admin);
    } finally {
      watch.stop();
    }
    expect(cachedWritesOutsideMutations(watch.sent)).toEqual([]);
    // Each mutation went through mutation(): its SUCCESS entry is in the trail under its action.
    const recorded: { action: string }[] = await h.db.query(`SELECT DISTINCT action FROM audit_entry WHERE outcome = 'SUCCESS'`);
    expect(actions.filter((action) => !recorded.some((row) => row.action === action))).toEqual([]);

    const everyField = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
    expect({
      missingArguments: [...missing].sort(),
      internalErrors: failures.filter((f) => f.errors.some((e) => e.code === 'INTERNAL_SERVER_ERROR')).map((f) => f.operation),
      failures,
      unreached: everyField.filter((f) => !reached.has(f)).sort(),
    }).toEqual({ missingArguments: [], internalErrors: [], failures: [], unreached: [] });
  });
});
