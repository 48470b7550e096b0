import fs from 'node:fs';
import path from 'node:path';
import { buildSchema as parseSdl, getNamedType, isObjectType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import { GRANTABLE_ROLES, ROLE_CAPABILITIES } from '../../src/access/roles';
import { Capability, Role } from '../../src/kernel/actor';
import { MUTATION_AUDIT } from '../../src/audit/refusals';
import { rebuildRollups } from '../../src/coverage/rollup.rebuild';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { personService } from '../../src/elderly/person.service';
import type { Context } from '../../src/kernel/context';
import { addMonths, thisMonthInChina, todayInChina } from '../../src/kernel/dates';
import { ACCESS_RULES, type Gate } from '../../src/graphql/rules';
import { buildApiSchema } from '../../src/app/schema';
import { JurisdictionLevel, levelOfCode, parentCodeOf } from '../../src/kernel/division-codes';
import { jurisdictionRepository } from '../../src/jurisdictions/jurisdiction.repository';
import { computeRun, runTransaction } from '../../src/policies/entitlement-run.service';
import { userService } from '../../src/users/user.service';
import {
  captureTables,
  createUser,
  insertCaregiver,
  insertWorkOrder,
  insertOrganisation,
  resetTables,
  restoreTables,
  SMALL_TREE,
  smallTree, standInCalendars,
  TEST_PASSWORD,
  testCreditCode,
  type TableRows,
  type TestUser,
} from '../support/factories';
import { errorCodes, useHarness, type GraphQLResponse } from '../support/harness';
import { DOCUMENT_MINIMUMS } from '../care/support';
import { drawSample } from '../../src/visits/callback.rules';

/**
 * The permission matrix: every query and mutation (and every nested field gated by a capability of its
 * own), as every role, against every scope relation. What each case should answer is worked out here
 * from the domain rules (which capability opens an operation, which roles carry it, which nodes lie in
 * the caller's subtree, whose facilities a SERVICE_PROVIDER works on), never from the server.
 */

const h = useHarness();

// ---------------------------------------------------------------------------------------------
// The fixture: SMALL_TREE, one caller per role at 江都区, one plain user at every target node, and
// one facility of organisation A at every target node (plus one of organisation B in the home subtree).

const HOME = '321012';

const RELATIONS = {
  own: '321012',
  descendant: '321012100',
  ancestor: '3210',
  sibling: '321023',
  'other province': '110101',
} as const;
type Relation = keyof typeof RELATIONS;

// A user acts in the subtree of their home: the home node itself and everything below it.
const IN_SUBTREE: Record<Relation, boolean> = {
  own: true,
  descendant: true,
  ancestor: false,
  sibling: false,
  'other province': false,
};

const ROLES = Object.values(Role);
const TREE_CODES = SMALL_TREE.map(([code]) => code);
const slug = (role: Role) => role.toLowerCase().replace(/_/g, '-');

/** The node and its ancestors in the tree, province first. */
const pathCodes = (node: string) => TREE_CODES.filter((code) => node.startsWith(code));
/** Villages (12-digit codes) at or below the node. */
const villagesUnder = (node: string) => TREE_CODES.filter((code) => code.length === 12 && code.startsWith(node));

// Operators: A employs the fixture's SERVICE_PROVIDER and operates a facility at every target node;
// B operates one facility inside the home subtree.
const ORGANISATIONS = {
  A: { n: 1, name: '扬州颐和养老服务有限公司' },
  B: { n: 2, name: '江都康宁养老服务有限公司' },
} as const;
type Org = keyof typeof ORGANISATIONS;
const creditCodeOf = (org: Org) => testCreditCode(ORGANISATIONS[org].n);

/** The organisation an actor works for (a caregiver's account belongs to the caregiver's organisation). */
const ACTOR_ORGANISATION: Partial<Record<Role, Org>> = { [Role.SERVICE_PROVIDER]: 'A', [Role.CAREGIVER]: 'A' };
/** Roles that read and edit only the facilities their organisation operates (the facility services narrow them). */
const OPERATOR_BOUND: readonly Role[] = [Role.SERVICE_PROVIDER];

const actorName = (role: Role) => `${slug(role)}@${HOME}`;
/** A VILLAGE_WORKER (a role every administrator may grant) living at `code`. */
const targetAt = (code: string) => `target@${code}`;
/** A VILLAGE_WORKER of the home subtree whom updateUser moves to the target node. */
const MOVER = 'mover@321012101';
/** A user holding a role a CIVIL_AFFAIRS_ADMIN may not grant, inside that admin's subtree. */
const GUARDED = 'guarded@321012100';

const FIXTURE_USERS: { username: string; code: string; roles: Role[]; organisation?: Org }[] = [
  ...ROLES.map((role) => ({ username: actorName(role), code: HOME, roles: [role], organisation: ACTOR_ORGANISATION[role] })),
  ...Object.values(RELATIONS).map((code) => ({ username: targetAt(code), code, roles: [Role.VILLAGE_WORKER] })),
  { username: MOVER, code: '321012101', roles: [Role.VILLAGE_WORKER] },
  { username: GUARDED, code: '321012100', roles: [Role.PLATFORM_ADMIN] },
];

// Caregivers: one of A based at every target node (the one at the city, above where addCaregiver would
// place one, inserted directly), one of B in the home subtree, and the one the fixture's CAREGIVER
// account stands for, in a village of the home county. All trained and working since CAREGIVER_SINCE.
const CAREGIVER_SINCE = '2024-01-01';
const CAREGIVER_PHONE = '13900001111';
const SELF = 'SELF';
interface FixtureCaregiver {
  code: string;
  operator: Org;
  number: string;
}
const FIXTURE_CAREGIVERS: FixtureCaregiver[] = [
  ...Object.values(RELATIONS).map((code) => ({ code, operator: 'A' as Org, number: `A-${code}` })),
  { code: '321012100001', operator: 'B', number: 'B-1' },
  { code: '321012101200', operator: 'A', number: SELF },
];
const caregiverIds = new Map<string, string>();
/** A's caregiver based at a target node. */
const caregiverAt = (node: string) => caregiverIds.get(`A-${node}`)!;

/** Every fixture facility is an INSTITUTION (养老机构), OPERATING since this day, with a REGISTERED entry on it. */
const SINCE = '2024-03-01';
/** The daily diners recorded for every fixture facility. */
const DINERS = 12;

interface FixtureFacility {
  code: string;
  operator: Org;
  name: string;
  services: string[];
  beds: { total: number; nursing: number; dementia: number };
}

// The one at the ancestor (扬州市) sits at a CITY, where createFacility would not register an
// INSTITUTION: it is inserted directly so that the ancestor relation has a facility to aim at.
const FIXTURE_FACILITIES: FixtureFacility[] = [
  ...Object.values(RELATIONS).map((code) => ({
    code,
    operator: 'A' as Org,
    name: `颐和养老院(${code})`,
    services: ['DAY_CARE'],
    beds: { total: 20, nursing: 10, dementia: 2 },
  })),
  // In a village below the descendant: it offers meals, so the village counts for MEAL_SERVICE from SINCE.
  { code: '321012100001', operator: 'B', name: '康宁东苑养老院', services: ['MEALS'], beds: { total: 8, nursing: 4, dementia: 0 } },
];

/** A's facility at a target node. */
const facilityAt = (node: string) => FIXTURE_FACILITIES.find((f) => f.code === node && f.operator === 'A')!;
/** B's facility, in the home subtree. */
const FACILITY_OF_B = FIXTURE_FACILITIES.find((f) => f.operator === 'B')!;
const facilityIds = new Map<FixtureFacility, string>();
const idOf = (facility: FixtureFacility) => facilityIds.get(facility)!;

/** Whether the holder of `role` sees and edits the facility at all (scope aside). */
const operatesFor = (role: Role, facility: FixtureFacility) => !OPERATOR_BOUND.includes(role) || ACTOR_ORGANISATION[role] === facility.operator;

// People live in villages: the person "at" a target node lives in a village below it. Below the
// ancestor (扬州市) but outside the home county, SMALL_TREE has one village, 宝应县's 城南社区, so the
// ancestor's person and the sibling's are neighbours. The home county's person lives outside the
// descendant town, so that people(under:) of the two tell them apart.
const VILLAGE_OF: Record<string, string> = {
  [RELATIONS.own]: '321012101200',
  [RELATIONS.descendant]: '321012100001',
  [RELATIONS.ancestor]: '321023100001',
  [RELATIONS.sibling]: '321023100001',
  [RELATIONS['other province']]: '110101001001',
};

/** A valid 居民身份证号码 registered in the county of `village`, born on `birth` (YYYYMMDD); an odd sequence is a man's. */
const nationalIdIn = (village: string, birth: string, sequence: number) => {
  const first17 = `${village.slice(0, 6)}${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + nationalIdCheck(first17);
};
const maskedId = (id: string) => `${id[0]}${'*'.repeat(17)}`;

interface FixturePerson {
  village: string;
  name: string;
  nationalId: string;
}

// Every fixture person is a man born on 1 March 1940, ACTIVE, with no category and no assessment;
// 户籍 in his village, resident since 2000. One lives below every target node, and one more (the
// mover) in the home subtree. In the people counts, each is one of the total, 80–89 and not assessed
// on both PEOPLE_DAYS (85 on the first, 86 today).
const PERSON_BIRTH = '1940-03-01';
const PEOPLE_DAYS = { past: '2025-06-30' } as const;
const addDaysTo = (day: string, count: number) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
};
const peopleDays = () => [PEOPLE_DAYS.past, todayInChina()];
const FIXTURE_PERSON_KEYS = ['total', 'age:AGE_80_89', 'ability:NOT_ASSESSED'];
const PERSON_PHONE = '13812345678';
const PERSON_ADDRESS = '幸福路1号';
const FIXTURE_PEOPLE: FixturePerson[] = [
  ...Object.values(RELATIONS).map((node, i) => ({
    village: VILLAGE_OF[node],
    name: `王${'一二三四五'[i]}`,
    nationalId: nationalIdIn(VILLAGE_OF[node], PERSON_BIRTH.replace(/-/g, ''), 2 * i + 1),
  })),
  { village: '321012100002', name: '李六', nationalId: nationalIdIn('321012100002', PERSON_BIRTH.replace(/-/g, ''), 11) },
];
/** The person living below a target node. */
const personAt = (node: string) => FIXTURE_PEOPLE[Object.values(RELATIONS).indexOf(node as (typeof RELATIONS)[Relation])];
/** A person of the home subtree whom updatePerson moves to the village below the target node. */
const MOVING_PERSON = FIXTURE_PEOPLE[FIXTURE_PEOPLE.length - 1];
const personIds = new Map<FixturePerson, string>();
const personIdOf = (person: FixturePerson) => personIds.get(person)!;

// One scheme and one floor set at every target node: an old-age allowance (高龄津贴) of 50 元 a month
// from 60, funded wholly by the level that sets it, in force since POLICY_SINCE and open-ended; the
// floors (30 元 from 60, of the same kind) stay below every tier, so no tier is held back by one.
const POLICY_SINCE = '2024-01';
const SCHEME_KIND = 'OLD_AGE_ALLOWANCE';
const TIER = { name: '60周岁及以上', amountFen: 5000, minAge: 60 };
const FLOOR = { minAge: 60, amountFen: 3000 };
const schemeNameAt = (node: string) => `高龄津贴(${node})`;
// And one facility operating subsidy (运营补助) at every target node, like seed 000's: 50 元 per diner a
// month for institutions that operated at least 260 days of the year with day care (A's facilities do).
const FACILITY_KIND = 'FACILITY_OPERATING';
const FACILITY_TIER = { name: '运营补助', amountFen: 5000, facilityTypes: ['INSTITUTION'], requiredServices: ['DAY_CARE'], minOperatingDays: 260 };
const facilitySchemeNameAt = (node: string) => `运营补助(${node})`;

interface FixturePolicy {
  code: string;
  id: string;
  /** The scheme's one version (none for a floor). */
  versionId?: string;
}
const schemes = new Map<string, FixturePolicy>();
const facilitySchemes = new Map<string, FixturePolicy>();
const floors = new Map<string, FixturePolicy>();
/** The fixture schemes (or floors) that apply at a node: set there or above it, highest level first. */
const setAtOrAbove = (policies: Map<string, FixturePolicy>, node: string) =>
  [...policies.values()].filter((p) => node.startsWith(p.code)).sort((a, b) => a.code.length - b.code.length);

// A review procedure set at every target node since PROCEDURE_SINCE (a village review, then the town's
// decision: steps every target level may set), and an intake window there in WINDOW_YEAR's first half.
const PROCEDURE_SINCE = '2025-01-01';
const PROCEDURE_STEPS = [
  { position: 1, kind: 'VILLAGE_REVIEW', name: '村审核', level: 'VILLAGE', capability: 'REVIEW_CASES', deadlineWorkingDays: 10, countedWithin: null, minWorkingDays: null, mayRefuse: false },
  { position: 2, kind: 'TOWN_REVIEW', name: '镇审批', level: 'TOWN', capability: 'REVIEW_CASES', deadlineWorkingDays: 5, countedWithin: null, minWorkingDays: null, mayRefuse: true },
];
const procedureNameAt = (node: string) => `审批程序(${node})`;
const WINDOW_YEAR = 2090;
const fixtureProcedures = new Map<string, string>();
const fixtureWindows = new Map<string, string>();

// Care rules set at every target node since PROCEDURE_SINCE: the documents' minimums, and visits a month
// for anyone 80 or older as many as the digits of the node's code, so that a plan tells which level's
// rules it follows. Every fixture person is 85 in June 2025, with no category and no assessment.
const careRulesAt = (node: string) => ({
  visitRules: [{ name: '高龄老人', minAge: 80, categoriesAny: [], livingSituationsAny: [], abilities: [], visitsPerMonth: node.length }],
  ...DOCUMENT_MINIMUMS,
  checkInRadiusMetres: 300,
  offlineSyncDays: 7,
  sharedServiceAreas: false,
});
const fixtureCareRules = new Map<string, string>();
/** The target node whose fixture care rules a village follows: the deepest at or above it. */
const careRulesNodeOf = (village: string) => [...fixtureCareRules.keys()].filter((code) => village.startsWith(code)).sort((a, b) => b.length - a.length)[0];
const CARE_MONTH = '2025-05';

// Cases. A scheme at every target node that requires an application, in force in APPLICATION_MONTH only
// (so that no other month's schemes, runs or entitlements see it), and an intake window of every target
// node open then: fileApplication files for the person below the target on APPLICATION_DAY. The fixture's
// cases follow a procedure with a public notice set at 玄武区, a node below no target (so that the
// procedure reads of the matrix do not see it); each person below a target node has three open cases:
// one at the village review, one at the public notice, one returned for more material, one at the
// third-party assessment with no assessor assigned yet.
const APPLICATION_MONTH = '2025-03';
const APPLICATION_DAY = '2025-03-10';
const CASE_PROCEDURE_AT = '320102';
const CASE_STEPS = [
  PROCEDURE_STEPS[0],
  { position: 2, kind: 'PUBLIC_NOTICE', name: '公示', level: 'VILLAGE', capability: 'REVIEW_CASES', deadlineWorkingDays: null, countedWithin: 1, minWorkingDays: 5, mayRefuse: false },
  { ...PROCEDURE_STEPS[1], position: 3 },
  { position: 4, kind: 'ASSESSMENT', name: '第三方评估', level: 'VILLAGE', capability: 'ASSESS_PEOPLE', deadlineWorkingDays: null, countedWithin: null, minWorkingDays: null, mayRefuse: false },
];
const applicationSchemes = new Map<string, string>();
interface FixtureCases {
  review: string;
  notice: string;
  returned: string;
  assessment: string;
  /** An open enrolment of the person in the node's person scheme since ENROLLED_SINCE (as if an earlier case was approved). */
  enrolment: string;
}
const ENROLLED_SINCE = '2025-01';
/** The day each fixture person moved into their village, after their enrolment. */
const MOVED_ON = '2025-02-10';
const fixtureCases = new Map<string, FixtureCases>();
/** The fixture enrolments of people at or below the node, in id order (all moved on MOVED_ON: the re-review list's order). */
const enrolmentsUnder = (node: string) =>
  Object.values(RELATIONS)
    .filter((code, i, all) => all.indexOf(code) === i && personAt(code).village.startsWith(node))
    .map((code) => fixtureCases.get(code)!.enrolment)
    .sort((a, b) => Number(a) - Number(b));
/** The fixture cases filed at villages at or below the node, as `cases(under:)` lists them: by due date, then id. */
const casesUnder = (node: string) =>
  Object.values(RELATIONS)
    .filter((code, i, all) => all.indexOf(code) === i && personAt(code).village.startsWith(node))
    .flatMap((code) => [fixtureCases.get(code)!.review, fixtureCases.get(code)!.notice, fixtureCases.get(code)!.returned, fixtureCases.get(code)!.assessment]);

/** The case figures of the node from the fixture cases below it: each person's review and notice cases overdue, the third returned. */
const caseFiguresUnder = (node: string) => {
  // Each person's four cases: the review and the notice, due 2025-06-16 and so overdue; the assessment,
  // with no due date; the returned one.
  const people = casesUnder(node).length / 4;
  return { open: 4 * people, waiting: 0, inReview: 3 * people, returned: people, overdue: 2 * people };
};

// Providers and contracts (seed 004 篇四). A's entry in the provider library of every target node, a ban
// of B set there (so that A is never refused for a ban), and A's contract made there serving the
// village below the target for one item: 助餐, but 助潔 at the ancestor, whose village is the sibling's.
const PROVIDER_SINCE = '2025-01-01';
const FIXTURE_CONTRACT = { from: '2025-01-01', until: '2089-12-31', priceFen: 1500 };
const contractItemAt = (node: string) => (node === RELATIONS.ancestor ? 'CLEANING' : 'MEALS');
const fixtureEntries = new Map<string, string>();
const fixtureBans = new Map<string, string>();
const fixtureContracts = new Map<string, string>();
/** The fixture rows (by the node they were set at) placed at or below `node`, in id order. */
const fixtureUnder = (rows: Map<string, string>, node: string) =>
  [...rows.entries()].filter(([code]) => code.startsWith(node)).map(([, id]) => id).sort((a, b) => Number(a) - Number(b));
/** The fixture contracts made at or serving a village at or below `node`, in id order. */
const contractsUnder = (node: string) =>
  [...fixtureContracts.entries()].filter(([code]) => code.startsWith(node) || VILLAGE_OF[code].startsWith(node)).map(([, id]) => id).sort((a, b) => Number(a) - Number(b));

/** Jurisdiction ids by code, for the rows that store them. */
const jurisdictionIds = new Map<string, number>();

// The monthly entitlement run over each province for STORED_MONTH, as a province's CIVIL_AFFAIRS_ADMIN
// would make it, so that every target node has stored totals and a run that reached it. The runs'
// audit entries are recorded at the provinces, outside every target's subtree.
const STORED_MONTH = '2025-06';
const RUN_ROOTS = ['32', '11'];
/** The fixture's runs' ids, by the code they ran at. */
const fixtureRuns = new Map<string, string>();

let fixture: TableRows | null = null;
// A target at every target node: MEAL_SERVICE coverage ≥ 50 % from 2025 to the end of 2030.
const FIXTURE_TARGET = { title: '助餐服务覆盖', metric: 'MEAL_SERVICE', threshold: 5000, startsOn: '2025-01-01', deadline: '2030-12-31' };
const fixtureTargets = new Map<string, string>();
// A supervision item issued at (and assigned to) every target node, and a notice of its target's board.
const fixtureItems = new Map<string, string>();
const fixtureNotices = new Map<string, string>();
const childrenOf = (node: string) => TREE_CODES.filter((code) => parentCodeOf(code) === node);

// Funding (src/funding): at every target node, the lottery fund it retains and the part for elderly care
// (60 %), a general-budget line, and the rule of seed 003 (55 % from FUNDING_YEAR).
const FUNDING_YEAR = 2025;
const FUNDING_LINES = [
  { source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen: 100 },
  { source: 'LOTTERY_WELFARE_FUND', purpose: 'ELDERLY_CARE', amountFen: 600 },
  { source: 'LOTTERY_WELFARE_FUND', purpose: 'RETAINED_TOTAL', amountFen: 1_000 },
];
const fixtureBudgetLines = new Map<string, string>();
const fixtureFundRules = new Map<string, string>();

const actors = new Map<Role, TestUser>();

// The harness empties every table before each test; the fixture is built once and put back after.
beforeEach(async () => {
  if (fixture) {
    await restoreTables(h.db, fixture);
    return;
  }
  await smallTree(h.db);
  await standInCalendars(h.db);
  const organisationIds = {} as Record<Org, number>;
  for (const org of Object.keys(ORGANISATIONS) as Org[]) {
    organisationIds[org] = (await insertOrganisation(h.db, ORGANISATIONS[org].n, ORGANISATIONS[org].name)).id;
  }
  for (const caregiver of FIXTURE_CAREGIVERS) {
    const id = await insertCaregiver(h.db, organisationIds[caregiver.operator], caregiver.code, caregiver.number, { trainedOn: CAREGIVER_SINCE, phone: CAREGIVER_PHONE });
    caregiverIds.set(caregiver.number, String(id));
  }
  for (const user of FIXTURE_USERS) {
    const organisationId = user.organisation ? organisationIds[user.organisation] : undefined;
    const caregiverId = user.roles.includes(Role.CAREGIVER) ? Number(caregiverIds.get(SELF)) : undefined;
    const created = await createUser(h.db, user.code, user.roles, user.username, { organisationId, caregiverId });
    if (user.username === actorName(user.roles[0])) actors.set(user.roles[0], created);
  }
  for (const facility of FIXTURE_FACILITIES) {
    const [{ id }] = await h.db.query(
      `INSERT INTO facility (name, type, jurisdiction_id, organisation_id, services, beds_total, beds_nursing, beds_dementia,
         staff, daily_diners, status, status_since, last_event_on)
       SELECT $1, 'INSTITUTION', id, $3, $4::facility_service[], $5, $6, $7, 5, $9, 'OPERATING', $8, $8 FROM jurisdiction WHERE code = $2
       RETURNING id`,
      [
        facility.name,
        facility.code,
        organisationIds[facility.operator],
        facility.services,
        facility.beds.total,
        facility.beds.nursing,
        facility.beds.dementia,
        SINCE,
        DINERS,
      ],
    );
    await h.db.query(
      `INSERT INTO facility_event (facility_id, kind, occurred_on, from_status, status, services)
       VALUES ($1, 'REGISTERED', $2, NULL, 'OPERATING', $3::facility_service[])`,
      [id, SINCE, facility.services],
    );
    // The diners of every month of 2024, as the operating subsidy reads them.
    await h.db.query(
      `INSERT INTO facility_diners (facility_id, month, diners) SELECT $1, m::date, $2 FROM generate_series('2024-01-01'::date, '2024-12-01', interval '1 month') AS m`,
      [id, DINERS],
    );
    facilityIds.set(facility, String(id));
  }
  for (const { id, code } of await h.db.query(`SELECT id, code FROM jurisdiction`)) jurisdictionIds.set(code, id);
  for (const person of FIXTURE_PEOPLE) {
    const [{ id }] = await h.db.query(
      `INSERT INTO person (national_id, name, sex, birth_date, village_id, hukou_jurisdiction_id, resident_since, phone, address)
       SELECT $1, $2, 'MALE', $3, id, id, '2000-01-01', $5, $6 FROM jurisdiction WHERE code = $4
       RETURNING id`,
      [person.nationalId, person.name, PERSON_BIRTH, person.village, PERSON_PHONE, PERSON_ADDRESS],
    );
    personIds.set(person, String(id));
  }
  for (const node of Object.values(RELATIONS)) {
    const [scheme] = await h.db.query(
      `WITH s AS (INSERT INTO subsidy_scheme (jurisdiction_id, name, kind) SELECT id, $2, $3 FROM jurisdiction WHERE code = $1 RETURNING id),
         v AS (INSERT INTO subsidy_scheme_version (scheme_id, from_month, combination) SELECT id, $4::date, 'HIGHEST' FROM s RETURNING id),
         f AS (INSERT INTO subsidy_funding (version_id, level, weight) SELECT v.id, j.level, 1 FROM v, jurisdiction j WHERE j.code = $1),
         t AS (INSERT INTO subsidy_tier (version_id, position, name, amount_fen, min_age) SELECT id, 1, $5, $6, $7 FROM v)
       SELECT s.id::text AS id, v.id::text AS "versionId" FROM s, v`,
      [node, schemeNameAt(node), SCHEME_KIND, `${POLICY_SINCE}-01`, TIER.name, TIER.amountFen, TIER.minAge],
    );
    schemes.set(node, { code: node, ...scheme });
    const [facilityScheme] = await h.db.query(
      `WITH s AS (INSERT INTO subsidy_scheme (jurisdiction_id, name, kind) SELECT id, $2, $3 FROM jurisdiction WHERE code = $1 RETURNING id),
         v AS (INSERT INTO subsidy_scheme_version (scheme_id, from_month, combination) SELECT id, $4::date, 'HIGHEST' FROM s RETURNING id),
         f AS (INSERT INTO subsidy_funding (version_id, level, weight) SELECT v.id, j.level, 1 FROM v, jurisdiction j WHERE j.code = $1),
         t AS (INSERT INTO subsidy_tier (version_id, position, name, amount_fen, facility_types, required_services, min_operating_days)
               SELECT id, 1, $5, $6, $7::facility_type[], $8::facility_service[], $9 FROM v)
       SELECT s.id::text AS id, v.id::text AS "versionId" FROM s, v`,
      [
        node,
        facilitySchemeNameAt(node),
        FACILITY_KIND,
        `${POLICY_SINCE}-01`,
        FACILITY_TIER.name,
        FACILITY_TIER.amountFen,
        FACILITY_TIER.facilityTypes,
        FACILITY_TIER.requiredServices,
        FACILITY_TIER.minOperatingDays,
      ],
    );
    facilitySchemes.set(node, { code: node, ...facilityScheme });
    const [floor] = await h.db.query(
      `INSERT INTO subsidy_floor (jurisdiction_id, kind, min_age, amount_fen, from_month)
       SELECT id, $2, $3, $4, $5::date FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, SCHEME_KIND, FLOOR.minAge, FLOOR.amountFen, `${POLICY_SINCE}-01`],
    );
    floors.set(node, { code: node, ...floor });
  }
  for (const node of Object.values(RELATIONS)) {
    const [procedure] = await h.db.query(
      `INSERT INTO review_procedure (jurisdiction_id, name, source, uses_intake_windows, effective_from, steps)
       SELECT id, $2, '测试', true, $3, $4::jsonb FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, procedureNameAt(node), PROCEDURE_SINCE, JSON.stringify(PROCEDURE_STEPS)],
    );
    fixtureProcedures.set(node, procedure.id);
    const [window] = await h.db.query(
      `INSERT INTO intake_window (jurisdiction_id, name, opens, closes)
       SELECT id, $2, $3, $4 FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, `${WINDOW_YEAR}年上半年集中申报`, `${WINDOW_YEAR}-01-01`, `${WINDOW_YEAR}-06-30`],
    );
    fixtureWindows.set(node, window.id);
    const [rules] = await h.db.query(
      `INSERT INTO care_rules (jurisdiction_id, name, source, effective_from, rules)
       SELECT id, $2, '测试', $3, $4::jsonb FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, `上门服务规则(${node})`, PROCEDURE_SINCE, JSON.stringify(careRulesAt(node))],
    );
    fixtureCareRules.set(node, rules.id);
  }
  for (const node of Object.values(RELATIONS)) {
    const [{ id }] = await h.db.query(
      `INSERT INTO target (jurisdiction_id, title, metric, comparator, threshold, baseline, starts_on, deadline)
       SELECT id, $2, $3, 'AT_LEAST', $4, 0, $5, $6 FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, FIXTURE_TARGET.title, FIXTURE_TARGET.metric, FIXTURE_TARGET.threshold, FIXTURE_TARGET.startsOn, FIXTURE_TARGET.deadline],
    );
    fixtureTargets.set(node, id);
    const [item] = await h.db.query(
      `INSERT INTO supervision_item (jurisdiction_id, responsible_jurisdiction_id, title, deadline)
       SELECT id, id, '督办事项', '2026-06-30' FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node],
    );
    fixtureItems.set(node, item.id);
    const content = {
      target: { id, title: FIXTURE_TARGET.title, metric: FIXTURE_TARGET.metric, metricKind: 'RATE', comparator: 'AT_LEAST', threshold: 50, deadline: FIXTURE_TARGET.deadline, jurisdiction: { code: node, name: node, level: levelOfCode(node) } },
      observedAt: '2025-06-30T00:00:00.000Z',
      progress: { value: 0, numerator: 0, denominator: 1, expected: 0, status: 'BEHIND' },
      laggards: 0,
      rows: [],
    };
    const [notice] = await h.db.query(
      `INSERT INTO notice (jurisdiction_id, target_id, title, as_of, concerned_ids, content, created_by)
       SELECT j.id, $2, '通报', '2025-06-30', ARRAY(SELECT c.id FROM jurisdiction c WHERE c.id = j.id OR c.parent_id = j.id), $3,
         (SELECT min(id) FROM app_user)
       FROM jurisdiction j WHERE j.code = $1 RETURNING id::text AS id`,
      [node, id, JSON.stringify(content)],
    );
    fixtureNotices.set(node, notice.id);
    await h.db.query(
      `INSERT INTO elderly_population (jurisdiction_id, year, aged_60_plus, aged_80_plus, source, recorded_by)
       SELECT id, $2, $3, $4, $5, (SELECT min(id) FROM app_user) FROM jurisdiction WHERE code = $1`,
      [node, POPULATION.year, populationAt(node).aged60Plus, populationAt(node).aged80Plus, POPULATION.source],
    );
  }
  // The roll-ups the facilities imply, from the base tables.
  await rebuildRollups(h.db);
  // One audit entry recorded at every node, so that auditTrail(under:) has something to show.
  await h.db.query(
    `INSERT INTO audit_entry (actor_username, jurisdiction_id, action, target_type, outcome)
     SELECT 'seed', id, 'seed', 'Jurisdiction', 'SUCCESS' FROM jurisdiction ORDER BY code`,
  );
  for (const code of RUN_ROOTS) {
    const [root] = await jurisdictionRepository.byCodes(h.db.manager, [code]);
    const stored = await runTransaction(h.db, root, STORED_MONTH, (tx) => computeRun(tx, root, STORED_MONTH, null));
    fixtureRuns.set(code, String(stored.id));
  }
  await insertCaseFixture();
  await insertProviderFixture(organisationIds);
  await insertWorkOrderFixture(organisationIds);
  await insertCallbackFixture(organisationIds);
  await insertAdjustmentFixture();
  await insertFacilityPaymentFixture();
  await insertSettlementFixture();
  await insertFundingFixture();
  fixture = await captureTables(h.db);
});

async function insertFundingFixture(): Promise<void> {
  for (const node of Object.values(RELATIONS)) {
    const lines: { id: string; source: string }[] = await h.db.query(
      `INSERT INTO budget_line (jurisdiction_id, year, source, purpose, amount_fen, recorded_by)
       SELECT j.id, $2, l.source, l.purpose, l.amount, (SELECT min(id) FROM app_user)
       FROM jurisdiction j, unnest($3::text[], $4::text[], $5::bigint[]) AS l (source, purpose, amount) WHERE j.code = $1
       RETURNING id::text AS id, source`,
      [node, FUNDING_YEAR, FUNDING_LINES.map((l) => l.source), FUNDING_LINES.map((l) => l.purpose), FUNDING_LINES.map((l) => l.amountFen)],
    );
    fixtureBudgetLines.set(node, lines.find((line) => line.source === 'GENERAL_BUDGET')!.id);
    const [rule] = await h.db.query(
      `INSERT INTO lottery_fund_rule (jurisdiction_id, from_year, min_percent, source, recorded_by)
       SELECT id, $2, 55, '市、县两级留存使用的福彩公益金55%以上用于支持养老服务发展', (SELECT min(id) FROM app_user) FROM jurisdiction WHERE code = $1
       RETURNING id::text AS id`,
      [node, FUNDING_YEAR],
    );
    fixtureFundRules.set(node, rule.id);
  }
}

async function insertCaseFixture(): Promise<void> {
  const [procedure] = await h.db.query(
    `INSERT INTO review_procedure (jurisdiction_id, name, source, uses_intake_windows, effective_from, steps)
     SELECT id, '公示程序', '测试', false, $2, $3::jsonb FROM jurisdiction WHERE code = $1 RETURNING id`,
    [CASE_PROCEDURE_AT, PROCEDURE_SINCE, JSON.stringify(CASE_STEPS)],
  );
  for (const node of Object.values(RELATIONS)) {
    const [scheme] = await h.db.query(
      `WITH s AS (INSERT INTO subsidy_scheme (jurisdiction_id, name, kind) SELECT id, $2, $3 FROM jurisdiction WHERE code = $1 RETURNING id),
         v AS (INSERT INTO subsidy_scheme_version (scheme_id, from_month, to_month, combination, requires_application)
               SELECT id, $4::date, $4::date, 'HIGHEST', true FROM s RETURNING id),
         f AS (INSERT INTO subsidy_funding (version_id, level, weight) SELECT v.id, j.level, 1 FROM v, jurisdiction j WHERE j.code = $1),
         t AS (INSERT INTO subsidy_tier (version_id, position, name, amount_fen, min_age) SELECT id, 1, $5, $6, $7 FROM v)
       SELECT s.id::text AS id FROM s`,
      [node, `居家养老服务补贴(${node})`, 'HOME_CARE_SUBSIDY', `${APPLICATION_MONTH}-01`, TIER.name, TIER.amountFen, TIER.minAge],
    );
    applicationSchemes.set(node, scheme.id);
    await h.db.query(
      `INSERT INTO intake_window (jurisdiction_id, name, opens, closes) SELECT id, '2025年上半年集中申报', '2025-03-01', '2025-03-31' FROM jurisdiction WHERE code = $1`,
      [node],
    );
    const person = personAt(node);
    const insertCase = async (state: string, step: number, due: string | null, capability = 'REVIEW_CASES') => {
      const [row] = await h.db.query(
        `INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, step_position, step_began, step_due,
           acting_node_id, acting_code, step_capability, filed_on, filed_by, filed_as_role, filer)
         SELECT $1, j.id, j.code, $3, $4, $5, '2025-06-02', $6, j.id, j.code, $7, '2025-06-02', (SELECT min(id) FROM app_user),
           'VILLAGE_WORKER', 'VILLAGE_WORKER'
         FROM jurisdiction j WHERE j.code = $2 RETURNING id::text AS id`,
        [personIdOf(person), person.village, procedure.id, state, step, due, capability],
      );
      await h.db.query(`INSERT INTO application_case_scheme (case_id, scheme_id) VALUES ($1, $2)`, [row.id, schemes.get(node)!.id]);
      await h.db.query(`INSERT INTO application_history (case_id, action) VALUES ($1, 'FILE')`, [row.id]);
      return row.id as string;
    };
    const review = await insertCase('IN_REVIEW', 1, '2025-06-16');
    const [enrolment] = await h.db.query(
      `INSERT INTO enrolment (person_id, scheme_id, case_id, from_month) VALUES ($1, $2, $3, $4) RETURNING id::text AS id`,
      [personIdOf(person), schemes.get(node)!.id, review, `${ENROLLED_SINCE}-01`],
    );
    // As if the person had come to live in the village since: the enrolment is up for re-review.
    await h.db.query(
      `INSERT INTO person_move (person_id, kind, from_id, to_id, moved_on)
       SELECT p.id, 'RESIDENCE', (SELECT min(id) FROM jurisdiction WHERE id <> p.village_id), p.village_id, $2 FROM person p WHERE p.id = $1`,
      [personIdOf(person), MOVED_ON],
    );
    fixtureCases.set(node, {
      review,
      notice: await insertCase('IN_REVIEW', 2, '2025-06-16'),
      returned: await insertCase('RETURNED', 1, null),
      assessment: await insertCase('IN_REVIEW', 4, null, 'ASSESS_PEOPLE'),
      enrolment: enrolment.id,
    });
  }
}

async function insertProviderFixture(organisationIds: Record<Org, number>): Promise<void> {
  for (const node of Object.values(RELATIONS)) {
    const [entry] = await h.db.query(
      `INSERT INTO provider_entry (jurisdiction_id, organisation_id, admitted_on) SELECT id, $2, $3 FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, organisationIds.A, PROVIDER_SINCE],
    );
    await h.db.query(`INSERT INTO provider_qualification (entry_id, kind, number, valid_from) VALUES ($1, '养老机构备案', $2, $3)`, [entry.id, `备${node}`, PROVIDER_SINCE]);
    fixtureEntries.set(node, entry.id);
    const [ban] = await h.db.query(
      `INSERT INTO provider_ban (jurisdiction_id, organisation_id, reason, detail, from_day, until_day)
       SELECT id, $2, 'OTHER_ILLEGAL_ACTS', '违法行为', $3, '2090-12-31' FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, organisationIds.B, PROVIDER_SINCE],
    );
    fixtureBans.set(node, ban.id);
    const [contract] = await h.db.query(
      `INSERT INTO service_contract (jurisdiction_id, organisation_id, from_day, until_day) SELECT id, $2, $3, $4 FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [node, organisationIds.A, FIXTURE_CONTRACT.from, FIXTURE_CONTRACT.until],
    );
    const item = contractItemAt(node);
    await h.db.query(`INSERT INTO service_contract_area (contract_id, jurisdiction_id) SELECT $1, id FROM jurisdiction WHERE code = $2`, [contract.id, VILLAGE_OF[node]]);
    await h.db.query(`INSERT INTO service_contract_price VALUES ($1, $2, 'LOW_PAID', $3, 60)`, [contract.id, item, FIXTURE_CONTRACT.priceFen]);
    await h.db.query(
      `INSERT INTO service_contract_coverage (contract_id, village_id, village_code, item, during)
       SELECT $1, id, code, $3, daterange($4, $5, '[]') FROM jurisdiction WHERE code = $2`,
      [contract.id, VILLAGE_OF[node], item, FIXTURE_CONTRACT.from, FIXTURE_CONTRACT.until],
    );
    fixtureContracts.set(node, contract.id);
  }
}

// Work orders (seed 004 篇四): at every target node, A's order for the person living below it, assigned to
// A's caregiver based there (no target order is the fixture CAREGIVER's own), and a VOID one of theirs to
// redo; each fixture person's registered place.
const ORDER_DAY = '2025-06-02';
const HOME_PLACE = { lat: 32.4, lng: 119.5 };
const fixtureOrders = new Map<string, { assigned: string; voided: string }>();
/** The fixture orders of people living at or below `node` (the call-backs' among them), in id order. */
const ordersUnder = (node: string) =>
  [...fixtureOrders.entries()]
    .filter(([code]) => personAt(code).village.startsWith(node))
    .flatMap(([code, orders]) => [orders.assigned, orders.voided, openOrders.get(code)!, calledBackOrders.get(code)!])
    .sort((a, b) => Number(a) - Number(b));

async function insertWorkOrderFixture(organisationIds: Record<Org, number>): Promise<void> {
  for (const node of Object.values(RELATIONS)) {
    const personId = Number(personIdOf(personAt(node)));
    const order = { personId, organisationId: organisationIds.A, caregiverId: Number(caregiverAt(node)), items: [contractItemAt(node)], plannedDay: ORDER_DAY };
    const assigned = await insertWorkOrder(h.db, order);
    const visit = { checkInAt: `${ORDER_DAY}T09:00:00+08:00`, checkOutAt: `${ORDER_DAY}T09:40:00+08:00`, serviceDay: ORDER_DAY, voidReasons: ['SHORTER_THAN_MINIMUM'] };
    const voided = await insertWorkOrder(h.db, { ...order, visit });
    fixtureOrders.set(node, { assigned: String(assigned), voided: String(voided) });
    await h.db.query(`INSERT INTO person_home_place (person_id, lat, lng) VALUES ($1, $2, $3)`, [personId, HOME_PLACE.lat, HOME_PLACE.lng]);
  }
}

// Voucher adjustments: below every target node, one proposed for the person living there, funded by their
// village, by a user who holds no FINANCE role (so that any FINANCE actor may decide it).
const fixtureAdjustments = new Map<string, string>();
const ADJUSTMENT_FEN = 2500;

async function insertAdjustmentFixture(): Promise<void> {
  for (const node of Object.values(RELATIONS)) {
    const person = personAt(node);
    const [row] = await h.db.query(
      `INSERT INTO ledger_adjustment (person_id, scheme_kind, funder_id, amount_fen, reason, proposed_by)
       SELECT $1, 'HOME_CARE_SUBSIDY', v.id, $3, '补录漏充', (SELECT min(id) FROM app_user WHERE NOT ('FINANCE' = ANY (roles)))
         FROM jurisdiction v WHERE v.code = $2 RETURNING id`,
      [Number(personIdOf(person)), person.village, ADJUSTMENT_FEN],
    );
    fixtureAdjustments.set(node, String(row.id));
  }
}

// Facility subsidy payments (docs/settlement.md#facility-subsidies): for the facility A operates at every target
// node, one proposed for 2023 (a year it was not due: the fixture's own), 1,000 fen from the node's own level, by
// a user who holds no FINANCE role (so that any FINANCE actor may decide it).
const fixturePayments = new Map<string, string>();
const PAYMENT_FEN = 1000;

async function insertFacilityPaymentFixture(): Promise<void> {
  for (const node of Object.values(RELATIONS)) {
    const [row] = await h.db.query(
      `INSERT INTO facility_subsidy_payment (facility_id, year, amount_fen, proposed_by)
       VALUES ($1, 2023, $2, (SELECT min(id) FROM app_user WHERE NOT ('FINANCE' = ANY (roles)))) RETURNING id`,
      [Number(idOf(facilityAt(node))), PAYMENT_FEN],
    );
    await h.db.query(`INSERT INTO facility_subsidy_payment_share (payment_id, funder_id, amount_fen) SELECT $1, id, $3 FROM jurisdiction WHERE code = $2`, [
      row.id,
      node,
      PAYMENT_FEN,
    ]);
    fixturePayments.set(node, String(row.id));
  }
}

// Settlement (docs/settlement.md): at every target node, the level's voucher rules since 2025-01 (a meal's own share
// of 50 % and a point for each digit of its code, so that a read tells which level's rules it found), and three
// statements of the contract made there, each settling the charge of the order called back below the target
// (CALLBACK_DAY, at the contract's price, all of it vouchers, funded by the purchasing level alone as an account
// never credited is): June's REVIEWED, its charge still unsettled, for finance to approve; July's a DRAFT whose
// town has not checked its part; August's a DRAFT the town has checked, for the county to review. The fixture's
// people hold no balance (see personVouchers), so the charge's posting itself is not kept: a new statement of the
// contract gathers nothing. Each was prepared and reviewed by a user who holds no FINANCE role.
const SETTLEMENT_MONTHS = { approve: '2025-06', check: '2025-07', review: '2025-08', prepare: '2025-09' } as const;
const SETTLEMENT_QUARTER = { year: 2025, quarter: 2 };
const SETTLED_FEN = FIXTURE_CONTRACT.priceFen;
const RULES_MONTH = '2025-01';
const mealShareAt = (node: string) => 50 + node.length;
type StatementKind = 'approve' | 'check' | 'review';
const fixtureStatements = new Map<string, Record<StatementKind, string>>();
/** The posting each target's statements settle (never a real posting id: those start at 1). */
const settledPostingAt = (node: string) => String(900_000 + Object.values(RELATIONS).indexOf(node as (typeof RELATIONS)[Relation]));
const townOf = (node: string) => VILLAGE_OF[node].slice(0, 9);
/** The fixture statements whose purchasing level or town lies at or below `node`, as settlementStatements lists them: newest month first. */
const statementsUnder = (node: string) =>
  [...fixtureStatements.entries()]
    .filter(([code]) => code.startsWith(node) || townOf(code).startsWith(node))
    .flatMap(([code, ids]) => (['approve', 'check', 'review'] as const).map((kind) => ({ id: ids[kind], month: SETTLEMENT_MONTHS[kind], code })))
    .sort((a, b) => (a.month === b.month ? Number(b.id) - Number(a.id) : a.month < b.month ? 1 : -1));

async function insertSettlementFixture(): Promise<void> {
  const [{ clerk }] = await h.db.query(`SELECT min(id) AS clerk FROM app_user WHERE NOT ('FINANCE' = ANY (roles))`);
  for (const node of Object.values(RELATIONS)) {
    await h.db.query(
      `INSERT INTO ledger_rules (jurisdiction_id, code, from_month, meal_own_share_percent, year_cap, return_frozen, source, created_by)
       SELECT id, code, $2::date, $3, true, false, '测试文件', $4 FROM jurisdiction WHERE code = $1`,
      [node, `${RULES_MONTH}-01`, mealShareAt(node), clerk],
    );
    const ids = {} as Record<StatementKind, string>;
    for (const kind of ['approve', 'check', 'review'] as const) {
      const [statement] = await h.db.query(
        `INSERT INTO settlement_statement (contract_id, organisation_id, jurisdiction_id, code, month, orders, price_fen, voucher_fen, own_fen, prepared_by)
         SELECT c.id, c.organisation_id, c.jurisdiction_id, j.code, $2::date, 1, $3, $3, 0, $4 FROM service_contract c JOIN jurisdiction j ON j.id = c.jurisdiction_id
          WHERE c.id = $1 RETURNING id::text AS id`,
        [fixtureContracts.get(node), `${SETTLEMENT_MONTHS[kind]}-01`, SETTLED_FEN, clerk],
      );
      await h.db.query(
        `INSERT INTO settlement_item (statement_id, posting_id, order_id, person_id, village_code, service_day, reversal, price_fen, voucher_fen, own_fen)
         VALUES ($1, $2, $3, $4, $5, $6, false, $7, $7, 0)`,
        [statement.id, settledPostingAt(node), calledBackOrders.get(node), personIdOf(personAt(node)), VILLAGE_OF[node], CALLBACK_DAY, SETTLED_FEN],
      );
      await h.db.query(
        `INSERT INTO settlement_town (statement_id, town_code, orders, price_fen, voucher_fen, own_fen, checked_by, checked_at)
         VALUES ($1, $2, 1, $3, $3, 0, $4, CASE WHEN $4::int IS NULL THEN NULL ELSE now() END)`,
        [statement.id, townOf(node), SETTLED_FEN, kind === 'check' ? null : clerk],
      );
      await h.db.query(
        `INSERT INTO settlement_share (statement_id, village_code, funder_id, amount_fen) SELECT $1, $2, id, $4 FROM jurisdiction WHERE code = $3`,
        [statement.id, VILLAGE_OF[node], node, SETTLED_FEN],
      );
      if (kind === 'approve') {
        await h.db.query(`UPDATE settlement_statement SET state = 'REVIEWED', reviewed_by = $2, reviewed_at = now() WHERE id = $1`, [statement.id, clerk]);
        await h.db.query(`INSERT INTO ledger_unsettled (posting_id, contract_id, month) VALUES ($1, $2, $3::date)`, [
          settledPostingAt(node),
          fixtureContracts.get(node),
          `${CALLBACK_DAY.slice(0, 7)}-01`,
        ]);
      }
      ids[kind] = statement.id;
    }
    fixtureStatements.set(node, ids);
  }
}

// Call-backs and oversight visits (seed 004 篇四, 篇五). Below every target node, two VERIFIED orders of A for the
// person there: one on DRAW_DAY with nothing recorded, one on CALLBACK_DAY that A called back (SATISFIED); each
// county's draw of CALLBACK_DAY (COUNTY_OF: the county a target lies in or above, the sibling's for the city) took
// all its orders, as a county whose rules asked 100 % would (seed FIXTURE_SEED); and a SPOT_CHECK of the person on
// OVERSIGHT_DAY by their village. The care rules in force ask 10 % and 5 % (DOCUMENT_MINIMUMS).
const CALLBACK_DAY = '2025-06-10';
const DRAW_DAY = '2025-06-11';
const OVERSIGHT_DAY = '2025-06-12';
const OVERSIGHT_QUARTER = '2025-Q2';
const FIXTURE_SEED = '00112233445566778899aabbccddeeff';
const COUNTY_OF: Record<string, string> = {
  [RELATIONS.own]: '321012',
  [RELATIONS.descendant]: '321012',
  [RELATIONS.ancestor]: '321023',
  [RELATIONS.sibling]: '321023',
  [RELATIONS['other province']]: '110101',
};
const openOrders = new Map<string, string>();
const calledBackOrders = new Map<string, string>();
const fixtureDraws = new Map<string, string>();
const fixtureVisits = new Map<string, string>();
/** The target nodes whose person lives at or below `node`. */
const targetsLivingUnder = (node: string) => Object.values(RELATIONS).filter((code) => personAt(code).village.startsWith(node));

async function insertCallbackFixture(organisationIds: Record<Org, number>): Promise<void> {
  const visit = (day: string) => ({ checkInAt: `${day}T09:00:00+08:00`, checkOutAt: `${day}T10:05:00+08:00`, serviceDay: day });
  const population = new Map<string, number[]>();
  for (const node of Object.values(RELATIONS)) {
    const order = { personId: Number(personIdOf(personAt(node))), organisationId: organisationIds.A, caregiverId: Number(caregiverAt(node)) };
    openOrders.set(node, String(await insertWorkOrder(h.db, { ...order, plannedDay: DRAW_DAY, visit: visit(DRAW_DAY) })));
    const called = await insertWorkOrder(h.db, { ...order, plannedDay: CALLBACK_DAY, visit: visit(CALLBACK_DAY) });
    calledBackOrders.set(node, String(called));
    await h.db.query(
      `INSERT INTO order_callback (order_id, kind, village_code, organisation_id, service_day, called_on, reached, satisfaction, below_standard, voided_order, recorded_by)
       VALUES ($1, 'PROVIDER', $2, $3, $4, $4, true, 'SATISFIED', false, false, (SELECT min(id) FROM app_user))`,
      [called, VILLAGE_OF[node], organisationIds.A, CALLBACK_DAY],
    );
    population.set(COUNTY_OF[node], [...(population.get(COUNTY_OF[node]) ?? []), called]);
    const [visited] = await h.db.query(
      `INSERT INTO oversight_visit (jurisdiction_id, jurisdiction_code, person_id, village_code, kind, purpose, visited_on, checked, findings,
         falsification_suspected, record, recorded_by)
       SELECT v.id, v.code, $1, v.code, 'HOME_VISIT', 'SPOT_CHECK', $3, '{SERVICE_RECORDS}', '无异常', false, '回访记录', (SELECT min(id) FROM app_user)
       FROM jurisdiction v WHERE v.code = $2 RETURNING id::text AS id`,
      [personIdOf(personAt(node)), VILLAGE_OF[node], OVERSIGHT_DAY],
    );
    fixtureVisits.set(node, visited.id);
  }
  for (const [county, ids] of population) {
    const populationIds = [...ids].sort((a, b) => a - b);
    const [draw] = await h.db.query(
      `INSERT INTO callback_draw (county_id, county_code, day, seed, percent, population_ids, order_ids, drawn_by)
       SELECT id, code, $2, $3, 100, $4, $5, (SELECT min(id) FROM app_user) FROM jurisdiction WHERE code = $1 RETURNING id::text AS id`,
      [county, CALLBACK_DAY, FIXTURE_SEED, populationIds, drawSample(FIXTURE_SEED, populationIds, 100)],
    );
    fixtureDraws.set(county, draw.id);
  }
}

// ---------------------------------------------------------------------------------------------
// The rows a request may change, compared before and after every request: users, facilities, their
// history, organisations, today's roll-up figures, people with their categories and assessments,
// subsidy schemes with their versions, tiers and funders, floors, and the entitlement runs with the
// lines and totals they store.

interface UserState {
  username: string;
  roles: string[];
  active: boolean;
  jurisdiction_id: number;
  jurisdiction_code: string;
  display_name: string | null;
  password_hash: string;
  organisation: string | null;
}

interface State {
  /** By username. */
  app_user: Record<string, UserState>;
  /** Whole rows, by id. */
  facility: Record<string, any>;
  facility_event: Record<string, any>;
  /** By `${facility id} ${month}`. */
  facility_diners: Record<string, any>;
  /** By `${village id} ${from month}`. */
  village_facility_designation: Record<string, any>;
  /** By credit code. */
  organisation: Record<string, any>;
  /** Values by `${node code} ${key}`. */
  rollup_value: Record<string, number>;
  /** Coverage histories, whole rows by `${node id} ${key}`. */
  rollup_history: Record<string, any>;
  /** The people counts on each of PEOPLE_DAYS, by `${day} ${node code} ${key}` (zeros left out). */
  people_counts: Record<string, number>;
  /** Whole rows, by id. */
  person: Record<string, any>;
  person_category: Record<string, any>;
  ability_assessment: Record<string, any>;
  subsidy_scheme: Record<string, any>;
  subsidy_scheme_version: Record<string, any>;
  subsidy_tier: Record<string, any>;
  subsidy_floor: Record<string, any>;
  /** By `${version id} ${level}`. */
  subsidy_funding: Record<string, any>;
  /** Whole rows, by id. */
  entitlement_run: Record<string, any>;
  /** Whole rows, by `${month} ${person id} ${scheme id}`. */
  entitlement_line: Record<string, any>;
  /** Whole rows, by `${month} ${node code} ${scheme id}` (scheme 0: all schemes together). */
  entitlement_total: Record<string, any>;
  /** Whole rows, by id. */
  target: Record<string, any>;
  /** Whole rows, by `${target id} ${phase}`. */
  target_phase_span: Record<string, any>;
  /** Whole rows, by id. */
  supervision_item: Record<string, any>;
  supervision_note: Record<string, any>;
  notice: Record<string, any>;
  /** Whole rows, by id. */
  working_calendar_year: Record<string, any>;
  review_procedure: Record<string, any>;
  intake_window: Record<string, any>;
  /** Whole rows, by id (schemes by `${case id} ${scheme id}`). */
  application_case: Record<string, any>;
  application_case_scheme: Record<string, any>;
  application_material: Record<string, any>;
  application_history: Record<string, any>;
  enrolment: Record<string, any>;
  enrolment_review: Record<string, any>;
  person_move: Record<string, any>;
  elderly_population: Record<string, any>;
  caregiver: Record<string, any>;
  caregiver_ban: Record<string, any>;
  /** By the node's code. */
  service_supervision_phone: Record<string, any>;
  /** Whole rows, by id (areas, prices and coverage by their keys). */
  provider_entry: Record<string, any>;
  provider_qualification: Record<string, any>;
  provider_ban: Record<string, any>;
  provider_ban_lift: Record<string, any>;
  service_contract: Record<string, any>;
  service_contract_area: Record<string, any>;
  service_contract_price: Record<string, any>;
  service_contract_coverage: Record<string, any>;
  care_rules: Record<string, any>;
  /** By person and month; the closes by node and month. */
  care_month: Record<string, any>;
  care_month_close: Record<string, any>;
  /** Whole rows, by id (home places by person id). */
  work_order: Record<string, any>;
  visit_event: Record<string, any>;
  service_card: Record<string, any>;
  person_home_place: Record<string, any>;
  order_callback: Record<string, any>;
  callback_draw: Record<string, any>;
  oversight_visit: Record<string, any>;
  /** Whole rows, by id (lines by posting and account, figures by village, month and organisation). */
  ledger_account: Record<string, any>;
  ledger_credit_run: Record<string, any>;
  ledger_posting: Record<string, any>;
  ledger_line: Record<string, any>;
  ledger_figure: Record<string, any>;
  ledger_adjustment: Record<string, any>;
  /** Whole rows: unsettled postings by posting id, rules and statements by id, a statement's rows by statement and their keys. */
  ledger_unsettled: Record<string, any>;
  ledger_rules: Record<string, any>;
  settlement_statement: Record<string, any>;
  settlement_item: Record<string, any>;
  settlement_town: Record<string, any>;
  settlement_share: Record<string, any>;
  /** Whole rows: payments by id, their shares by payment and funder. */
  facility_subsidy_payment: Record<string, any>;
  facility_subsidy_payment_share: Record<string, any>;
  /** Whole rows, by id. */
  budget_line: Record<string, any>;
  lottery_fund_rule: Record<string, any>;
}
type Table = keyof State;

const keyed = (rows: { key: string; row: any }[]) => Object.fromEntries(rows.map(({ key, row }) => [key, row]));
/** Every row of a table as JSON, keyed by `key` (an SQL expression over the row `t`). */
const rowsOf = async (table: string, key = 'id::text') => keyed(await h.db.query(`SELECT ${key} AS key, to_jsonb(t) AS row FROM ${table} t`));

async function tableState(): Promise<State> {
  const users: UserState[] = await h.db.query(
    `SELECT u.username, u.roles::text[] AS roles, u.active, u.jurisdiction_id, j.code AS jurisdiction_code,
            u.display_name, u.password_hash, o.credit_code AS organisation
     FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id LEFT JOIN organisation o ON o.id = u.organisation_id
     ORDER BY u.username`,
  );
  const rollups: { key: string; value: number }[] = await h.db.query(
    `SELECT coalesce(j.code, '#' || r.node_id) || ' ' || r.key AS key, r.value::float8 AS value
     FROM rollup_value r LEFT JOIN jurisdiction j ON j.id = r.node_id`,
  );
  const people: { key: string; value: number }[] = await h.db.query(
    `SELECT to_char(d.day, 'YYYY-MM-DD') || ' ' || j.code || ' ' || c.key AS key, sum(c.delta)::int AS value
     FROM unnest($1::date[]) AS d (day) JOIN rollup_change c ON c.day <= d.day JOIN jurisdiction j ON j.id = c.node_id
     WHERE c.key LIKE 'people:%' GROUP BY 1 HAVING sum(c.delta) <> 0`,
    [peopleDays()],
  );
  return {
    app_user: Object.fromEntries(users.map((row) => [row.username, row])),
    facility: keyed(await h.db.query(`SELECT id::text AS key, to_jsonb(t) AS row FROM facility t`)),
    facility_event: keyed(await h.db.query(`SELECT id::text AS key, to_jsonb(t) AS row FROM facility_event t`)),
    facility_diners: await rowsOf('facility_diners', `t.facility_id || ' ' || to_char(t.month, 'YYYY-MM')`),
    village_facility_designation: await rowsOf('village_facility_designation', `t.village_id || ' ' || to_char(t.from_month, 'YYYY-MM')`),
    organisation: keyed(await h.db.query(`SELECT credit_code AS key, to_jsonb(t) AS row FROM organisation t`)),
    rollup_value: Object.fromEntries(rollups.map(({ key, value }) => [key, value])),
    rollup_history: await rowsOf('rollup_history', `t.node_id || ' ' || t.key`),
    people_counts: Object.fromEntries(people.map(({ key, value }) => [key, value])),
    person: await rowsOf('person'),
    person_category: await rowsOf('person_category'),
    ability_assessment: await rowsOf('ability_assessment'),
    subsidy_scheme: await rowsOf('subsidy_scheme'),
    subsidy_scheme_version: await rowsOf('subsidy_scheme_version'),
    subsidy_tier: await rowsOf('subsidy_tier'),
    subsidy_floor: await rowsOf('subsidy_floor'),
    subsidy_funding: await rowsOf('subsidy_funding', `t.version_id || ' ' || t.level`),
    entitlement_run: await rowsOf('entitlement_run'),
    entitlement_line: await rowsOf('entitlement_line', `to_char(t.month, 'YYYY-MM') || ' ' || t.person_id || ' ' || t.scheme_id`),
    entitlement_total: await rowsOf(
      'entitlement_total',
      `to_char(t.month, 'YYYY-MM') || ' ' || (SELECT j.code FROM jurisdiction j WHERE j.id = t.node_id) || ' ' || t.scheme_id`,
    ),
    target: await rowsOf('target'),
    target_phase_span: await rowsOf('target_phase_span', `t.target_id || ' ' || t.phase`),
    supervision_item: await rowsOf('supervision_item'),
    supervision_note: await rowsOf('supervision_note'),
    notice: await rowsOf('notice'),
    working_calendar_year: await rowsOf('working_calendar_year'),
    review_procedure: await rowsOf('review_procedure'),
    intake_window: await rowsOf('intake_window'),
    application_case: await rowsOf('application_case'),
    application_case_scheme: await rowsOf('application_case_scheme', `t.case_id || ' ' || t.scheme_id`),
    application_material: await rowsOf('application_material'),
    application_history: await rowsOf('application_history'),
    enrolment: await rowsOf('enrolment'),
    enrolment_review: await rowsOf('enrolment_review'),
    person_move: await rowsOf('person_move'),
    elderly_population: await rowsOf('elderly_population'),
    caregiver: await rowsOf('caregiver'),
    caregiver_ban: await rowsOf('caregiver_ban'),
    service_supervision_phone: await rowsOf('service_supervision_phone', `(SELECT j.code FROM jurisdiction j WHERE j.id = t.jurisdiction_id)`),
    provider_entry: await rowsOf('provider_entry'),
    provider_qualification: await rowsOf('provider_qualification'),
    provider_ban: await rowsOf('provider_ban'),
    provider_ban_lift: await rowsOf('provider_ban_lift'),
    service_contract: await rowsOf('service_contract'),
    service_contract_area: await rowsOf('service_contract_area', `t.contract_id || ' ' || t.jurisdiction_id`),
    service_contract_price: await rowsOf('service_contract_price', `t.contract_id || ' ' || t.item || ' ' || t.service_class`),
    service_contract_coverage: await rowsOf('service_contract_coverage', `t.contract_id || ' ' || t.village_id || ' ' || t.item`),
    care_rules: await rowsOf('care_rules'),
    care_month: await rowsOf('care_month', `t.person_id || ' ' || to_char(t.month, 'YYYY-MM')`),
    care_month_close: await rowsOf('care_month_close', `t.node_code || ' ' || to_char(t.month, 'YYYY-MM')`),
    work_order: await rowsOf('work_order'),
    visit_event: await rowsOf('visit_event'),
    service_card: await rowsOf('service_card'),
    person_home_place: await rowsOf('person_home_place', 't.person_id::text'),
    order_callback: await rowsOf('order_callback'),
    callback_draw: await rowsOf('callback_draw'),
    oversight_visit: await rowsOf('oversight_visit'),
    ledger_account: await rowsOf('ledger_account'),
    ledger_credit_run: await rowsOf('ledger_credit_run'),
    ledger_posting: await rowsOf('ledger_posting'),
    ledger_line: await rowsOf('ledger_line', `t.posting_id || ' ' || t.account_id`),
    ledger_figure: await rowsOf('ledger_figure', `t.village_code || ' ' || to_char(t.month, 'YYYY-MM') || ' ' || t.organisation_id`),
    ledger_adjustment: await rowsOf('ledger_adjustment'),
    ledger_unsettled: await rowsOf('ledger_unsettled', 't.posting_id::text'),
    ledger_rules: await rowsOf('ledger_rules'),
    settlement_statement: await rowsOf('settlement_statement'),
    settlement_item: await rowsOf('settlement_item', `t.statement_id || ' ' || t.posting_id`),
    settlement_town: await rowsOf('settlement_town', `t.statement_id || ' ' || t.town_code`),
    settlement_share: await rowsOf('settlement_share', `t.statement_id || ' ' || t.village_code || ' ' || t.funder_id`),
    facility_subsidy_payment: await rowsOf('facility_subsidy_payment'),
    facility_subsidy_payment_share: await rowsOf('facility_subsidy_payment_share', `t.payment_id || ' ' || t.funder_id`),
    budget_line: await rowsOf('budget_line'),
    lottery_fund_rule: await rowsOf('lottery_fund_rule'),
  };
}

/** The keys of the rows added, removed or changed in any column, by table; tables without a change are left out. */
function changes(before: State, after: State): Partial<Record<Table, string[]>> {
  const changed: Partial<Record<Table, string[]>> = {};
  for (const table of Object.keys(before) as Table[]) {
    const keys = [...new Set([...Object.keys(before[table]), ...Object.keys(after[table])])];
    const differing = keys.filter((key) => JSON.stringify(before[table][key]) !== JSON.stringify(after[table][key])).sort();
    if (differing.length > 0) changed[table] = differing;
  }
  return changed;
}

/** The one row of `table` that is new in `after`. */
function addedRow(table: Table, before: State, after: State): any {
  const added = Object.keys(after[table]).filter((key) => !(key in before[table]));
  expect(added).toHaveLength(1);
  return after[table][added[0]];
}

/** How today's figures moved, by `${node code} ${key}` (a missing row counts as 0). */
function rollupDeltas(before: State, after: State): Record<string, number> {
  const keys = [...new Set([...Object.keys(before.rollup_value), ...Object.keys(after.rollup_value)])].sort();
  return Object.fromEntries(
    keys.map((key) => [key, (after.rollup_value[key] ?? 0) - (before.rollup_value[key] ?? 0)]).filter(([, delta]) => delta !== 0),
  );
}

/** How the people counts moved, by `${day} ${node code} ${key}`. */
function peopleCountDeltas(before: State, after: State): Record<string, number> {
  const keys = [...new Set([...Object.keys(before.people_counts), ...Object.keys(after.people_counts)])].sort();
  return Object.fromEntries(
    keys.map((key) => [key, (after.people_counts[key] ?? 0) - (before.people_counts[key] ?? 0)]).filter(([, delta]) => delta !== 0),
  );
}

/** A person's move in the people counts of `day`: −1 under each key along the old village's path, +1 along the new one's (shared ancestors net out). */
function countMoves(day: string, keys: string[], from: string | null, to: string | null): Record<string, number> {
  const moves: Record<string, number> = {};
  for (const [village, sign] of [
    [from, -1],
    [to, 1],
  ] as const) {
    if (village === null) continue;
    for (const code of pathCodes(village)) for (const key of keys) moves[`${day} ${code} people:${key}`] = (moves[`${day} ${code} people:${key}`] ?? 0) + sign;
  }
  return Object.fromEntries(Object.entries(moves).filter(([, delta]) => delta !== 0));
}

/** The same deltas at the node and at each of its ancestors: a facility counts in every figure above it. */
function deltasAlongPath(node: string, deltas: Record<string, number>): Record<string, number> {
  return Object.fromEntries(pathCodes(node).flatMap((code) => Object.entries(deltas).map(([key, delta]) => [`${code} ${key}`, delta])));
}

// ---------------------------------------------------------------------------------------------
// Operations. `gate` is what the domain says opens each one (see CAPABILITY_LABELS in roles.ts);
// a test below checks that ACCESS_RULES says the same.

interface Request {
  query: string;
  variables?: Record<string, unknown>;
}

interface Check {
  data: any;
  /** The caller's role (null without a token). */
  role: Role | null;
  /** What the rules call for: ALLOWED, or OUT_OF_SCOPE for an import that refuses rows, not the request. */
  outcome: Outcome;
  before: State;
  after: State;
}

interface Operation {
  /** The field the row is about: a root field, or a field of Jurisdiction gated by a capability of its own. */
  field: string;
  type: 'Query' | 'Mutation' | 'Jurisdiction' | 'Facility';
  /** The root field of the response (default `field`): null in data when the request is refused. */
  root?: string;
  /** What a refusal leaves null when that is not the root: a nullable nested field (default: the root). */
  refused?: (data: any) => unknown;
  label: string;
  gate: Exclude<Gate, 'reachable'>;
  write: boolean;
}

/** How far an operation reaches, besides the caller's subtree, and how it refuses what lies beyond. */
interface Reach {
  /** Also reaches what is set above the caller's home: subsidy schemes set higher up apply below. */
  above?: boolean;
  /**
   * How it answers out of reach (default FORBIDDEN, for a record by id as for a code, never saying
   * whether it exists): OUT_OF_SCOPE for an import, which refuses the rows out of reach and writes nothing.
   */
  refusal?: 'OUT_OF_SCOPE';
  /** Reaches only strictly below the caller's home: the home node itself is FORBIDDEN (resetting a peer's password). */
  strictlyBelow?: boolean;
  /** A capability the work needs besides the gate's (a case's step names its own): FORBIDDEN without it. */
  also?: Capability;
  /** Roles the caller must be able to grant (GRANTABLE_ROLES): those given, and those of the user acted on. */
  grants?: readonly Role[];
  /** Aimed at a record a CAREGIVER reaches only when it is their own (no target is). */
  ownRecord?: boolean;
}

/** An operation aimed at a jurisdiction: the node itself, the subtree below it, or a user, facility, person or policy there. */
interface TargetedOperation extends Operation, Reach {
  /** Aimed at A's facility at the target node: OPERATOR_BOUND roles reach it only if their organisation operates it. */
  facility?: boolean;
  /** Aimed at A's caregiver based at the target node: as a facility for OPERATOR_BOUND roles; a CAREGIVER reaches only their own record, which no target is. */
  caregiver?: boolean;
  request(node: string): Request;
  verify(node: string, check: Check): void;
}

/** An operation about the caller only. */
interface OwnOperation extends Operation {
  type: 'Query' | 'Mutation';
  /** Sent without the caller's token (login). */
  anonymous?: boolean;
  request(actor: TestUser): Request;
  verify(role: Role, actor: TestUser, check: Check): void;
}

const NEW_PASSWORD = 'a-new-password-9';

// The coverage figures of the fixture, from the metric's definition: MEAL_SERVICE counts the villages
// with ≥ 1 facility OPERATING on the day and offering MEALS (B's facility at 东苑社区, since SINCE).
const METRIC = 'MEAL_SERVICE';
const mealVillagesUnder = (node: string, day: string) =>
  new Set(
    FIXTURE_FACILITIES.filter((f) => villagesUnder(node).includes(f.code) && f.services.includes('MEALS') && SINCE <= day).map((f) => f.code),
  ).size;
const figureOf = (node: string, day: string) => {
  const numerator = mealVillagesUnder(node, day);
  const denominator = villagesUnder(node).length;
  return { numerator, denominator, rate: denominator > 0 ? numerator / denominator : null };
};
const TREND = { from: '2024-01-15', to: '2024-04-10', points: ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-10'] };

const NEW_BEDS = { total: 30, nursing: 12, dementia: 3 };

// What the people and policy operations write.
const NEW_PERSON = '赵七';
/** The ID of the person registerPerson adds below the target node: a woman born on 1 June 1945. */
const newNationalId = (node: string) => nationalIdIn(VILLAGE_OF[node], '19450601', 102);
const NEW_PHONE = '13912345678';
const NEW_ADDRESS = '和平路2号';
const ASSESSOR = '扬州市第三方评估中心';
const NEW_SCHEME = '高龄津贴(新)';
// At least every floor set at and above any target node (30 元 from 60).
const NEW_TIER = { name: '60周岁及以上', amountFen: 6000, minAge: 60 };

// The elderly population recorded at every target node for one year; the length of the code makes each differ.
const POPULATION = { year: 2024, source: '统计局' };
const populationAt = (node: string) => ({ aged60Plus: 1000 * node.length, aged80Plus: 100 * node.length });

// The monthly entitlement run. Every fixture person is ACTIVE and over 60 in every month from
// POLICY_SINCE (83 at the end of January 2024), in no category and no exclusion group, and the floors
// stay below the tier: a run pays each of them one line per scheme set on his village's path, 50 元
// each, all of it by the level that set the scheme (as entitlement says for this month).
/** The month runEntitlements computes: the schemes' first month, for which nothing is stored. */
const RUN_MONTH = POLICY_SINCE;
/** The funding levels, highest first, as funders are listed. */
const LEVELS = [JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY, JurisdictionLevel.COUNTY, JurisdictionLevel.TOWN, JurisdictionLevel.VILLAGE];
const shareColumn = (level: JurisdictionLevel) => `${level.toLowerCase()}_fen`;
/** An amount paid wholly by the level of `code`, as the share columns of a line or total store it. */
const sharesOf = (code: string, amountFen: number): Record<string, number> =>
  Object.fromEntries(LEVELS.map((level) => [shareColumn(level), level === levelOfCode(code) ? amountFen : 0]));

/** The people a run at `node` considers: every fixture person living at or below it. */
const livingUnder = (node: string) => FIXTURE_PEOPLE.filter((p) => p.village.startsWith(node));
/** The schemes that pay a fixture person: every one set on his village's path. */
const payingSchemes = (person: FixturePerson) => setAtOrAbove(schemes, person.village);

/** What a run at `node` reports on a month with nothing stored: everyone considered is paid, one line per paying scheme. */
function runFigures(node: string) {
  const people = livingUnder(node);
  const lines = people.reduce((n, person) => n + payingSchemes(person).length, 0);
  return { people: people.length, recipients: people.length, lines, replacedLines: 0, amountFen: TIER.amountFen * lines };
}

interface StoredTotal {
  recipients: number;
  amount_fen: number;
  [share: string]: number;
}

/**
 * The totals a run at `root` stores on a month with nothing stored, by `${node code} ${scheme id}`
 * (scheme 0: all schemes, each person counted once): a person paid counts at every node on his
 * village's path, above the root too.
 */
function totalsOfRun(root: string): Record<string, StoredTotal> {
  const totals: Record<string, StoredTotal> = {};
  const at = (key: string) => (totals[key] ??= { recipients: 0, amount_fen: 0, ...Object.fromEntries(LEVELS.map((level) => [shareColumn(level), 0])) });
  for (const person of livingUnder(root)) {
    for (const code of pathCodes(person.village)) {
      at(`${code} 0`).recipients += 1;
      for (const scheme of payingSchemes(person)) {
        at(`${code} ${scheme.id}`).recipients += 1;
        for (const total of [at(`${code} 0`), at(`${code} ${scheme.id}`)]) {
          total.amount_fen += TIER.amountFen;
          total[shareColumn(levelOfCode(scheme.code)!)] += TIER.amountFen;
        }
      }
    }
  }
  return totals;
}

/** A total's funders as the API lists them: the levels that pay, highest first. */
const fundersOf = (total: StoredTotal) =>
  LEVELS.map((level) => ({ level, amountFen: total[shareColumn(level)] })).filter((funder) => funder.amountFen !== 0);

const TARGETED: TargetedOperation[] = [
  {
    field: 'jurisdiction',
    type: 'Query',
    label: 'jurisdiction(code)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({ query: `query($code: String!) { jurisdiction(code: $code) { code name } }`, variables: { code: node } }),
    verify: (node, { data }) => {
      expect(data.jurisdiction).toEqual({ code: node, name: SMALL_TREE.find(([code]) => code === node)![1] });
    },
  },
  {
    field: 'jurisdictions',
    type: 'Query',
    label: 'jurisdictions(under)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({
      query: `query($under: String) { jurisdictions(under: $under, first: 50) { totalCount edges { node { code } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const below = TREE_CODES.filter((code) => code !== node && code.startsWith(node)).sort();
      expect(data.jurisdictions.edges.map((e: any) => e.node.code)).toEqual(below);
      expect(data.jurisdictions.totalCount).toBe(below.length);
    },
  },
  {
    field: 'user',
    type: 'Query',
    label: 'user(username) of a user living at the target',
    gate: Capability.READ_USERS,
    write: false,
    request: (node) => ({
      query: `query($username: String!) { user(username: $username) { username jurisdiction { code } } }`,
      variables: { username: targetAt(node) },
    }),
    verify: (node, { data }) => {
      expect(data.user).toEqual({ username: targetAt(node), jurisdiction: { code: node } });
    },
  },
  {
    field: 'users',
    type: 'Query',
    label: 'users(under)',
    gate: Capability.READ_USERS,
    write: false,
    request: (node) => ({
      query: `query($under: String) { users(under: $under, first: 50) { totalCount edges { node { username } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const living = FIXTURE_USERS.filter((u) => u.code.startsWith(node)).map((u) => u.username).sort();
      expect(data.users.edges.map((e: any) => e.node.username).sort()).toEqual(living);
      expect(data.users.totalCount).toBe(living.length);
    },
  },
  {
    field: 'auditTrail',
    type: 'Query',
    label: 'auditTrail(under)',
    gate: Capability.READ_AUDIT,
    write: false,
    request: (node) => ({
      query: `query($under: String) { auditTrail(under: $under, first: 50) { totalCount edges { node { action jurisdiction { code } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const recorded = TREE_CODES.filter((code) => code.startsWith(node)).sort();
      expect(data.auditTrail.edges.map((e: any) => e.node.jurisdiction.code).sort()).toEqual(recorded);
      expect(data.auditTrail.totalCount).toBe(recorded.length);
    },
  },
  {
    field: 'createUser',
    type: 'Mutation',
    label: 'createUser(jurisdictionCode: target)',
    gate: Capability.MANAGE_USERS,
    grants: [Role.VILLAGE_WORKER],
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles jurisdiction { code } } }`,
      variables: { input: { username: `new@${node}`, password: NEW_PASSWORD, jurisdictionCode: node, roles: [Role.VILLAGE_WORKER] } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.createUser).toEqual({ username: `new@${node}`, roles: [Role.VILLAGE_WORKER], jurisdiction: { code: node } });
      expect(changes(before, after)).toEqual({ app_user: [`new@${node}`] });
      expect(after.app_user[`new@${node}`]).toMatchObject({ roles: [Role.VILLAGE_WORKER], active: true, jurisdiction_code: node, organisation: null });
    },
  },
  {
    field: 'updateUser',
    type: 'Mutation',
    label: 'updateUser(roles, active) of a user living at the target',
    gate: Capability.MANAGE_USERS,
    grants: [Role.VILLAGE_WORKER, Role.FINANCE],
    write: true,
    request: (node) => ({
      query: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles active } }`,
      variables: { input: { username: targetAt(node), roles: [Role.FINANCE], active: false } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.updateUser).toEqual({ username: targetAt(node), roles: [Role.FINANCE], active: false });
      expect(changes(before, after)).toEqual({ app_user: [targetAt(node)] });
      expect(after.app_user[targetAt(node)]).toMatchObject({ roles: [Role.FINANCE], active: false, jurisdiction_code: node });
    },
  },
  {
    field: 'updateUser',
    type: 'Mutation',
    label: 'updateUser(jurisdictionCode: target) of a user of the subtree',
    gate: Capability.MANAGE_USERS,
    grants: [Role.VILLAGE_WORKER],
    write: true,
    request: (node) => ({
      query: `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username jurisdiction { code } } }`,
      variables: { input: { username: MOVER, jurisdictionCode: node } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.updateUser).toEqual({ username: MOVER, jurisdiction: { code: node } });
      expect(changes(before, after)).toEqual({ app_user: [MOVER] });
      expect(after.app_user[MOVER].jurisdiction_code).toBe(node);
    },
  },
  {
    field: 'resetPassword',
    type: 'Mutation',
    label: 'resetPassword of a user living at the target',
    gate: Capability.MANAGE_USERS,
    grants: [Role.VILLAGE_WORKER],
    strictlyBelow: true,
    write: true,
    request: (node) => ({
      query: `mutation($username: String!, $password: String!) { resetPassword(username: $username, newPassword: $password) { username } }`,
      variables: { username: targetAt(node), password: NEW_PASSWORD },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.resetPassword).toEqual({ username: targetAt(node) });
      expect(changes(before, after)).toEqual({ app_user: [targetAt(node)] });
      expect(after.app_user[targetAt(node)].password_hash).not.toBe(before.app_user[targetAt(node)].password_hash);
    },
  },
  {
    field: 'unlockLogin',
    type: 'Mutation',
    label: 'unlockLogin of a user living at the target',
    gate: Capability.MANAGE_USERS,
    grants: [Role.VILLAGE_WORKER],
    write: true,
    request: (node) => ({
      query: `mutation($username: String!) { unlockLogin(username: $username) { username } }`,
      variables: { username: targetAt(node) },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.unlockLogin).toEqual({ username: targetAt(node) });
      expect(changes(before, after)).toEqual({});
    },
  },
  {
    field: 'facility',
    type: 'Query',
    label: 'facility(id) of the facility at the target',
    gate: Capability.READ_FACILITIES,
    facility: true,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) {
        facility(id: $id) { id name type status statusSince jurisdiction { code } operator { creditCode } history { kind status occurredOn } }
      }`,
      variables: { id: idOf(facilityAt(node)) },
    }),
    verify: (node, { data }) => {
      const facility = facilityAt(node);
      expect(data.facility).toEqual({
        id: idOf(facility),
        name: facility.name,
        type: 'INSTITUTION',
        status: 'OPERATING',
        statusSince: SINCE,
        jurisdiction: { code: node },
        operator: { creditCode: creditCodeOf(facility.operator) },
        history: [{ kind: 'REGISTERED', status: 'OPERATING', occurredOn: SINCE }],
      });
    },
  },
  {
    field: 'facilities',
    type: 'Query',
    label: 'facilities(under)',
    gate: Capability.READ_FACILITIES,
    write: false,
    request: (node) => ({
      query: `query($under: String) { facilities(under: $under, first: 50) { totalCount edges { node { id jurisdiction { code } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data, role }) => {
      // Every facility located at or below the node; an OPERATOR_BOUND role only its organisation's.
      const listed = FIXTURE_FACILITIES.filter((f) => f.code.startsWith(node) && operatesFor(role!, f));
      expect(data.facilities.edges.map((e: any) => e.node)).toEqual(listed.map((f) => ({ id: idOf(f), jurisdiction: { code: f.code } })));
      expect(data.facilities.totalCount).toBe(listed.length);
    },
  },
  {
    field: 'createFacility',
    type: 'Mutation',
    label: 'createFacility(jurisdictionCode: target)',
    gate: Capability.MANAGE_FACILITIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateFacilityInput!) {
        createFacility(input: $input) { name type status statusSince jurisdiction { code } operator { creditCode } }
      }`,
      variables: {
        input: {
          name: `新建养老院(${node})`,
          // An INSTITUTION may sit at a county, town or village: every in-scope target is a valid place.
          type: 'INSTITUTION',
          jurisdictionCode: node,
          operator: { creditCode: creditCodeOf('A'), name: ORGANISATIONS.A.name },
        },
      },
    }),
    verify: (node, { data, before, after }) => {
      const today = todayInChina();
      expect(data.createFacility).toEqual({
        name: `新建养老院(${node})`,
        type: 'INSTITUTION',
        status: 'PLANNED',
        statusSince: today,
        jurisdiction: { code: node },
        operator: { creditCode: creditCodeOf('A') },
      });
      // A new facility with its REGISTERED entry (A is reused, not registered again), counted as PLANNED up the tree.
      const deltas = deltasAlongPath(node, { 'facilities:INSTITUTION:PLANNED': 1 });
      expect(changes(before, after)).toEqual({
        facility: [expect.any(String)],
        facility_event: [expect.any(String)],
        rollup_value: Object.keys(deltas).sort(),
      });
      const facility = addedRow('facility', before, after);
      expect(facility).toMatchObject({ name: `新建养老院(${node})`, type: 'INSTITUTION', status: 'PLANNED', status_since: today });
      expect(facility.organisation_id).toBe(before.organisation[creditCodeOf('A')].id);
      expect(addedRow('facility_event', before, after)).toMatchObject({ facility_id: facility.id, kind: 'REGISTERED', status: 'PLANNED', occurred_on: today });
      expect(rollupDeltas(before, after)).toEqual(deltas);
    },
  },
  {
    field: 'transitionFacility',
    type: 'Mutation',
    label: 'transitionFacility(OPERATING → SUSPENDED, today) of the facility at the target',
    gate: Capability.MANAGE_FACILITIES,
    facility: true,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $on: Date) { transitionFacility(id: $id, to: SUSPENDED, on: $on, note: "整改") { id status statusSince } }`,
      variables: { id: idOf(facilityAt(node)), on: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      const facility = facilityAt(node);
      const id = idOf(facility);
      const today = todayInChina();
      expect(data.transitionFacility).toEqual({ id, status: 'SUSPENDED', statusSince: today });
      // One facility moves from OPERATING to SUSPENDED, and its beds leave the figures of beds in operation.
      const deltas = deltasAlongPath(node, {
        'beds:dementia': -facility.beds.dementia,
        'beds:nursing': -facility.beds.nursing,
        'beds:total': -facility.beds.total,
        'facilities:INSTITUTION:OPERATING': -1,
        'facilities:INSTITUTION:SUSPENDED': 1,
      });
      expect(changes(before, after)).toEqual({ facility: [id], facility_event: [expect.any(String)], rollup_value: Object.keys(deltas).sort() });
      expect(after.facility[id]).toMatchObject({ status: 'SUSPENDED', status_since: today, last_event_on: today });
      expect(addedRow('facility_event', before, after)).toMatchObject({
        facility_id: Number(id),
        kind: 'TRANSITION',
        from_status: 'OPERATING',
        status: 'SUSPENDED',
        occurred_on: today,
        note: '整改',
      });
      expect(rollupDeltas(before, after)).toEqual(deltas);
    },
  },
  {
    field: 'updateFacility',
    type: 'Mutation',
    label: 'updateFacility(staff, beds) of the facility at the target',
    gate: Capability.EDIT_FACILITIES,
    facility: true,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { id staff beds { total nursing dementia } } }`,
      // Day-to-day facts: a SERVICE_PROVIDER may report them for the facilities its organisation operates.
      variables: { id: idOf(facilityAt(node)), input: { staff: 7, beds: NEW_BEDS } },
    }),
    verify: (node, { data, before, after }) => {
      const facility = facilityAt(node);
      const id = idOf(facility);
      expect(data.updateFacility).toEqual({ id, staff: 7, beds: NEW_BEDS });
      // The facility is OPERATING: the beds in operation move by the difference; no history entry.
      const deltas = deltasAlongPath(node, {
        'beds:dementia': NEW_BEDS.dementia - facility.beds.dementia,
        'beds:nursing': NEW_BEDS.nursing - facility.beds.nursing,
        'beds:total': NEW_BEDS.total - facility.beds.total,
      });
      expect(changes(before, after)).toEqual({ facility: [id], rollup_value: Object.keys(deltas).sort() });
      expect(after.facility[id]).toMatchObject({
        staff: 7,
        beds_total: NEW_BEDS.total,
        beds_nursing: NEW_BEDS.nursing,
        beds_dementia: NEW_BEDS.dementia,
        name: facility.name,
        status: 'OPERATING',
      });
      expect(rollupDeltas(before, after)).toEqual(deltas);
    },
  },
  {
    field: 'recordFacilityDiners',
    type: 'Mutation',
    label: 'recordFacilityDiners(2024-06) of the facility at the target',
    gate: Capability.EDIT_FACILITIES,
    facility: true,
    write: true,
    request: (node) => ({
      // A day-to-day fact: a SERVICE_PROVIDER reports it for the facilities its organisation operates. The same count again, so that the subsidies stay.
      query: `mutation($id: ID!) { recordFacilityDiners(id: $id, month: "2024-06", diners: ${DINERS}) { id dailyDiners dinerMonths(year: 2024) { month diners } } }`,
      variables: { id: idOf(facilityAt(node)) },
    }),
    verify: (node, { data, before, after }) => {
      const id = idOf(facilityAt(node));
      expect(data.recordFacilityDiners).toMatchObject({ id, dailyDiners: DINERS });
      expect(data.recordFacilityDiners.dinerMonths).toHaveLength(12);
      expect(changes(before, after)).toEqual({ facility: [id], facility_diners: [`${id} 2024-06`] });
      expect(after.facility_diners[`${id} 2024-06`]).toMatchObject({ diners: DINERS });
    },
  },
  {
    field: 'designateVillageFacility',
    type: 'Mutation',
    label: 'designateVillageFacility(from 2025-01) of a center in a village below the target',
    gate: Capability.MANAGE_FACILITIES,
    write: true,
    // Within the home subtree, B's center in 东苑社区; beyond it, A's facility at the target, refused before its place is judged.
    request: (node) => ({
      query: `mutation($id: ID!) { designateVillageFacility(facilityId: $id, fromMonth: "2025-01") { village { code } fromMonth facility { id } } }`,
      variables: { id: idOf(node.startsWith(HOME) ? FACILITY_OF_B : facilityAt(node)) },
    }),
    verify: (_node, { data, before, after }) => {
      const id = idOf(FACILITY_OF_B);
      expect(data.designateVillageFacility).toEqual({ village: { code: FACILITY_OF_B.code }, fromMonth: '2025-01', facility: { id } });
      const key = `${jurisdictionIds.get(FACILITY_OF_B.code)} 2025-01`;
      expect(changes(before, after)).toEqual({ village_facility_designation: [key] });
      expect(after.village_facility_designation[key]).toMatchObject({ facility_id: Number(id) });
    },
  },
  {
    field: 'subsidies',
    type: 'Facility',
    root: 'facility',
    label: 'Facility.subsidies(year: 2024) of facility(id) at the target',
    gate: Capability.READ_FACILITY_SUBSIDIES,
    facility: true,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) {
        facility(id: $id) {
          id
          subsidies(year: 2024) {
            year countedThrough operatingDays dailyDiners amountFen
            schemes { scheme { id jurisdiction { code } } status amountFen lines { month amountFen } }
            shares { level funder { code } amountFen }
          }
        }
      }`,
      variables: { id: idOf(facilityAt(node)) },
    }),
    verify: (node, { data }) => {
      // OPERATING with day care from SINCE (1 March 2024): 306 days of 2024, at least 260, so every
      // operating scheme on the facility's path pays 50 元 × 12 diners for each month from March, all
      // of it by the level that set it.
      const months = ['03', '04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m) => `2024-${m}`);
      const monthly = FACILITY_TIER.amountFen * DINERS;
      const applying = setAtOrAbove(facilitySchemes, node);
      expect(data.facility).toEqual({
        id: idOf(facilityAt(node)),
        subsidies: {
          year: 2024,
          countedThrough: '2024-12-31',
          operatingDays: 306,
          dailyDiners: DINERS,
          amountFen: monthly * months.length * applying.length,
          schemes: applying.map((s) => ({
            scheme: { id: s.id, jurisdiction: { code: s.code } },
            status: 'APPLIED',
            amountFen: monthly * months.length,
            lines: months.map((month) => ({ month, amountFen: monthly })),
          })),
          shares: applying.map((s) => ({ level: levelOfCode(s.code), funder: { code: s.code }, amountFen: monthly * months.length })),
        },
      });
    },
  },
  {
    field: 'facilitySubsidyPayments',
    type: 'Query',
    label: 'facilitySubsidyPayments(the facility A operates at the target, 2023)',
    gate: Capability.READ_FACILITY_SUBSIDIES,
    facility: true,
    write: false,
    request: (node) => ({
      query: `query($facility: ID!) { facilitySubsidyPayments(facility: $facility, year: 2023) { id facilityId year amountFen state shares { code amountFen } } }`,
      variables: { facility: idOf(facilityAt(node)) },
    }),
    verify: (node, { data }) => {
      const facilityId = idOf(facilityAt(node));
      expect(data.facilitySubsidyPayments).toEqual([
        { id: fixturePayments.get(node), facilityId, year: 2023, amountFen: PAYMENT_FEN, state: 'PROPOSED', shares: [{ code: node, amountFen: PAYMENT_FEN }] },
      ]);
    },
  },
  {
    field: 'proposeFacilitySubsidyPayment',
    type: 'Mutation',
    label: 'proposeFacilitySubsidyPayment(the facility A operates at the target, 2024: all it is due)',
    gate: Capability.PREPARE_SETTLEMENTS,
    facility: true,
    write: true,
    request: (node) => ({
      query: `mutation($facility: ID!) { proposeFacilitySubsidyPayment(facility: $facility, year: 2024) { id year amountFen state shares { code amountFen } } }`,
      variables: { facility: idOf(facilityAt(node)) },
    }),
    verify: (node, { data, before, after }) => {
      // What Facility.subsidies(year: 2024) says it is due: each scheme on its path, 10 months of 50 元 × 12 diners, by the level that set it.
      const due = FACILITY_TIER.amountFen * DINERS * 10;
      const applying = setAtOrAbove(facilitySchemes, node);
      const added = addedRow('facility_subsidy_payment', before, after);
      expect(data.proposeFacilitySubsidyPayment).toEqual({
        id: String(added.id),
        year: 2024,
        amountFen: due * applying.length,
        state: 'PROPOSED',
        shares: applying.map((s) => ({ code: s.code, amountFen: due })),
      });
      const changed = changes(before, after);
      expect(Object.keys(changed).sort()).toEqual(['facility_subsidy_payment', 'facility_subsidy_payment_share']);
      expect(changed.facility_subsidy_payment_share).toHaveLength(applying.length);
    },
  },
  {
    field: 'decideFacilitySubsidyPayment',
    type: 'Mutation',
    label: 'decideFacilitySubsidyPayment(approve the payment proposed for the facility A operates at the target)',
    gate: Capability.APPROVE_SETTLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { decideFacilitySubsidyPayment(id: $id, approve: true, note: "核对无误") { id state amountFen postingId } }`,
      variables: { id: fixturePayments.get(node)! },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixturePayments.get(node)!;
      const posting = addedRow('ledger_posting', before, after);
      expect(data.decideFacilitySubsidyPayment).toEqual({ id, state: 'APPROVED', amountFen: PAYMENT_FEN, postingId: String(posting.id) });
      expect(posting).toMatchObject({ cause: 'FACILITY_SUBSIDY', facility_id: Number(idOf(facilityAt(node))), village_code: node });
      const changed = changes(before, after);
      // The node's FUNDER and PAYABLE accounts are made if missing (a balance of neither is kept on the row).
      expect(Object.keys(changed).filter((table) => table !== 'ledger_account').sort()).toEqual(['facility_subsidy_payment', 'ledger_figure', 'ledger_line', 'ledger_posting']);
      expect(changed.facility_subsidy_payment).toEqual([id]);
      // The node's budget (FUNDER) and what it owes the operator (PAYABLE): one line each, summing to zero.
      expect(changed.ledger_line).toHaveLength(2);
    },
  },
  {
    field: 'coverage',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.coverage of jurisdiction(code: target)',
    gate: Capability.READ_COVERAGE,
    write: false,
    request: (node) => ({
      query: `query($code: String!) { jurisdiction(code: $code) { coverage(metric: ${METRIC}) { numerator denominator rate asOf } } }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      const today = todayInChina();
      expect(data.jurisdiction.coverage).toEqual({ ...figureOf(node, today), asOf: today });
    },
  },
  {
    field: 'childCoverage',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.childCoverage of jurisdiction(code: target)',
    gate: Capability.READ_COVERAGE,
    write: false,
    request: (node) => ({
      query: `query($code: String!) {
        jurisdiction(code: $code) {
          childCoverage(metric: ${METRIC}, order: CODE, first: 50) { totalCount edges { node { jurisdiction { code } numerator denominator rate } } }
        }
      }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      const today = todayInChina();
      const children = TREE_CODES.filter((code) => parentCodeOf(code) === node).sort();
      expect(data.jurisdiction.childCoverage.edges.map((e: any) => e.node)).toEqual(
        children.map((code) => ({ jurisdiction: { code }, ...figureOf(code, today) })),
      );
      expect(data.jurisdiction.childCoverage.totalCount).toBe(children.length);
    },
  },
  {
    field: 'coverageTrend',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.coverageTrend of jurisdiction(code: target)',
    gate: Capability.READ_COVERAGE,
    write: false,
    request: (node) => ({
      query: `query($code: String!, $from: Date!, $to: Date!) {
        jurisdiction(code: $code) { coverageTrend(metric: ${METRIC}, from: $from, to: $to) { asOf numerator denominator } }
      }`,
      variables: { code: node, from: TREND.from, to: TREND.to },
    }),
    verify: (node, { data }) => {
      // Month ends from January to March, then `to`; the meal village is covered from SINCE (1 March).
      expect(data.jurisdiction.coverageTrend).toEqual(
        TREND.points.map((day) => ({ asOf: day, numerator: figureOf(node, day).numerator, denominator: figureOf(node, day).denominator })),
      );
    },
  },
  {
    field: 'facilityStats',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.facilityStats of jurisdiction(code: target)',
    gate: Capability.READ_COVERAGE,
    write: false,
    request: (node) => ({
      query: `query($code: String!) {
        jurisdiction(code: $code) { facilityStats { byTypeAndStatus { type status count } operating: count(status: OPERATING) beds { total nursing dementia } } }
      }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      // Aggregates of every facility of the subtree, whoever operates it: all are OPERATING INSTITUTIONs.
      const below = FIXTURE_FACILITIES.filter((f) => f.code.startsWith(node));
      const sum = (pick: (f: FixtureFacility) => number) => below.reduce((total, f) => total + pick(f), 0);
      expect(data.jurisdiction.facilityStats).toEqual({
        byTypeAndStatus: below.length > 0 ? [{ type: 'INSTITUTION', status: 'OPERATING', count: below.length }] : [],
        operating: below.length,
        beds: { total: sum((f) => f.beds.total), nursing: sum((f) => f.beds.nursing), dementia: sum((f) => f.beds.dementia) },
      });
    },
  },
  {
    field: 'peopleCounts',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.peopleCounts of jurisdiction(code: target)',
    gate: Capability.READ_PEOPLE_COUNTS,
    write: false,
    request: (node) => ({
      query: `query($code: String!) {
        jurisdiction(code: $code) {
          peopleCounts { total byAgeBand { band count } byAbility { level count } byCategory { category count } }
          past: peopleCounts(asOf: "2010-01-01") { asOf total byAgeBand { band count } }
        }
      }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      // Everyone living below the node, whoever may read them one by one: 86 today, 69 in 2010, none assessed, in no category.
      const n = FIXTURE_PEOPLE.filter((p) => p.village.startsWith(node)).length;
      const bands = (band: string) => ['UNDER_60', 'AGE_60_69', 'AGE_70_79', 'AGE_80_89', 'AGE_90_99', 'AGE_100_PLUS'].map((b) => ({ band: b, count: b === band ? n : 0 }));
      expect(data.jurisdiction.peopleCounts).toEqual({
        total: n,
        byAgeBand: bands('AGE_80_89'),
        byAbility: ['INTACT', 'MILD', 'MODERATE', 'SEVERE', 'DEMENTIA', 'NOT_ASSESSED'].map((level) => ({ level, count: level === 'NOT_ASSESSED' ? n : 0 })),
        byCategory: expect.arrayContaining([{ category: 'MINIMUM_LIVING_ALLOWANCE', count: 0 }]),
      });
      expect(data.jurisdiction.peopleCounts.byCategory.every((c: any) => c.count === 0)).toBe(true);
      expect(data.jurisdiction.past).toEqual({ asOf: '2010-01-01', total: n, byAgeBand: bands('AGE_60_69') });
    },
  },
  {
    field: 'elderlyPopulation',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.elderlyPopulation(year) of jurisdiction(code: target)',
    // Nullable (null when nothing is recorded): a refusal nulls the field, not the jurisdiction, and says why.
    refused: (data) => data?.jurisdiction?.elderlyPopulation,
    gate: Capability.READ_PEOPLE_COUNTS,
    write: false,
    request: (node) => ({
      query: `query($code: String!, $year: Int!) { jurisdiction(code: $code) { elderlyPopulation(year: $year) { year aged60Plus aged80Plus basis complete source } } }`,
      variables: { code: node, year: POPULATION.year },
    }),
    verify: (node, { data }) => {
      // Every target node has its own figure for the year.
      expect(data.jurisdiction.elderlyPopulation).toEqual({ year: POPULATION.year, ...populationAt(node), basis: 'RECORDED', complete: true, source: POPULATION.source });
    },
  },
  {
    field: 'recordElderlyPopulation',
    type: 'Mutation',
    label: 'recordElderlyPopulation(code: target, the fixture’s year)',
    gate: Capability.RECORD_POPULATION,
    write: true,
    request: (node) => ({
      query: `mutation($code: String!, $year: Int!) {
        recordElderlyPopulation(code: $code, year: $year, aged60Plus: 4321, aged80Plus: 321, source: "公安户籍") { jurisdiction { code } aged60Plus aged80Plus basis source }
      }`,
      variables: { code: node, year: POPULATION.year },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.recordElderlyPopulation).toEqual({ jurisdiction: { code: node }, aged60Plus: 4321, aged80Plus: 321, basis: 'RECORDED', source: '公安户籍' });
      // The fixture's row is superseded (kept), the new one replaces it.
      const added = addedRow('elderly_population', before, after);
      const old = Object.keys(before.elderly_population).find((key) => before.elderly_population[key].jurisdiction_id === jurisdictionIds.get(node))!;
      expect(changes(before, after)).toEqual({ elderly_population: [old, String(added.id)].sort() });
      expect(added).toMatchObject({ year: POPULATION.year, aged_60_plus: 4321, aged_80_plus: 321, supersedes: Number(old), superseded_at: null });
      expect(after.elderly_population[old].superseded_at).not.toBeNull();
    },
  },
  {
    field: 'importElderlyPopulation',
    type: 'Mutation',
    label: 'importElderlyPopulation(one row at the target)',
    gate: Capability.RECORD_POPULATION,
    refusal: 'OUT_OF_SCOPE',
    write: true,
    request: (node) => ({
      query: `mutation($csv: String!) { importElderlyPopulation(csv: $csv) { rows recorded rejectedRows rejected { line field code } } }`,
      variables: { csv: `code,year,aged60Plus,aged80Plus,source\n${node},${POPULATION.year},4321,321,公安户籍\n` },
    }),
    verify: (node, { data, outcome, before, after }) => {
      if (outcome === 'OUT_OF_SCOPE') {
        expect(data.importElderlyPopulation).toEqual({ rows: 1, recorded: 0, rejectedRows: 1, rejected: [{ line: 2, field: 'code', code: 'OUT_OF_SCOPE' }] });
        return;
      }
      expect(data.importElderlyPopulation).toEqual({ rows: 1, recorded: 1, rejectedRows: 0, rejected: [] });
      const added = addedRow('elderly_population', before, after);
      expect(added).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node), year: POPULATION.year, aged_60_plus: 4321, aged_80_plus: 321, source: '公安户籍', superseded_at: null });
      expect(Object.keys(changes(before, after))).toEqual(['elderly_population']);
    },
  },
  // People: a caller reaches those living in villages of the subtree; a person out of reach, like a
  // village code out of the subtree, is FORBIDDEN.
  {
    field: 'person',
    type: 'Query',
    label: 'person(id) of the person living below the target',
    gate: Capability.READ_PEOPLE,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) { person(id: $id) { id name nationalId phone village { code } status } }`,
      variables: { id: personIdOf(personAt(node)) },
    }),
    verify: (node, { data }) => {
      // Masked, since unmasked was not asked for (so nothing to audit, and no row written).
      const person = personAt(node);
      expect(data.person).toEqual({
        id: personIdOf(person),
        name: person.name,
        nationalId: maskedId(person.nationalId),
        phone: `${PERSON_PHONE.slice(0, 3)}****${PERSON_PHONE.slice(7)}`,
        village: { code: person.village },
        status: 'ACTIVE',
      });
    },
  },
  {
    field: 'people',
    type: 'Query',
    label: 'people(under)',
    gate: Capability.READ_PEOPLE,
    write: false,
    request: (node) => ({
      query: `query($under: String) { people(under: $under, first: 50) { totalCount edges { node { id village { code } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      // Everyone living at or below the node, in registration order.
      const living = FIXTURE_PEOPLE.filter((p) => p.village.startsWith(node));
      expect(data.people.edges.map((e: any) => e.node)).toEqual(living.map((p) => ({ id: personIdOf(p), village: { code: p.village } })));
      expect(data.people.totalCount).toBe(living.length);
    },
  },
  {
    field: 'registerPerson',
    type: 'Mutation',
    label: 'registerPerson(villageCode: the village below the target)',
    gate: Capability.EDIT_PEOPLE,
    write: true,
    request: (node) => ({
      query: `mutation($input: RegisterPersonInput!) {
        registerPerson(input: $input) { name sex birthDate nationalId village { code } hukou { code } status }
      }`,
      variables: { input: { nationalId: newNationalId(node), name: NEW_PERSON, villageCode: VILLAGE_OF[node], hukouCode: VILLAGE_OF[node] } },
    }),
    verify: (node, { data, before, after }) => {
      const village = VILLAGE_OF[node];
      // Birth date and sex come from the ID: born 1 June 1945 (stored, answered only unmasked), an even sequence number (a woman).
      expect(data.registerPerson).toEqual({
        name: NEW_PERSON,
        sex: 'FEMALE',
        birthDate: null,
        nationalId: maskedId(newNationalId(node)),
        village: { code: village },
        hukou: { code: village },
        status: 'ACTIVE',
      });
      // Counted from today, the day registered (no residence day given): 81, not assessed.
      const counts = countMoves(todayInChina(), ['total', 'age:AGE_80_89', 'ability:NOT_ASSESSED'], null, village);
      expect(changes(before, after)).toEqual({ person: [expect.any(String)], people_counts: Object.keys(counts).sort() });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(addedRow('person', before, after)).toMatchObject({
        national_id: newNationalId(node),
        name: NEW_PERSON,
        sex: 'FEMALE',
        birth_date: '1945-06-01',
        village_id: jurisdictionIds.get(village),
        hukou_jurisdiction_id: jurisdictionIds.get(village),
        status: 'ACTIVE',
      });
    },
  },
  {
    field: 'importPeople',
    type: 'Mutation',
    label: 'importPeople(one row in the village below the target)',
    gate: Capability.EDIT_PEOPLE,
    refusal: 'OUT_OF_SCOPE',
    write: true,
    request: (node) => ({
      query: `mutation($input: ImportPeopleInput!) {
        importPeople(input: $input) { dryRun rows imported rejectedRows rejected { line field code } }
      }`,
      variables: {
        input: { csv: `nationalId,name,villageCode,hukouCode\n${newNationalId(node)},${NEW_PERSON},${VILLAGE_OF[node]},${VILLAGE_OF[node]}\n` },
      },
    }),
    verify: (node, { data, outcome, before, after }) => {
      if (outcome === 'OUT_OF_SCOPE') {
        // The header is line 1: the one row, on line 2, names a village outside the subtree.
        expect(data.importPeople).toEqual({
          dryRun: false,
          rows: 1,
          imported: 0,
          rejectedRows: 1,
          rejected: [{ line: 2, field: 'villageCode', code: 'OUT_OF_SCOPE' }],
        });
        return;
      }
      const village = VILLAGE_OF[node];
      expect(data.importPeople).toEqual({ dryRun: false, rows: 1, imported: 1, rejectedRows: 0, rejected: [] });
      // The same person registerPerson would add: born 1 June 1945, a woman (an even sequence number),
      // counted as registerPerson counts her, from today (no residence day given): 81, not assessed.
      const counts = countMoves(todayInChina(), ['total', 'age:AGE_80_89', 'ability:NOT_ASSESSED'], null, village);
      expect(changes(before, after)).toEqual({ person: [expect.any(String)], people_counts: Object.keys(counts).sort() });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(addedRow('person', before, after)).toMatchObject({
        national_id: newNationalId(node),
        name: NEW_PERSON,
        sex: 'FEMALE',
        birth_date: '1945-06-01',
        village_id: jurisdictionIds.get(village),
        hukou_jurisdiction_id: jurisdictionIds.get(village),
        status: 'ACTIVE',
      });
    },
  },
  {
    field: 'updatePerson',
    type: 'Mutation',
    label: 'updatePerson(name, phone, address) of the person living below the target',
    gate: Capability.EDIT_PEOPLE,
    write: true,
    request: (node) => {
      const person = personAt(node);
      return {
        query: `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id name village { code } } }`,
        variables: {
          id: personIdOf(person),
          input: { name: `${person.name}(更正)`, hukouCode: person.village, residentSince: '2000-01-01', phone: NEW_PHONE, address: NEW_ADDRESS },
        },
      };
    },
    verify: (node, { data, before, after }) => {
      const person = personAt(node);
      const id = personIdOf(person);
      expect(data.updatePerson).toEqual({ id, name: `${person.name}(更正)`, village: { code: person.village } });
      expect(changes(before, after)).toEqual({ person: [id] });
      // The facts are replaced; identity and village stay.
      expect(after.person[id]).toMatchObject({
        name: `${person.name}(更正)`,
        phone: NEW_PHONE,
        address: NEW_ADDRESS,
        national_id: person.nationalId,
        birth_date: PERSON_BIRTH,
        village_id: jurisdictionIds.get(person.village),
      });
    },
  },
  {
    field: 'updatePerson',
    type: 'Mutation',
    label: 'updatePerson(villageCode: the village below the target) of a person of the subtree',
    gate: Capability.EDIT_PEOPLE,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $input: UpdatePersonInput!) { updatePerson(id: $id, input: $input) { id name village { code } } }`,
      variables: {
        id: personIdOf(MOVING_PERSON),
        input: {
          name: MOVING_PERSON.name,
          hukouCode: MOVING_PERSON.village,
          residentSince: '2000-01-01',
          phone: PERSON_PHONE,
          address: PERSON_ADDRESS,
          villageCode: VILLAGE_OF[node],
        },
      },
    }),
    verify: (node, { data, before, after }) => {
      const id = personIdOf(MOVING_PERSON);
      expect(data.updatePerson).toEqual({ id, name: MOVING_PERSON.name, village: { code: VILLAGE_OF[node] } });
      // The person's figures move with him, on every day.
      const counts = Object.assign({}, ...peopleDays().map((day) => countMoves(day, FIXTURE_PERSON_KEYS, MOVING_PERSON.village, VILLAGE_OF[node])));
      // The move is kept, for the re-review of the person's enrolments.
      const move = addedRow('person_move', before, after);
      expect(changes(before, after)).toEqual({ person: [id], people_counts: Object.keys(counts).sort(), person_move: [String(move.id)] });
      expect(move).toMatchObject({ person_id: Number(id), kind: 'RESIDENCE', from_id: jurisdictionIds.get(MOVING_PERSON.village), to_id: jurisdictionIds.get(VILLAGE_OF[node]) });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(after.person[id]).toMatchObject({
        village_id: jurisdictionIds.get(VILLAGE_OF[node]),
        hukou_jurisdiction_id: jurisdictionIds.get(MOVING_PERSON.village),
      });
    },
  },
  {
    field: 'setPersonCategories',
    type: 'Mutation',
    label: 'setPersonCategories(MINIMUM_LIVING_ALLOWANCE) of the person living below the target',
    gate: Capability.EDIT_PEOPLE,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) {
        setPersonCategories(id: $id, categories: [{ category: MINIMUM_LIVING_ALLOWANCE }]) { id categories { category disabilityGrade validFrom validTo } }
      }`,
      variables: { id: personIdOf(personAt(node)) },
    }),
    verify: (node, { data, before, after }) => {
      const id = personIdOf(personAt(node));
      const today = todayInChina();
      // The person had no category: one opens today.
      expect(data.setPersonCategories).toEqual({
        id,
        categories: [{ category: 'MINIMUM_LIVING_ALLOWANCE', disabilityGrade: null, validFrom: today, validTo: null }],
      });
      const counts = countMoves(today, ['category:MINIMUM_LIVING_ALLOWANCE'], null, personAt(node).village);
      expect(changes(before, after)).toEqual({ person_category: [expect.any(String)], people_counts: Object.keys(counts).sort() });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(addedRow('person_category', before, after)).toMatchObject({
        person_id: Number(id),
        category: 'MINIMUM_LIVING_ALLOWANCE',
        disability_grade: null,
        valid_from: today,
        valid_to: null,
      });
    },
  },
  {
    field: 'recordPersonStatus',
    type: 'Mutation',
    label: 'recordPersonStatus(DECEASED, today) of the person living below the target',
    gate: Capability.EDIT_PEOPLE,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $on: Date) { recordPersonStatus(id: $id, status: DECEASED, on: $on) { id status statusSince } }`,
      variables: { id: personIdOf(personAt(node)), on: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      const id = personIdOf(personAt(node));
      const today = todayInChina();
      expect(data.recordPersonStatus).toEqual({ id, status: 'DECEASED', statusSince: today });
      // Not counted from the day he died.
      const counts = countMoves(today, FIXTURE_PERSON_KEYS, personAt(node).village, null);
      // His open cases close with the reason, each with a CLOSE entry in its history.
      const { enrolment, ...open } = fixtureCases.get(node)!;
      const cases = Object.values(open).sort();
      const { application_history: closed, ...changed } = changes(before, after);
      // And his enrolment ends: the scheme stops in the month of the event, so the month before is the last paid.
      expect(changed).toEqual({ person: [id], people_counts: Object.keys(counts).sort(), application_case: cases, enrolment: [enrolment] });
      expect(after.enrolment[enrolment]).toMatchObject({ end_reason: 'DECEASED', ended_on: today, until_month: `${addMonths(today.slice(0, 7), -1)}-01` });
      expect(closed).toHaveLength(cases.length);
      for (const c of cases) expect(after.application_case[c]).toMatchObject({ state: 'CLOSED', closed_reason: 'DECEASED', step_position: null });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(after.person[id]).toMatchObject({ status: 'DECEASED', status_since: today });
    },
  },
  {
    field: 'recordAbilityAssessment',
    type: 'Mutation',
    label: 'recordAbilityAssessment(MODERATE) of the person living below the target',
    gate: Capability.ASSESS_PEOPLE,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $input: AssessmentInput!) {
        recordAbilityAssessment(personId: $id, input: $input) { id assessments { level assessedOn validUntil assessor } }
      }`,
      variables: { id: personIdOf(personAt(node)), input: { level: 'MODERATE', assessedOn: '2025-03-15', assessor: ASSESSOR } },
    }),
    verify: (node, { data, before, after }) => {
      const id = personIdOf(personAt(node));
      // Valid six months by default: up to the day before 15 September.
      expect(data.recordAbilityAssessment).toEqual({
        id,
        assessments: [{ level: 'MODERATE', assessedOn: '2025-03-15', validUntil: '2025-09-14', assessor: ASSESSOR }],
      });
      // MODERATE from 15 March to 14 September 2025: on the past day, not today.
      const village = personAt(node).village;
      const counts = { ...countMoves(PEOPLE_DAYS.past, ['ability:NOT_ASSESSED'], village, null), ...countMoves(PEOPLE_DAYS.past, ['ability:MODERATE'], null, village) };
      expect(changes(before, after)).toEqual({ ability_assessment: [expect.any(String)], people_counts: Object.keys(counts).sort() });
      expect(peopleCountDeltas(before, after)).toEqual(counts);
      expect(addedRow('ability_assessment', before, after)).toMatchObject({
        person_id: Number(id),
        level: 'MODERATE',
        assessed_on: '2025-03-15',
        valid_until: '2025-09-14',
        assessor: ASSESSOR,
      });
    },
  },
  {
    field: 'entitlement',
    type: 'Query',
    label: 'entitlement(personId, this month) of the person living below the target',
    gate: Capability.READ_ENTITLEMENTS,
    write: false,
    request: (node) => ({
      query: `query($id: ID!, $month: Month!) {
        entitlement(personId: $id, month: $month) {
          person { id } month amountFen
          schemes { scheme { id jurisdiction { code } } status amountFen }
          shares { level funder { code } amountFen }
        }
      }`,
      variables: { id: personIdOf(personAt(node)), month: thisMonthInChina() },
    }),
    verify: (node, { data }) => {
      const person = personAt(node);
      // Every scheme set on the village's path applies, wherever it was set: the person is over 60, the
      // tier meets the floors, no exclusion group; each pays its tier, all of it by the level that set it.
      const applying = setAtOrAbove(schemes, person.village);
      expect(data.entitlement).toEqual({
        person: { id: personIdOf(person) },
        month: thisMonthInChina(),
        amountFen: TIER.amountFen * applying.length,
        schemes: applying.map((s) => ({ scheme: { id: s.id, jurisdiction: { code: s.code } }, status: 'APPLIED', amountFen: TIER.amountFen })),
        shares: applying.map((s) => ({ level: levelOfCode(s.code), funder: { code: s.code }, amountFen: TIER.amountFen })),
      });
    },
  },
  // The monthly entitlement run: made by a CIVIL_AFFAIRS_ADMIN for a node of the subtree; what runs
  // stored is read (READ_SUBSIDY_TOTALS) on a Jurisdiction the caller reaches, like coverage.
  {
    field: 'runEntitlements',
    type: 'Mutation',
    label: `runEntitlements(code: target, month: ${RUN_MONTH})`,
    gate: Capability.RUN_ENTITLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($code: String!, $month: Month!) {
        runEntitlements(code: $code, month: $month) { id jurisdiction { code } month people recipients lines replacedLines amountFen }
      }`,
      variables: { code: node, month: RUN_MONTH },
    }),
    verify: (node, { data, role, before, after }) => {
      // 江都区: 王一 (the schemes of 扬州市 and 江都区), 王二 and 李六 (those and 仙女镇's): 3 people, 8 lines,
      // 400 元. 仙女镇: 王二 and 李六, 6 lines, 300 元. Nothing was stored for the month: no line replaced.
      const figures = runFigures(node);
      const run = addedRow('entitlement_run', before, after);
      expect(data.runEntitlements).toEqual({ id: String(run.id), jurisdiction: { code: node }, month: RUN_MONTH, ...figures });
      const tierOf = (scheme: FixturePolicy) => Object.values(before.subsidy_tier).find((tier) => tier.version_id === Number(scheme.versionId)).id;
      const lines = Object.fromEntries(
        livingUnder(node).flatMap((person) =>
          payingSchemes(person).map((scheme) => [
            `${RUN_MONTH} ${personIdOf(person)} ${scheme.id}`,
            {
              month: `${RUN_MONTH}-01`,
              person_id: Number(personIdOf(person)),
              scheme_id: Number(scheme.id),
              version_id: Number(scheme.versionId),
              village_id: jurisdictionIds.get(person.village),
              run_id: run.id,
              tier_ids: [tierOf(scheme)],
              amount_fen: TIER.amountFen,
              ...sharesOf(scheme.code, TIER.amountFen),
            },
          ]),
        ),
      );
      const totals = Object.fromEntries(
        Object.entries(totalsOfRun(node)).map(([key, total]) => {
          const [code, schemeId] = key.split(' ');
          return [`${RUN_MONTH} ${key}`, { month: `${RUN_MONTH}-01`, node_id: jurisdictionIds.get(code), scheme_id: Number(schemeId), ...total }];
        }),
      );
      expect(changes(before, after)).toEqual({
        entitlement_run: [String(run.id)],
        entitlement_line: Object.keys(lines).sort(),
        entitlement_total: Object.keys(totals).sort(),
      });
      expect(run).toMatchObject({
        jurisdiction_id: jurisdictionIds.get(node),
        month: `${RUN_MONTH}-01`,
        started_by: actors.get(role!)!.id,
        people: figures.people,
        recipients: figures.recipients,
        lines: figures.lines,
        replaced_lines: 0,
        amount_fen: figures.amountFen,
      });
      expect(run.finished_at).not.toBeNull();
      const stored = (table: 'entitlement_line' | 'entitlement_total', keys: string[]) => Object.fromEntries(keys.map((key) => [key, after[table][key]]));
      expect(stored('entitlement_line', Object.keys(lines))).toEqual(lines);
      expect(stored('entitlement_total', Object.keys(totals))).toEqual(totals);
    },
  },
  {
    field: 'subsidyTotals',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: `Jurisdiction.subsidyTotals(month: ${STORED_MONTH}) of jurisdiction(code: target)`,
    gate: Capability.READ_SUBSIDY_TOTALS,
    write: false,
    request: (node) => ({
      query: `query($code: String!, $month: Month!, $unrun: Month!) {
        jurisdiction(code: $code) {
          subsidyTotals(month: $month) {
            month recipients amountFen funders { level amountFen }
            schemes { schemeId name kind jurisdiction { code } recipients amountFen funders { level amountFen } }
          }
          unrun: subsidyTotals(month: $unrun) { month recipients amountFen funders { level amountFen } schemes { schemeId } }
        }
      }`,
      variables: { code: node, month: STORED_MONTH, unrun: RUN_MONTH },
    }),
    verify: (node, { data }) => {
      // What the fixture's run over the node's province stored. 江都区: 3 recipients, 400 元 (150 from
      // 扬州市, 150 from 江都区, 100 from 仙女镇); 仙女镇: 2, 300 元 (100 from each). Zero for a month not run.
      const stored = totalsOfRun(pathCodes(node)[0]);
      const all = stored[`${node} 0`];
      const paying = [...schemes.values()].filter((s) => `${node} ${s.id}` in stored).sort((a, b) => Number(a.id) - Number(b.id));
      expect(data.jurisdiction).toEqual({
        subsidyTotals: {
          month: STORED_MONTH,
          recipients: all.recipients,
          amountFen: all.amount_fen,
          funders: fundersOf(all),
          schemes: paying.map((s) => {
            const total = stored[`${node} ${s.id}`];
            return {
              schemeId: s.id,
              name: schemeNameAt(s.code),
              kind: SCHEME_KIND,
              jurisdiction: { code: s.code },
              recipients: total.recipients,
              amountFen: total.amount_fen,
              funders: fundersOf(total),
            };
          }),
        },
        unrun: { month: RUN_MONTH, recipients: 0, amountFen: 0, funders: [], schemes: [] },
      });
    },
  },
  {
    field: 'entitlementRuns',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: `Jurisdiction.entitlementRuns(month: ${STORED_MONTH}) of jurisdiction(code: target)`,
    gate: Capability.READ_SUBSIDY_TOTALS,
    write: false,
    request: (node) => ({
      query: `query($code: String!, $month: Month!, $unrun: Month!) {
        jurisdiction(code: $code) {
          entitlementRuns(month: $month) { id jurisdiction { code } month people recipients lines replacedLines amountFen }
          unrun: entitlementRuns(month: $unrun) { id }
        }
      }`,
      variables: { code: node, month: STORED_MONTH, unrun: RUN_MONTH },
    }),
    verify: (node, { data }) => {
      // The fixture's runs made at, above or below the node, latest first (they were made in RUN_ROOTS
      // order): in 江苏 the run over 32 (5 people, 12 lines, 600 元), not 北京's. None for a month not run.
      const reaching = RUN_ROOTS.filter((root) => node.startsWith(root) || root.startsWith(node)).reverse();
      expect(data.jurisdiction).toEqual({
        entitlementRuns: reaching.map((root) => ({ id: fixtureRuns.get(root), jurisdiction: { code: root }, month: STORED_MONTH, ...runFigures(root) })),
        unrun: [],
      });
    },
  },
  // Subsidy policies: read where they apply (set in the subtree, or above the home: rules set higher up
  // bind below); managed only where set in the subtree.
  {
    field: 'subsidySchemes',
    type: 'Query',
    label: 'subsidySchemes(at: target)',
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({
      query: `query($at: String) {
        subsidySchemes(at: $at) { id name kind jurisdiction { code } inForce { fromMonth toMonth funding { level weight } tiers { name amountFen minAge } } }
      }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      // The node's own schemes and those set above it, even above the caller's home: at each node the
      // person scheme, then the facility scheme set after it.
      const funding = (code: string) => [{ level: levelOfCode(code), weight: 1 }];
      expect(data.subsidySchemes).toEqual(
        setAtOrAbove(schemes, node).flatMap((s) => [
          {
            id: s.id,
            name: schemeNameAt(s.code),
            kind: SCHEME_KIND,
            jurisdiction: { code: s.code },
            inForce: { fromMonth: POLICY_SINCE, toMonth: null, funding: funding(s.code), tiers: [TIER] },
          },
          {
            id: facilitySchemes.get(s.code)!.id,
            name: facilitySchemeNameAt(s.code),
            kind: FACILITY_KIND,
            jurisdiction: { code: s.code },
            inForce: { fromMonth: POLICY_SINCE, toMonth: null, funding: funding(s.code), tiers: [{ name: FACILITY_TIER.name, amountFen: FACILITY_TIER.amountFen, minAge: null }] },
          },
        ]),
      );
    },
  },
  // Review procedures and intake windows: public rules read at a node of the subtree (inherited from
  // above), set only at nodes of the subtree.
  {
    field: 'reviewProcedure',
    type: 'Query',
    label: 'reviewProcedure(code: target)',
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({
      query: `query($code: String!) { reviewProcedure(code: $code, on: "2025-06-01") { inherited procedure { id name jurisdiction { code } steps { kind } } } }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      expect(data.reviewProcedure).toEqual({
        inherited: false,
        procedure: { id: fixtureProcedures.get(node), name: procedureNameAt(node), jurisdiction: { code: node }, steps: [{ kind: 'VILLAGE_REVIEW' }, { kind: 'TOWN_REVIEW' }] },
      });
    },
  },
  {
    field: 'reviewProcedures',
    type: 'Query',
    label: 'reviewProcedures(code: target)',
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({ query: `query($code: String) { reviewProcedures(code: $code) { id jurisdiction { code } } }`, variables: { code: node } }),
    verify: (node, { data }) => {
      const below = [...fixtureProcedures.entries()].filter(([code]) => code.startsWith(node)).sort(([a], [b]) => a.localeCompare(b));
      expect(data.reviewProcedures).toEqual(below.map(([code, id]) => ({ id, jurisdiction: { code } })));
    },
  },
  {
    field: 'intakeWindow',
    type: 'Query',
    label: 'intakeWindow(code: target)',
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({
      query: `query($code: String!) { intakeWindow(code: $code, on: "${WINDOW_YEAR}-02-01") { open window { id jurisdiction { code } opens closes } } }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      // Windows set above are open too; the node's own, the deepest, is the one answered.
      expect(data.intakeWindow).toEqual({ open: true, window: { id: fixtureWindows.get(node), jurisdiction: { code: node }, opens: `${WINDOW_YEAR}-01-01`, closes: `${WINDOW_YEAR}-06-30` } });
    },
  },
  {
    field: 'defineReviewProcedure',
    type: 'Mutation',
    label: 'defineReviewProcedure(jurisdictionCode: target, from today)',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: DefineProcedureInput!) { defineReviewProcedure(input: $input) { jurisdiction { code } name effectiveFrom effectiveTo steps { kind } } }`,
      variables: { input: { jurisdictionCode: node, effectiveFrom: todayInChina(), name: '新程序', source: '测试', steps: PROCEDURE_STEPS.map(({ position: _p, ...step }) => step) } },
    }),
    verify: (node, { data, before, after }) => {
      const today = todayInChina();
      expect(data.defineReviewProcedure).toEqual({ jurisdiction: { code: node }, name: '新程序', effectiveFrom: today, effectiveTo: null, steps: [{ kind: 'VILLAGE_REVIEW' }, { kind: 'TOWN_REVIEW' }] });
      const added = addedRow('review_procedure', before, after);
      expect(changes(before, after)).toEqual({ review_procedure: [fixtureProcedures.get(node)!, String(added.id)].sort() });
      expect(added).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node), effective_from: today, effective_to: null });
      expect(after.review_procedure[fixtureProcedures.get(node)!].effective_to).toBe(addDaysTo(today, -1));
    },
  },
  {
    field: 'endReviewProcedure',
    type: 'Mutation',
    label: 'endReviewProcedure(lastDay: today) of the procedure set at the target',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $last: Date!) { endReviewProcedure(id: $id, lastDay: $last) { id effectiveTo } }`,
      variables: { id: fixtureProcedures.get(node), last: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.endReviewProcedure).toEqual({ id: fixtureProcedures.get(node), effectiveTo: todayInChina() });
      expect(changes(before, after)).toEqual({ review_procedure: [fixtureProcedures.get(node)] });
    },
  },
  // Care rules: read by whoever reads cases at a node of the subtree (inherited from above), set by the
  // civil-affairs administration at nodes of the subtree; care plans of the people enrolled below a node.
  {
    field: 'careRules',
    type: 'Query',
    label: 'careRules(at: target, on: 2025-06-01)',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { careRules(at: $at, on: "2025-06-01") { inherited rules { id jurisdiction { code } rules { visitRules { visitsPerMonth } } } } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      expect(data.careRules).toEqual({ inherited: false, rules: { id: fixtureCareRules.get(node), jurisdiction: { code: node }, rules: { visitRules: [{ visitsPerMonth: node.length }] } } });
    },
  },
  {
    field: 'defineCareRules',
    type: 'Mutation',
    label: 'defineCareRules(jurisdictionCode: target, from today)',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: DefineCareRulesInput!) { defineCareRules(input: $input) { jurisdiction { code } name effectiveFrom effectiveTo rules { visitRules { visitsPerMonth } } } }`,
      variables: {
        input: { jurisdictionCode: node, effectiveFrom: todayInChina(), name: '新规则', source: '测试', rules: { ...careRulesAt(node), visitRules: [{ name: '高龄老人', minAge: 80, visitsPerMonth: 31 }] } },
      },
    }),
    verify: (node, { data, before, after }) => {
      const today = todayInChina();
      expect(data.defineCareRules).toEqual({ jurisdiction: { code: node }, name: '新规则', effectiveFrom: today, effectiveTo: null, rules: { visitRules: [{ visitsPerMonth: 31 }] } });
      const added = addedRow('care_rules', before, after);
      expect(changes(before, after)).toEqual({ care_rules: [fixtureCareRules.get(node)!, String(added.id)].sort() });
      expect(added).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node), effective_from: today, effective_to: null });
      expect(after.care_rules[fixtureCareRules.get(node)!].effective_to).toBe(addDaysTo(today, -1));
    },
  },
  {
    field: 'carePlan',
    type: 'Query',
    label: `carePlan of the person below the target for ${CARE_MONTH}`,
    gate: Capability.READ_CARE_PLANS,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) { carePlan(person: $id, month: "${CARE_MONTH}") { recipient { id name nationalId } village { code } rules { jurisdiction { code } } requirement { age visitsPerMonth } } }`,
      variables: { id: personIdOf(personAt(node)) },
    }),
    verify: (node, { data }) => {
      const person = personAt(node);
      expect(data.carePlan).toEqual({
        recipient: { id: personIdOf(person), name: person.name, nationalId: maskedId(person.nationalId) },
        village: { code: person.village },
        rules: { jurisdiction: { code: careRulesNodeOf(person.village) } },
        // Born 1940-03-01: 85 on 2025-06-30; 80 or older, so the rules' one visit rule applies.
        requirement: { age: 85, visitsPerMonth: careRulesNodeOf(person.village).length },
      });
    },
  },
  {
    field: 'carePlans',
    type: 'Query',
    label: `carePlans(under: target, month: ${CARE_MONTH})`,
    gate: Capability.READ_CARE_PLANS,
    write: false,
    request: (node) => ({
      query: `query($under: String) { carePlans(under: $under, month: "${CARE_MONTH}", first: 50) { totalCount edges { node { recipient { id } requirement { visitsPerMonth } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      // Everyone enrolled since ENROLLED_SINCE living at or below the node, by id.
      const people = [...new Set(Object.values(RELATIONS))].map(personAt).filter((p) => p.village.startsWith(node));
      const ids = people.map(personIdOf).sort((a, b) => Number(a) - Number(b));
      const visits = (id: string) => careRulesNodeOf(people.find((p) => personIdOf(p) === id)!.village).length;
      expect(data.carePlans).toEqual({ totalCount: ids.length, edges: ids.map((id) => ({ node: { recipient: { id }, requirement: { visitsPerMonth: visits(id) } } })) });
    },
  },
  {
    field: 'openIntakeWindow',
    type: 'Mutation',
    label: 'openIntakeWindow(jurisdictionCode: target)',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: OpenIntakeWindowInput!) { openIntakeWindow(input: $input) { jurisdiction { code } name opens closes } }`,
      variables: { input: { jurisdictionCode: node, name: '下半年集中申报', opens: `${WINDOW_YEAR}-07-01`, closes: `${WINDOW_YEAR}-12-31` } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.openIntakeWindow).toEqual({ jurisdiction: { code: node }, name: '下半年集中申报', opens: `${WINDOW_YEAR}-07-01`, closes: `${WINDOW_YEAR}-12-31` });
      const added = addedRow('intake_window', before, after);
      expect(changes(before, after)).toEqual({ intake_window: [String(added.id)] });
      expect(added).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node) });
    },
  },
  {
    field: 'closeIntakeWindow',
    type: 'Mutation',
    label: 'closeIntakeWindow(lastDay) of the window opened at the target',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { closeIntakeWindow(id: $id, lastDay: "${WINDOW_YEAR}-03-31") { id closes } }`,
      variables: { id: fixtureWindows.get(node) },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.closeIntakeWindow).toEqual({ id: fixtureWindows.get(node), closes: `${WINDOW_YEAR}-03-31` });
      expect(changes(before, after)).toEqual({ intake_window: [fixtureWindows.get(node)] });
    },
  },
  // Cases: read under READ_CASES in the subtree; filed and resubmitted under FILE_CASES; a step's action
  // needs the step's capability (REVIEW_CASES at the village steps) at a node of the subtree.
  {
    field: 'case',
    type: 'Query',
    label: 'case(id) at the village review, filed below the target',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { case(id: $id) { id state applicant { name } village { code } currentStep { position kind } } }`, variables: { id: fixtureCases.get(node)!.review } }),
    verify: (node, { data }) => {
      expect(data.case).toEqual({
        id: fixtureCases.get(node)!.review,
        state: 'IN_REVIEW',
        applicant: { name: personAt(node).name },
        village: { code: personAt(node).village },
        currentStep: { position: 1, kind: 'VILLAGE_REVIEW' },
      });
    },
  },
  {
    field: 'cases',
    type: 'Query',
    label: 'cases(under: target)',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({ query: `query($under: String) { cases(under: $under, first: 50) { totalCount edges { node { id } } } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      // Due on the same day but the returned ones (no due date, last): by due date, then id.
      const ids = casesUnder(node);
      const dated = ids.filter((id) => ![...fixtureCases.values()].some((c) => c.returned === id || c.assessment === id)).sort((a, b) => Number(a) - Number(b));
      const undated = ids.filter((id) => !dated.includes(id)).sort((a, b) => Number(a) - Number(b));
      expect(data.cases).toEqual({ totalCount: ids.length, edges: [...dated, ...undated].map((id) => ({ node: { id } })) });
    },
  },
  // Case figures: counts of the fixture cases filed below the node (no names), under READ_CASE_FIGURES.
  {
    field: 'caseFigures',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.caseFigures of jurisdiction(code: target)',
    gate: Capability.READ_CASE_FIGURES,
    write: false,
    request: (node) => ({ query: `query($code: String!) { jurisdiction(code: $code) { caseFigures { open waiting inReview returned overdue } } }`, variables: { code: node } }),
    verify: (node, { data }) => {
      expect(data.jurisdiction.caseFigures).toEqual(caseFiguresUnder(node));
    },
  },
  {
    field: 'childCaseFigures',
    type: 'Jurisdiction',
    root: 'jurisdiction',
    label: 'Jurisdiction.childCaseFigures of jurisdiction(code: target)',
    gate: Capability.READ_CASE_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($code: String!) { jurisdiction(code: $code) {
        childCaseFigures(order: CODE, first: 50) { totalCount edges { node { jurisdiction { code } open waiting inReview returned overdue } } } } }`,
      variables: { code: node },
    }),
    verify: (node, { data }) => {
      const children = childrenOf(node).sort();
      expect(data.jurisdiction.childCaseFigures).toEqual({
        totalCount: children.length,
        edges: children.map((code) => ({ node: { jurisdiction: { code }, ...caseFiguresUnder(code) } })),
      });
    },
  },
  {
    field: 'superviseCase',
    type: 'Mutation',
    label: 'superviseCase of the overdue case at the village review below the target',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { superviseCase(caseId: $id, deadline: "2090-01-31") { id caseId status deadline issuedBy { code } responsible { code } } }`,
      variables: { id: fixtureCases.get(node)!.review },
    }),
    verify: (node, { data, before, after }) => {
      // Issued at the caller's home, assigned to the step's acting node: the village it is filed at.
      expect(data.superviseCase).toMatchObject({
        caseId: fixtureCases.get(node)!.review,
        status: 'OPEN',
        deadline: '2090-01-31',
        issuedBy: { code: HOME },
        responsible: { code: personAt(node).village },
      });
      expect(changes(before, after)).toEqual({ supervision_item: [data.superviseCase.id] });
    },
  },
  {
    field: 'publicNotices',
    type: 'Query',
    label: 'publicNotices(under: target, on: 2025-06-05)',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({
      query: `query($under: String) { publicNotices(under: $under, on: "2025-06-05") { village { code } offices { code } entries { caseId name age nationalId posted earliestPass dueDate } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      // The fixture's notices, posted on Monday 2 June 2025 (端午: 31 May to 2 June off, 国办发明电〔2024〕12号):
      // day 0 is Tuesday 3 June, and its 5 working days run to Tuesday 10 June. Each village's list, in code order.
      const lists = new Map<string, { caseId: string; name: string; nationalId: string }[]>();
      for (const code of Object.values(RELATIONS).filter((c, i, all) => all.indexOf(c) === i && personAt(c).village.startsWith(node))) {
        const person = personAt(code);
        const entry = { caseId: fixtureCases.get(code)!.notice, name: person.name, nationalId: `${person.nationalId[0]}${'*'.repeat(17)}` };
        lists.set(person.village, [...(lists.get(person.village) ?? []), entry]);
      }
      expect(data.publicNotices).toEqual(
        [...lists.keys()].sort().map((village) => ({
          village: { code: village },
          offices: [{ code: village }],
          entries: lists
            .get(village)!
            .sort((a, b) => Number(a.caseId) - Number(b.caseId))
            .map((e) => ({ ...e, age: 85, posted: '2025-06-02', earliestPass: '2025-06-10', dueDate: '2025-06-16' })),
        })),
      );
    },
  },
  {
    field: 'fileApplication',
    type: 'Mutation',
    label: `fileApplication(receivedOn: ${APPLICATION_DAY}) for the person below the target`,
    gate: Capability.FILE_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($input: FileApplicationInput!) { fileApplication(input: $input) { state filedOn schemes { id } currentStep { position began dueDate } } }`,
      variables: { input: { personId: personIdOf(personAt(node)), schemeIds: [applicationSchemes.get(node)], receivedOn: APPLICATION_DAY, materials: [{ kind: '身份证复印件', receivedOn: APPLICATION_DAY }] } },
    }),
    verify: (node, { data, before, after }) => {
      // The village review's 10 working days from Monday 10 March 2025: 24 March.
      expect(data.fileApplication).toEqual({ state: 'IN_REVIEW', filedOn: APPLICATION_DAY, schemes: [{ id: applicationSchemes.get(node) }], currentStep: { position: 1, began: APPLICATION_DAY, dueDate: '2025-03-24' } });
      const added = addedRow('application_case', before, after);
      const changed = changes(before, after);
      expect(Object.keys(changed).sort()).toEqual(['application_case', 'application_case_scheme', 'application_history', 'application_material']);
      expect(changed.application_case).toEqual([String(added.id)]);
      expect(changed.application_case_scheme).toEqual([`${added.id} ${applicationSchemes.get(node)}`]);
      expect(added).toMatchObject({ person_id: Number(personIdOf(personAt(node))), village_code: personAt(node).village, state: 'IN_REVIEW' });
    },
  },
  {
    field: 'decideCase',
    type: 'Mutation',
    label: 'decideCase(WITHDRAW) of the case at the village review below the target',
    gate: Capability.READ_CASES,
    also: Capability.FILE_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($input: DecideCaseInput!) { decideCase(input: $input) { id state currentStep { position } } }`,
      variables: { input: { caseId: fixtureCases.get(node)!.review, action: 'WITHDRAW', step: 1, idempotencyKey: 'withdraw' } },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.review;
      expect(data.decideCase).toEqual({ id, state: 'WITHDRAWN', currentStep: null });
      const entry = addedRow('application_history', before, after);
      expect(changes(before, after)).toEqual({ application_case: [id], application_history: [String(entry.id)] });
      expect(entry).toMatchObject({ case_id: Number(id), action: 'WITHDRAW', step_position: 1, idempotency_key: 'withdraw' });
    },
  },
  {
    field: 'recordObjection',
    type: 'Mutation',
    label: 'recordObjection of the case at the public notice below the target',
    gate: Capability.REVIEW_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { recordObjection(caseId: $id, receivedOn: "2025-06-05", summary: "收入不实") { id currentStep { position kind } } }`,
      variables: { id: fixtureCases.get(node)!.notice },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.notice;
      // Back to the review before the notice: the village review.
      expect(data.recordObjection).toEqual({ id, currentStep: { position: 1, kind: 'VILLAGE_REVIEW' } });
      const entry = addedRow('application_history', before, after);
      expect(changes(before, after)).toEqual({ application_case: [id], application_history: [String(entry.id)] });
      expect(entry).toMatchObject({ action: 'OBJECTION', step_position: 2 });
    },
  },
  {
    field: 'assignCaseAssessor',
    type: 'Mutation',
    label: 'assignCaseAssessor of the case at the assessment below the target, to the assessor of the home',
    gate: Capability.REVIEW_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $assessor: String!) { assignCaseAssessor(caseId: $id, step: 4, assessor: $assessor) { id assessor currentStep { position kind } } }`,
      variables: { id: fixtureCases.get(node)!.assessment, assessor: actorName(Role.ASSESSOR) },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.assessment;
      expect(data.assignCaseAssessor).toEqual({ id, assessor: actorName(Role.ASSESSOR), currentStep: { position: 4, kind: 'ASSESSMENT' } });
      const entry = addedRow('application_history', before, after);
      expect(changes(before, after)).toEqual({ application_case: [id], application_history: [String(entry.id)] });
      expect(entry).toMatchObject({ action: 'ASSIGN_ASSESSOR', step_position: 4, opinion: actorName(Role.ASSESSOR) });
    },
  },
  {
    field: 'resubmitCase',
    type: 'Mutation',
    label: 'resubmitCase of the returned case below the target',
    gate: Capability.FILE_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { resubmitCase(caseId: $id, materials: [{ kind: "收入证明", receivedOn: "2025-06-05" }]) { id state currentStep { position began } } }`,
      variables: { id: fixtureCases.get(node)!.returned },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.returned;
      expect(data.resubmitCase).toEqual({ id, state: 'IN_REVIEW', currentStep: { position: 1, began: todayInChina() } });
      const entry = addedRow('application_history', before, after);
      const material = addedRow('application_material', before, after);
      expect(changes(before, after)).toEqual({ application_case: [id], application_history: [String(entry.id)], application_material: [String(material.id)] });
      expect(entry).toMatchObject({ action: 'RESUBMIT' });
    },
  },
  {
    field: 'cancelEnrolment',
    type: 'Mutation',
    label: 'cancelEnrolment(WITHDRAWN, today) of the enrolment of the person below the target',
    gate: Capability.REVIEW_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $on: Date!) { cancelEnrolment(id: $id, reason: WITHDRAWN, on: $on) { id fromMonth untilMonth endReason endedOn } }`,
      variables: { id: fixtureCases.get(node)!.enrolment, on: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.enrolment;
      const today = todayInChina();
      // The person scheme stops in the month of the event (STOP_IN_MONTH_OF_EVENT, the default): the month before is the last paid.
      expect(data.cancelEnrolment).toEqual({ id, fromMonth: ENROLLED_SINCE, untilMonth: addMonths(today.slice(0, 7), -1), endReason: 'WITHDRAWN', endedOn: today });
      expect(changes(before, after)).toEqual({ enrolment: [id] });
    },
  },
  {
    field: 'reReviews',
    type: 'Query',
    label: 'reReviews(under: target)',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({
      query: `query($under: String) { reReviews(under: $under, first: 50) { totalCount edges { node { enrolment { id } changes { kind on } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const ids = enrolmentsUnder(node);
      const changes = [{ kind: 'RESIDENCE_MOVED', on: MOVED_ON }];
      expect(data.reReviews).toEqual({ totalCount: ids.length, edges: ids.map((id) => ({ node: { enrolment: { id }, changes } })) });
    },
  },
  {
    field: 'reReviewCounts',
    type: 'Query',
    label: 'reReviewCounts(under: target)',
    gate: Capability.READ_CASES,
    write: false,
    request: (node) => ({ query: `query($under: String) { reReviewCounts(under: $under) { node { code } total children { node { code } count } } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      // Each enrolment counts under the child of the node its person's village lies in; most first, then by code.
      const childLength = [2, 4, 6, 9, 12].find((length) => length > node.length)!;
      const byChild = new Map<string, number>();
      for (const code of new Set(Object.values(RELATIONS))) {
        const village = personAt(code).village;
        if (village.startsWith(node)) byChild.set(village.slice(0, childLength), (byChild.get(village.slice(0, childLength)) ?? 0) + 1);
      }
      const children = [...byChild].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).map(([code, count]) => ({ node: { code }, count }));
      expect(data.reReviewCounts).toEqual({ node: { code: node }, total: enrolmentsUnder(node).length, children });
    },
  },
  {
    field: 'confirmEnrolment',
    type: 'Mutation',
    label: 'confirmEnrolment(opinion) of the enrolment of the person below the target, who moved since',
    gate: Capability.REVIEW_CASES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { confirmEnrolment(id: $id, opinion: "核实后继续享受") { enrolment { id untilMonth } reviews { reviewedOn opinion } } }`,
      variables: { id: fixtureCases.get(node)!.enrolment },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureCases.get(node)!.enrolment;
      const today = todayInChina();
      expect(data.confirmEnrolment).toEqual({ enrolment: { id, untilMonth: null }, reviews: [{ reviewedOn: today, opinion: '核实后继续享受' }] });
      const entry = addedRow('enrolment_review', before, after);
      expect(changes(before, after)).toEqual({ enrolment_review: [String(entry.id)] });
      expect(entry).toMatchObject({ enrolment_id: Number(id), reviewed_on: today, opinion: '核实后继续享受' });
    },
  },
  {
    field: 'subsidyScheme',
    type: 'Query',
    label: 'subsidyScheme(id) of the scheme set at the target',
    gate: Capability.READ_POLICIES,
    above: true,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) { subsidyScheme(id: $id) { id name jurisdiction { code } versions { id fromMonth toMonth } } }`,
      variables: { id: schemes.get(node)!.id },
    }),
    verify: (node, { data }) => {
      const scheme = schemes.get(node)!;
      expect(data.subsidyScheme).toEqual({
        id: scheme.id,
        name: schemeNameAt(node),
        jurisdiction: { code: node },
        versions: [{ id: scheme.versionId, fromMonth: POLICY_SINCE, toMonth: null }],
      });
    },
  },
  {
    field: 'subsidyFloors',
    type: 'Query',
    label: 'subsidyFloors(at: target)',
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({
      query: `query($at: String) { subsidyFloors(at: $at) { id jurisdiction { code } kind minAge maxAge amountFen fromMonth toMonth } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      expect(data.subsidyFloors).toEqual(
        setAtOrAbove(floors, node).map((f) => ({
          id: f.id,
          jurisdiction: { code: f.code },
          kind: SCHEME_KIND,
          minAge: FLOOR.minAge,
          maxAge: null,
          amountFen: FLOOR.amountFen,
          fromMonth: POLICY_SINCE,
          toMonth: null,
        })),
      );
    },
  },
  {
    field: 'createSubsidyScheme',
    type: 'Mutation',
    label: 'createSubsidyScheme(jurisdictionCode: target)',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateSchemeInput!) {
        createSubsidyScheme(input: $input) { name kind jurisdiction { code } inForce { fromMonth toMonth funding { level weight } tiers { name amountFen minAge } } }
      }`,
      variables: {
        input: {
          jurisdictionCode: node,
          name: NEW_SCHEME,
          kind: SCHEME_KIND,
          version: { fromMonth: thisMonthInChina(), funding: [{ level: levelOfCode(node), weight: 1 }], tiers: [NEW_TIER] },
        },
      },
    }),
    verify: (node, { data, before, after }) => {
      const month = thisMonthInChina();
      const level = levelOfCode(node);
      expect(data.createSubsidyScheme).toEqual({
        name: NEW_SCHEME,
        kind: SCHEME_KIND,
        jurisdiction: { code: node },
        inForce: { fromMonth: month, toMonth: null, funding: [{ level, weight: 1 }], tiers: [NEW_TIER] },
      });
      const version = addedRow('subsidy_scheme_version', before, after);
      expect(changes(before, after)).toEqual({
        subsidy_scheme: [String(version.scheme_id)],
        subsidy_scheme_version: [String(version.id)],
        subsidy_funding: [`${version.id} ${level}`],
        subsidy_tier: [expect.any(String)],
      });
      expect(addedRow('subsidy_scheme', before, after)).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node), name: NEW_SCHEME, kind: SCHEME_KIND });
      expect(version).toMatchObject({ from_month: `${month}-01`, to_month: null });
      expect(addedRow('subsidy_tier', before, after)).toMatchObject({ version_id: version.id, amount_fen: NEW_TIER.amountFen });
    },
  },
  {
    field: 'addSubsidySchemeVersion',
    type: 'Mutation',
    label: 'addSubsidySchemeVersion(from this month) of the scheme set at the target',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $version: SchemeVersionInput!) {
        addSubsidySchemeVersion(id: $id, version: $version) { id inForce { fromMonth toMonth tiers { amountFen } } versions { fromMonth toMonth } }
      }`,
      variables: {
        id: schemes.get(node)!.id,
        version: { fromMonth: thisMonthInChina(), funding: [{ level: levelOfCode(node), weight: 1 }], tiers: [NEW_TIER] },
      },
    }),
    verify: (node, { data, before, after }) => {
      const scheme = schemes.get(node)!;
      const month = thisMonthInChina();
      // The open version ends last month; the new one runs from this month.
      expect(data.addSubsidySchemeVersion).toEqual({
        id: scheme.id,
        inForce: { fromMonth: month, toMonth: null, tiers: [{ amountFen: NEW_TIER.amountFen }] },
        versions: [
          { fromMonth: POLICY_SINCE, toMonth: addMonths(month, -1) },
          { fromMonth: month, toMonth: null },
        ],
      });
      const version = addedRow('subsidy_scheme_version', before, after);
      expect(changes(before, after)).toEqual({
        subsidy_scheme_version: [scheme.versionId!, String(version.id)].sort(),
        subsidy_funding: [`${version.id} ${levelOfCode(node)}`],
        subsidy_tier: [expect.any(String)],
      });
      expect(after.subsidy_scheme_version[scheme.versionId!]).toMatchObject({ to_month: `${addMonths(month, -1)}-01` });
      expect(version).toMatchObject({ scheme_id: Number(scheme.id), from_month: `${month}-01`, to_month: null });
    },
  },
  {
    field: 'endSubsidyScheme',
    type: 'Mutation',
    label: 'endSubsidyScheme(lastMonth: this month) of the scheme set at the target',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $last: Month!) { endSubsidyScheme(id: $id, lastMonth: $last) { id inForce { fromMonth toMonth } } }`,
      variables: { id: schemes.get(node)!.id, last: thisMonthInChina() },
    }),
    verify: (node, { data, before, after }) => {
      const scheme = schemes.get(node)!;
      const month = thisMonthInChina();
      expect(data.endSubsidyScheme).toEqual({ id: scheme.id, inForce: { fromMonth: POLICY_SINCE, toMonth: month } });
      expect(changes(before, after)).toEqual({ subsidy_scheme_version: [scheme.versionId] });
      expect(after.subsidy_scheme_version[scheme.versionId!]).toMatchObject({ to_month: `${month}-01` });
    },
  },
  {
    field: 'createSubsidyFloor',
    type: 'Mutation',
    label: 'createSubsidyFloor(jurisdictionCode: target)',
    gate: Capability.MANAGE_POLICIES,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateFloorInput!) {
        createSubsidyFloor(input: $input) { jurisdiction { code } kind minAge maxAge amountFen fromMonth toMonth }
      }`,
      variables: { input: { jurisdictionCode: node, kind: SCHEME_KIND, minAge: 90, amountFen: 4000, fromMonth: thisMonthInChina() } },
    }),
    verify: (node, { data, before, after }) => {
      const month = thisMonthInChina();
      expect(data.createSubsidyFloor).toEqual({ jurisdiction: { code: node }, kind: SCHEME_KIND, minAge: 90, maxAge: null, amountFen: 4000, fromMonth: month, toMonth: null });
      expect(changes(before, after)).toEqual({ subsidy_floor: [expect.any(String)] });
      expect(addedRow('subsidy_floor', before, after)).toMatchObject({
        jurisdiction_id: jurisdictionIds.get(node),
        kind: SCHEME_KIND,
        min_age: 90,
        max_age: null,
        amount_fen: 4000,
        from_month: `${month}-01`,
        to_month: null,
      });
    },
  },
  // Targets: a caller reaches those set at nodes of its subtree and sets or allocates them there.
  {
    field: 'target',
    type: 'Query',
    label: 'target(id) of the target set at the target node, with progress and board',
    gate: Capability.READ_TARGETS,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) {
        target(id: $id) {
          id title metric threshold jurisdiction { code }
          progress { numerator denominator status }
          board(order: CODE) { rows { jurisdiction { code } numerator denominator threshold } }
        }
      }`,
      variables: { id: fixtureTargets.get(node) },
    }),
    verify: (node, { data }) => {
      const today = todayInChina();
      const { numerator, denominator } = figureOf(node, today);
      expect(data.target).toMatchObject({ id: fixtureTargets.get(node), title: FIXTURE_TARGET.title, metric: FIXTURE_TARGET.metric, threshold: 50, jurisdiction: { code: node } });
      expect(data.target.progress).toMatchObject({ numerator, denominator });
      expect(data.target.board.rows).toEqual(
        childrenOf(node).map((child) => {
          const figure = figureOf(child, today);
          return { jurisdiction: { code: child }, numerator: figure.numerator, denominator: figure.denominator, threshold: 50 };
        }),
      );
    },
  },
  {
    field: 'targets',
    type: 'Query',
    label: 'targets(under: target)',
    gate: Capability.READ_TARGETS,
    write: false,
    request: (node) => ({
      query: `query($under: String) { targets(under: $under, first: 100) { totalCount edges { node { id jurisdiction { code } } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const below = Object.values(RELATIONS).filter((code) => code.startsWith(node));
      expect(data.targets.totalCount).toBe(below.length);
      expect(data.targets.edges.map((edge: any) => edge.node.jurisdiction.code).sort()).toEqual([...below].sort());
    },
  },
  {
    field: 'createTarget',
    type: 'Mutation',
    label: 'createTarget(jurisdictionCode: target)',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateTargetInput!) { createTarget(input: $input) { id jurisdiction { code } metric threshold baseline } }`,
      variables: { input: { jurisdictionCode: node, title: '认知障碍床位占比', metric: 'DEMENTIA_BED_SHARE', threshold: 5, startsOn: '2025-01-01', deadline: '2027-12-31' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.createTarget).toMatchObject({ jurisdiction: { code: node }, metric: 'DEMENTIA_BED_SHARE', threshold: 5 });
      expect(changes(before, after)).toEqual({ target: [data.createTarget.id] });
      expect(addedRow('target', before, after)).toMatchObject({ jurisdiction_id: jurisdictionIds.get(node), metric: 'DEMENTIA_BED_SHARE', threshold: 500, allocated_from: null });
    },
  },
  {
    field: 'allocateTarget',
    type: 'Mutation',
    label: 'allocateTarget(id of the target at the target node) to its first child',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $allocations: [TargetAllocationInput!]!) { allocateTarget(id: $id, allocations: $allocations) { id allocations { id jurisdiction { code } threshold } } }`,
      variables: { id: fixtureTargets.get(node), allocations: [{ jurisdictionCode: childrenOf(node)[0] }] },
    }),
    verify: (node, { data, before, after }) => {
      const [allocation] = data.allocateTarget.allocations;
      expect(data.allocateTarget.allocations).toEqual([{ id: expect.any(String), jurisdiction: { code: childrenOf(node)[0] }, threshold: 50 }]);
      expect(changes(before, after)).toEqual({ target: [allocation.id] });
      expect(addedRow('target', before, after)).toMatchObject({ allocated_from: Number(fixtureTargets.get(node)), threshold: FIXTURE_TARGET.threshold });
    },
  },
  // The desk: supervision items issued or assigned in the subtree; notices concerning the caller, which
  // include those of the levels above that name its home (a notice at a node names the node and its children).
  {
    field: 'supervisionItems',
    type: 'Query',
    label: 'supervisionItems(under: target)',
    gate: Capability.READ_TARGETS,
    write: false,
    request: (node) => ({
      query: `query($under: String) { supervisionItems(under: $under, first: 100) { totalCount edges { node { id issuedBy { code } status } } } }`,
      variables: { under: node },
    }),
    verify: (node, { data }) => {
      const below = Object.values(RELATIONS).filter((code) => code.startsWith(node));
      expect(data.supervisionItems.totalCount).toBe(below.length);
      expect(data.supervisionItems.edges.map((edge: any) => edge.node.issuedBy.code).sort()).toEqual([...below].sort());
    },
  },
  {
    field: 'createSupervisionItem',
    type: 'Mutation',
    label: 'createSupervisionItem(jurisdictionCode: target)',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateSupervisionItemInput!) { createSupervisionItem(input: $input) { id issuedBy { code } responsible { code } status } }`,
      variables: { input: { jurisdictionCode: node, responsibleCode: node, title: '新督办事项', deadline: '2027-06-30' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.createSupervisionItem).toMatchObject({ issuedBy: { code: node }, responsible: { code: node }, status: 'OPEN' });
      expect(changes(before, after)).toEqual({ supervision_item: [data.createSupervisionItem.id] });
    },
  },
  {
    field: 'addSupervisionNote',
    type: 'Mutation',
    label: 'addSupervisionNote(id of the item at the target, status: DONE)',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { addSupervisionNote(id: $id, note: "已办结", status: DONE) { id status notes { note } } }`,
      variables: { id: fixtureItems.get(node) },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.addSupervisionNote).toEqual({ id: fixtureItems.get(node), status: 'DONE', notes: [{ note: '已办结' }] });
      expect(changes(before, after)).toEqual({ supervision_item: [fixtureItems.get(node)], supervision_note: [expect.any(String)] });
    },
  },
  {
    field: 'notice',
    type: 'Query',
    label: 'notice(id) of the notice issued at the target',
    gate: Capability.READ_TARGETS,
    above: true,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { notice(id: $id) { id title issuedBy { code } asOf } }`, variables: { id: fixtureNotices.get(node) } }),
    verify: (node, { data }) => {
      expect(data.notice).toEqual({ id: fixtureNotices.get(node), title: '通报', issuedBy: { code: node }, asOf: '2025-06-30' });
    },
  },
  {
    field: 'issueNotice',
    type: 'Mutation',
    label: 'issueNotice(targetId of the target at the target node)',
    gate: Capability.MANAGE_TARGETS,
    write: true,
    request: (node) => ({
      query: `mutation($input: IssueNoticeInput!) { issueNotice(input: $input) { id issuedBy { code } rows { jurisdiction { code } } } }`,
      variables: { input: { targetId: fixtureTargets.get(node), title: '新通报' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.issueNotice.issuedBy).toEqual({ code: node });
      expect(data.issueNotice.rows.map((row: any) => row.jurisdiction.code).sort()).toEqual(childrenOf(node));
      expect(changes(before, after)).toEqual({ notice: [data.issueNotice.id] });
    },
  },
  // The working-day calendar: public information read with the tree; a year's official arrangement
  // entered by a platform admin at its home or below (an example arrangement for 2027).
  {
    field: 'workingCalendar',
    type: 'Query',
    label: 'workingCalendar(code: target, year: 2025)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({ query: `query($code: String!) { workingCalendar(code: $code, year: 2025) { year origin workingDays } }`, variables: { code: node } }),
    verify: (_node, { data }) => {
      // 261 weekdays, 18 of them holidays, 5 make-up days (国办发明电〔2024〕12号; worked out in test/calendar).
      expect(data.workingCalendar).toEqual({ year: 2025, origin: 'PACKAGE', workingDays: 248 });
    },
  },
  {
    field: 'workingDeadline',
    type: 'Query',
    label: 'workingDeadline(code: target, from: 2025-09-26, days: 10)',
    gate: Capability.READ_TREE,
    write: false,
    request: (node) => ({ query: `query($code: String!) { workingDeadline(code: $code, from: "2025-09-26", days: 10) { dueDate } }`, variables: { code: node } }),
    verify: (_node, { data }) => {
      expect(data.workingDeadline).toEqual({ dueDate: '2025-10-16' });
    },
  },
  {
    field: 'setWorkingCalendarYear',
    type: 'Mutation',
    label: 'setWorkingCalendarYear(jurisdictionCode: target, year: 2027)',
    gate: Capability.MANAGE_CALENDAR,
    write: true,
    request: (node) => ({
      query: `mutation($input: SetWorkingCalendarYearInput!) { setWorkingCalendarYear(input: $input) { year origin enteredAtCode revision } }`,
      variables: {
        input: { jurisdictionCode: node, year: 2027, holidays: [{ date: '2027-01-01', name: '元旦（示例）' }], makeupDays: [], sourceTitle: '示例', sourceNumber: '示例〔2026〕1号' },
      },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.setWorkingCalendarYear).toEqual({ year: 2027, origin: 'ENTERED', enteredAtCode: node, revision: 1 });
      expect(changes(before, after)).toEqual({ working_calendar_year: [expect.any(String)] });
    },
  },
  // Caregivers (seed 004 篇四): read where they are based, by a provider only its own staff's and by a
  // caregiver only their own record; managed by their provider; barred by a county's or town's administration.
  {
    field: 'caregiver',
    type: 'Query',
    label: 'caregiver(id) of A’s caregiver based at the target',
    gate: Capability.READ_CAREGIVERS,
    caregiver: true,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { caregiver(id: $id) { id workCardNumber basedAt { code } } }`, variables: { id: caregiverAt(node) } }),
    verify: (node, { data }) => {
      expect(data.caregiver).toEqual({ id: caregiverAt(node), workCardNumber: `A-${node}`, basedAt: { code: node } });
    },
  },
  {
    field: 'caregivers',
    type: 'Query',
    label: 'caregivers(under: target)',
    gate: Capability.READ_CAREGIVERS,
    write: false,
    request: (node) => ({ query: `query($under: String) { caregivers(under: $under, first: 50) { totalCount edges { node { id } } } }`, variables: { under: node } }),
    verify: (node, { data, role }) => {
      // A caregiver's list is their own record, wherever it is based; a provider's, its own staff's.
      const seen = FIXTURE_CAREGIVERS.filter((c) =>
        role === Role.CAREGIVER ? c.number === SELF : c.code.startsWith(node) && (!OPERATOR_BOUND.includes(role!) || ACTOR_ORGANISATION[role!] === c.operator),
      );
      const ids = seen.map((c) => caregiverIds.get(c.number)!).sort((a, b) => Number(a) - Number(b));
      expect(data.caregivers.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(data.caregivers.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'caregiverCard',
    type: 'Query',
    label: 'caregiverCard(id) of A’s caregiver based at the target',
    gate: Capability.READ_CAREGIVERS,
    caregiver: true,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { caregiverCard(id: $id) { workCardNumber organisationName supervisionPhone } }`, variables: { id: caregiverAt(node) } }),
    verify: (node, { data }) => {
      expect(data.caregiverCard).toEqual({ workCardNumber: `A-${node}`, organisationName: ORGANISATIONS.A.name, supervisionPhone: null });
    },
  },
  {
    field: 'addCaregiver',
    type: 'Mutation',
    label: 'addCaregiver(basedAt: target)',
    gate: Capability.MANAGE_CAREGIVERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: AddCaregiverInput!) { addCaregiver(input: $input) { workCardNumber basedAt { code } organisation { creditCode } } }`,
      variables: { input: { name: '新护理员', workCardNumber: 'NEW-1', phone: CAREGIVER_PHONE, basedAt: node, startedOn: CAREGIVER_SINCE } },
    }),
    verify: (node, { data, before, after, role }) => {
      expect(data.addCaregiver).toEqual({ workCardNumber: 'NEW-1', basedAt: { code: node }, organisation: { creditCode: creditCodeOf(ACTOR_ORGANISATION[role!]!) } });
      const added = addedRow('caregiver', before, after);
      expect(changes(before, after)).toEqual({ caregiver: [String(added.id)] });
    },
  },
  ...(
    [
      ['updateCaregiver', 'updateCaregiver(name) of A’s caregiver based at the target', `mutation($id: ID!) { updateCaregiver(id: $id, input: { name: "改名" }) { id } }`, {}],
      ['recordCaregiverTraining', 'recordCaregiverTraining(passed) of A’s caregiver based at the target', `mutation($id: ID!, $on: Date!) { recordCaregiverTraining(id: $id, input: { training: "复训", on: $on, passed: true }) { id } }`, { on: 'today' }],
      ['endCaregiver', 'endCaregiver(leftOn: today) of A’s caregiver based at the target', `mutation($id: ID!, $on: Date!) { endCaregiver(id: $id, leftOn: $on) { id } }`, { on: 'today' }],
    ] as const
  ).map(
    ([field, label, query, extra]): TargetedOperation => ({
      field,
      type: 'Mutation',
      label,
      gate: Capability.MANAGE_CAREGIVERS,
      caregiver: true,
      write: true,
      request: (node) => ({ query, variables: { id: caregiverAt(node), ...('on' in extra ? { on: todayInChina() } : {}) } }),
      verify: (node, { data, before, after }) => {
        expect(data[field]).toEqual({ id: caregiverAt(node) });
        expect(changes(before, after)).toEqual({ caregiver: [caregiverAt(node)] });
      },
    }),
  ),
  {
    field: 'banCaregiver',
    type: 'Mutation',
    label: 'banCaregiver(A’s caregiver based at the target, in the home county)',
    gate: Capability.SUPERVISE_CAREGIVERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: BanCaregiverInput!) { banCaregiver(input: $input) { jurisdiction { code } until } }`,
      variables: { input: { caregiverId: caregiverAt(node), jurisdictionCode: HOME, reason: '投诉属实', until: '2099-12-31' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.banCaregiver).toEqual({ jurisdiction: { code: HOME }, until: '2099-12-31' });
      const added = addedRow('caregiver_ban', before, after);
      expect(added.caregiver_id).toBe(Number(caregiverAt(node)));
      expect(changes(before, after)).toEqual({ caregiver_ban: [String(added.id)] });
    },
  },
  {
    field: 'setServiceSupervisionPhone',
    type: 'Mutation',
    label: 'setServiceSupervisionPhone(jurisdictionCode: target)',
    gate: Capability.SUPERVISE_CAREGIVERS,
    write: true,
    request: (node) => ({
      query: `mutation($code: String!) { setServiceSupervisionPhone(jurisdictionCode: $code, phone: "0514-86881234") { jurisdiction { code } phone } }`,
      variables: { code: node },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.setServiceSupervisionPhone).toEqual({ jurisdiction: { code: node }, phone: '0514-86881234' });
      expect(changes(before, after)).toEqual({ service_supervision_phone: [node] });
    },
  },
  // Providers and contracts (seed 004 篇四): the library and bans read under READ_PROVIDERS, contracts under
  // READ_CONTRACTS, in the subtree (a SERVICE_PROVIDER: its organisation's, and the fixture's bans are B's);
  // everything written under MANAGE_PROVIDERS at a level of the subtree.
  {
    field: 'providers',
    type: 'Query',
    label: 'providers(under: target)',
    gate: Capability.READ_PROVIDERS,
    write: false,
    request: (node) => ({ query: `query($under: String) { providers(under: $under) { totalCount edges { node { id jurisdiction { code } organisation { creditCode } } } } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      const ids = fixtureUnder(fixtureEntries, node);
      expect(data.providers.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(new Set(data.providers.edges.map((e: any) => e.node.organisation.creditCode))).toEqual(new Set(ids.length ? [creditCodeOf('A')] : []));
      expect(data.providers.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'providerBans',
    type: 'Query',
    label: 'providerBans(under: target)',
    gate: Capability.READ_PROVIDERS,
    write: false,
    request: (node) => ({ query: `query($under: String) { providerBans(under: $under) { totalCount edges { node { id organisation { creditCode } lastDay } } } }`, variables: { under: node } }),
    verify: (node, { data, role }) => {
      // The bans are B's: A's provider sees none of them.
      const ids = OPERATOR_BOUND.includes(role!) ? [] : fixtureUnder(fixtureBans, node);
      expect(data.providerBans.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(data.providerBans.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'contracts',
    type: 'Query',
    label: 'contracts(under: target)',
    gate: Capability.READ_CONTRACTS,
    write: false,
    request: (node) => ({ query: `query($under: String) { contracts(under: $under) { totalCount edges { node { id catalogue { unitPriceFen } } } } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      const ids = contractsUnder(node);
      expect(data.contracts.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(data.contracts.edges.map((e: any) => e.node.catalogue)).toEqual(ids.map(() => [{ unitPriceFen: FIXTURE_CONTRACT.priceFen }]));
      expect(data.contracts.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'contract',
    type: 'Query',
    label: 'contract(id) made at the target',
    gate: Capability.READ_CONTRACTS,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { contract(id: $id) { id jurisdiction { code } area { code } } }`, variables: { id: fixtureContracts.get(node) } }),
    verify: (node, { data }) => {
      expect(data.contract).toEqual({ id: fixtureContracts.get(node), jurisdiction: { code: node }, area: [{ code: VILLAGE_OF[node] }] });
    },
  },
  {
    field: 'contractFor',
    type: 'Query',
    label: 'contractFor(village below the target, its item)',
    gate: Capability.READ_CONTRACTS,
    write: false,
    request: (node) => ({
      query: `query($village: String!, $item: ServiceItem!) { contractFor(village: $village, item: $item, on: "2026-01-01") { id } }`,
      variables: { village: VILLAGE_OF[node], item: contractItemAt(node) },
    }),
    verify: (node, { data }) => {
      expect(data.contractFor).toEqual([{ id: fixtureContracts.get(node) }]);
    },
  },
  {
    field: 'admitProvider',
    type: 'Mutation',
    label: 'admitProvider(jurisdictionCode: target) of an organisation new to the platform',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: AdmitProviderInput!) { admitProvider(input: $input) { jurisdiction { code } organisation { creditCode } admittedOn } }`,
      variables: { input: { jurisdictionCode: node, organisation: { creditCode: testCreditCode(3), name: '江都新能养老服务有限公司' }, admittedOn: '2026-08-31' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.admitProvider).toEqual({ jurisdiction: { code: node }, organisation: { creditCode: testCreditCode(3) }, admittedOn: '2026-08-31' });
      expect(changes(before, after)).toEqual({ organisation: [testCreditCode(3)], provider_entry: [String(addedRow('provider_entry', before, after).id)] });
    },
  },
  {
    field: 'banProvider',
    type: 'Mutation',
    label: 'banProvider(jurisdictionCode: target) of B',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: BanProviderInput!) { banProvider(input: $input) { jurisdiction { code } reason from until } }`,
      variables: { input: { jurisdictionCode: node, organisation: { creditCode: creditCodeOf('B'), name: ORGANISATIONS.B.name }, reason: 'RAISING_MONEY', detail: '向老人集资', from: '2026-01-01' } },
    }),
    verify: (node, { data, before, after }) => {
      // «近三年內» (seed 004 篇四): the day before the third anniversary.
      expect(data.banProvider).toEqual({ jurisdiction: { code: node }, reason: 'RAISING_MONEY', from: '2026-01-01', until: '2028-12-31' });
      expect(changes(before, after)).toEqual({ provider_ban: [String(addedRow('provider_ban', before, after).id)] });
    },
  },
  {
    field: 'liftProviderBan',
    type: 'Mutation',
    label: 'liftProviderBan(id) of the ban set at the target',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $on: Date!) { liftProviderBan(id: $id, liftedOn: $on, reason: "整改到位") { id lift { liftedOn } } }`,
      variables: { id: fixtureBans.get(node), on: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.liftProviderBan).toEqual({ id: fixtureBans.get(node), lift: { liftedOn: todayInChina() } });
      expect(changes(before, after)).toEqual({ provider_ban_lift: [String(addedRow('provider_ban_lift', before, after).id)] });
    },
  },
  {
    field: 'createContract',
    type: 'Mutation',
    label: 'createContract(jurisdictionCode: target) with A for 代辦 in the village below it',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: CreateContractInput!) { createContract(input: $input) { id jurisdiction { code } area { code } from until } }`,
      variables: {
        input: { jurisdictionCode: node, provider: creditCodeOf('A'), area: [VILLAGE_OF[node]], from: '2026-01-01', catalogue: [{ item: 'ERRANDS', serviceClass: 'PAID', unitPriceFen: 2000 }] },
      },
    }),
    verify: (node, { data, before, after }) => {
      // «招標服務以一年為期» (seed 004 篇四): a year by default.
      expect(data.createContract).toEqual({ id: expect.any(String), jurisdiction: { code: node }, area: [{ code: VILLAGE_OF[node] }], from: '2026-01-01', until: '2026-12-31' });
      const id = data.createContract.id;
      const village = jurisdictionIds.get(VILLAGE_OF[node]);
      expect(changes(before, after)).toEqual({
        service_contract: [id],
        service_contract_area: [`${id} ${village}`],
        service_contract_price: [`${id} ERRANDS PAID`],
        service_contract_coverage: [`${id} ${village} ERRANDS`],
      });
    },
  },
  {
    field: 'renewContract',
    type: 'Mutation',
    label: 'renewContract(id) of the contract made at the target',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({ query: `mutation($id: ID!) { renewContract(id: $id) { id renewsId from until } }`, variables: { id: fixtureContracts.get(node) } }),
    verify: (node, { data, before, after }) => {
      expect(data.renewContract).toEqual({ id: expect.any(String), renewsId: fixtureContracts.get(node), from: '2090-01-01', until: '2090-12-31' });
      const id = data.renewContract.id;
      const village = jurisdictionIds.get(VILLAGE_OF[node]);
      expect(changes(before, after)).toEqual({
        service_contract: [id],
        service_contract_area: [`${id} ${village}`],
        service_contract_price: [`${id} ${contractItemAt(node)} LOW_PAID`],
        service_contract_coverage: [`${id} ${village} ${contractItemAt(node)}`],
      });
    },
  },
  {
    field: 'endContract',
    type: 'Mutation',
    label: 'endContract(id, lastDay: today) of the contract made at the target',
    gate: Capability.MANAGE_PROVIDERS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!, $last: Date!) { endContract(id: $id, lastDay: $last, reason: "季度考核不合格") { id endedOn } }`,
      variables: { id: fixtureContracts.get(node), last: todayInChina() },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureContracts.get(node)!;
      expect(data.endContract).toEqual({ id, endedOn: todayInChina() });
      expect(changes(before, after)).toEqual({ service_contract: [id], service_contract_coverage: [`${id} ${jurisdictionIds.get(VILLAGE_OF[node])} ${contractItemAt(node)}`] });
    },
  },
  // Call-backs and oversight visits (src/visits/callback.*, oversight.*).
  {
    field: 'recordProviderCallback',
    type: 'Mutation',
    label: 'recordProviderCallback(A’s open order below the target), below standard',
    gate: Capability.RECORD_CALLBACKS,
    write: true,
    request: (node) => ({
      query: `mutation($order: ID!) { recordProviderCallback(order: $order, input: { reached: true, satisfaction: DISSATISFIED, belowStandard: true }) { id orderId kind voidedOrder } }`,
      variables: { order: openOrders.get(node) },
    }),
    verify: (node, { data, before, after }) => {
      const order = openOrders.get(node)!;
      expect(data.recordProviderCallback).toEqual({ id: expect.any(String), orderId: order, kind: 'PROVIDER', voidedOrder: true });
      // The void moves the order from verified to void in its recipient's month (care_month's triggers).
      const month = `${personIdOf(personAt(node))} ${DRAW_DAY.slice(0, 7)}`;
      expect(changes(before, after)).toEqual({ order_callback: [data.recordProviderCallback.id], work_order: [order], care_month: [month] });
      expect(after.work_order[order]).toMatchObject({ state: 'VOID', void_reasons: ['VOIDED_ON_CALLBACK'] });
    },
  },
  {
    field: 'recordOnlineCallback',
    type: 'Mutation',
    label: 'recordOnlineCallback(the drawn order below the target)',
    gate: Capability.CALL_BACK_ONLINE,
    write: true,
    request: (node) => ({
      query: `mutation($order: ID!) { recordOnlineCallback(order: $order, input: { reached: false }) { id orderId kind drawId } }`,
      variables: { order: calledBackOrders.get(node) },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.recordOnlineCallback).toEqual({ id: expect.any(String), orderId: calledBackOrders.get(node), kind: 'ONLINE', drawId: fixtureDraws.get(COUNTY_OF[node]) });
      expect(changes(before, after)).toEqual({ order_callback: [data.recordOnlineCallback.id] });
    },
  },
  {
    field: 'drawCallbackSample',
    type: 'Mutation',
    label: 'drawCallbackSample(the county of the target, DRAW_DAY)',
    gate: Capability.CALL_BACK_ONLINE,
    write: true,
    request: (node) => ({
      query: `mutation($county: String!, $day: Date!) { drawCallbackSample(county: $county, day: $day) { id county { code } day percent populationSize orderIds } }`,
      variables: { county: COUNTY_OF[node], day: DRAW_DAY },
    }),
    verify: (node, { data, before, after }) => {
      // The county's open orders of the day, 10 % of them rounded up.
      const population = Object.values(RELATIONS).filter((code) => COUNTY_OF[code] === COUNTY_OF[node]).length;
      expect(data.drawCallbackSample).toMatchObject({ county: { code: COUNTY_OF[node] }, day: DRAW_DAY, percent: 10, populationSize: population });
      expect(data.drawCallbackSample.orderIds).toHaveLength(Math.ceil(population / 10));
      expect(changes(before, after)).toEqual({ callback_draw: [data.drawCallbackSample.id] });
    },
  },
  {
    field: 'recordOversightVisit',
    type: 'Mutation',
    label: 'recordOversightVisit(a spot check of the person below the target, by their village)',
    gate: Capability.RECORD_OVERSIGHT,
    write: true,
    request: (node) => ({
      query: `mutation($input: RecordOversightVisitInput!) { recordOversightVisit(input: $input) { id by { code } recipient { id } purpose } }`,
      variables: {
        input: { personId: personIdOf(personAt(node)), by: VILLAGE_OF[node], kind: 'PHONE_CALL', purpose: 'SPOT_CHECK', findings: '无异常', falsificationSuspected: false, record: '电话回访记录' },
      },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.recordOversightVisit).toEqual({ id: expect.any(String), by: { code: VILLAGE_OF[node] }, recipient: { id: personIdOf(personAt(node)) }, purpose: 'SPOT_CHECK' });
      expect(changes(before, after)).toEqual({ oversight_visit: [data.recordOversightVisit.id] });
    },
  },
  {
    field: 'orderCallbacks',
    type: 'Query',
    label: 'orderCallbacks(the order called back below the target)',
    gate: Capability.READ_CALLBACKS,
    write: false,
    request: (node) => ({ query: `query($order: ID!) { orderCallbacks(order: $order) { orderId kind satisfaction } }`, variables: { order: calledBackOrders.get(node) } }),
    verify: (node, { data }) => {
      expect(data.orderCallbacks).toEqual([{ orderId: calledBackOrders.get(node), kind: 'PROVIDER', satisfaction: 'SATISFIED' }]);
    },
  },
  {
    field: 'callbackDraw',
    type: 'Query',
    label: 'callbackDraw(the county of the target, CALLBACK_DAY)',
    gate: Capability.CALL_BACK_ONLINE,
    write: false,
    request: (node) => ({ query: `query($county: String!, $day: Date!) { callbackDraw(county: $county, day: $day) { id seed percent orderIds } }`, variables: { county: COUNTY_OF[node], day: CALLBACK_DAY } }),
    verify: (node, { data }) => {
      const drawn = Object.values(RELATIONS).filter((code) => COUNTY_OF[code] === COUNTY_OF[node]).map((code) => calledBackOrders.get(code));
      expect(data.callbackDraw).toMatchObject({ id: fixtureDraws.get(COUNTY_OF[node]), seed: FIXTURE_SEED, percent: 100 });
      expect([...data.callbackDraw.orderIds].sort()).toEqual([...new Set(drawn)].sort());
    },
  },
  {
    field: 'callbackRates',
    type: 'Query',
    label: 'callbackRates(under: target, CALLBACK_DAY to DRAW_DAY)',
    gate: Capability.READ_OVERSIGHT_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($under: String, $from: Date!, $to: Date!) { callbackRates(under: $under, from: $from, to: $to) {
        node { code } figures { verifiedOrders providerCallbacks drawnOrders onlineCallbacks voidedOnCallback } children { node { code } } } }`,
      variables: { under: node, from: CALLBACK_DAY, to: DRAW_DAY },
    }),
    verify: (node, { data }) => {
      const people = targetsLivingUnder(node).length;
      expect(data.callbackRates.node).toEqual({ code: node });
      expect(data.callbackRates.figures).toEqual({ verifiedOrders: 2 * people, providerCallbacks: people, drawnOrders: people, onlineCallbacks: 0, voidedOnCallback: 0 });
      expect(data.callbackRates.children).toEqual(childrenOf(node).map((code) => ({ node: { code } })));
    },
  },
  {
    field: 'oversightVisits',
    type: 'Query',
    label: 'oversightVisits(under: target)',
    gate: Capability.READ_OVERSIGHT,
    write: false,
    request: (node) => ({ query: `query($under: String) { oversightVisits(under: $under, first: 50) { totalCount edges { node { id } } } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      const ids = [...new Set(targetsLivingUnder(node).map((code) => fixtureVisits.get(code)!))].sort((a, b) => Number(a) - Number(b));
      expect(data.oversightVisits.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(data.oversightVisits.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'oversightShares',
    type: 'Query',
    label: 'oversightShares(under: target, 2025-Q2)',
    gate: Capability.READ_OVERSIGHT_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($under: String, $quarter: String!) { oversightShares(under: $under, quarter: $quarter) { node { code } figure { enrolled reached percentRequired required met } } }`,
      variables: { under: node, quarter: OVERSIGHT_QUARTER },
    }),
    verify: (node, { data }) => {
      // Every fixture person is enrolled since ENROLLED_SINCE and was spot-checked on OVERSIGHT_DAY.
      const people = targetsLivingUnder(node).length;
      expect(data.oversightShares).toEqual({
        node: { code: node },
        figure: { enrolled: people, reached: people, percentRequired: 5, required: Math.ceil((5 * people) / 100), met: true },
      });
    },
  },
  // Funding sources: a level's lines under READ_BUDGET_LINES, its figures and its children's under
  // READ_FUNDING_FIGURES, recording a line or the level's lottery rule under RECORD_FUNDING.
  {
    field: 'budgetLines',
    type: 'Query',
    label: `budgetLines(code: target, ${FUNDING_YEAR})`,
    gate: Capability.READ_BUDGET_LINES,
    write: false,
    request: (node) => ({
      query: `query($code: String!, $year: Int!) { budgetLines(code: $code, year: $year) { jurisdiction { code } source purpose amountFen } }`,
      variables: { code: node, year: FUNDING_YEAR },
    }),
    verify: (node, { data }) => {
      expect(data.budgetLines).toEqual(FUNDING_LINES.map((line) => ({ jurisdiction: { code: node }, ...line })));
    },
  },
  {
    field: 'funding',
    type: 'Query',
    label: `funding(under: target, ${FUNDING_YEAR})`,
    gate: Capability.READ_FUNDING_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($under: String, $year: Int!) { funding(under: $under, year: $year) {
        node { code } figures { ownTotalFen subtreeTotalFen lottery { retainedFen elderlyCareFen percentRequired status } } children { node { code } } } }`,
      variables: { under: node, year: FUNDING_YEAR },
    }),
    verify: (node, { data }) => {
      // The retained totals are no money for care: 100 + 600 at each fixture node at or below the target.
      const nodes = [...new Set(Object.values(RELATIONS))].filter((code) => code.startsWith(node)).length;
      expect(data.funding).toEqual({
        node: { code: node },
        figures: { ownTotalFen: 700, subtreeTotalFen: 700 * nodes, lottery: { retainedFen: 1_000, elderlyCareFen: 600, percentRequired: 55, status: 'MET' } },
        children: childrenOf(node).map((code) => ({ node: { code } })),
      });
    },
  },
  {
    field: 'recordBudgetLine',
    type: 'Mutation',
    label: `recordBudgetLine(the target's general budget of ${FUNDING_YEAR}, corrected)`,
    gate: Capability.RECORD_FUNDING,
    write: true,
    request: (node) => ({
      query: `mutation($input: RecordBudgetLineInput!) { recordBudgetLine(input: $input) { id jurisdiction { code } amountFen supersedes } }`,
      variables: { input: { code: node, year: FUNDING_YEAR, source: 'GENERAL_BUDGET', purpose: 'ELDERLY_CARE', amountFen: 250, note: '更正' } },
    }),
    verify: (node, { data, before, after }) => {
      const old = fixtureBudgetLines.get(node)!;
      expect(data.recordBudgetLine).toEqual({ id: expect.any(String), jurisdiction: { code: node }, amountFen: 250, supersedes: old });
      expect(changes(before, after)).toEqual({ budget_line: [old, data.recordBudgetLine.id].sort() });
      expect(after.budget_line[old].superseded_at).not.toBeNull();
    },
  },
  {
    field: 'setLotteryFundRule',
    type: 'Mutation',
    label: `setLotteryFundRule(the target, 60 % from ${FUNDING_YEAR})`,
    gate: Capability.RECORD_FUNDING,
    write: true,
    request: (node) => ({
      query: `mutation($input: SetLotteryFundRuleInput!) { setLotteryFundRule(input: $input) { id jurisdiction { code } fromYear minPercent supersedes } }`,
      variables: { input: { code: node, fromYear: FUNDING_YEAR, minPercent: 60, source: '测试文件' } },
    }),
    verify: (node, { data, before, after }) => {
      const old = fixtureFundRules.get(node)!;
      expect(data.setLotteryFundRule).toEqual({ id: expect.any(String), jurisdiction: { code: node }, fromYear: FUNDING_YEAR, minPercent: 60, supersedes: old });
      expect(changes(before, after)).toEqual({ lottery_fund_rule: [old, data.setLotteryFundRule.id].sort() });
    },
  },
  // Visit compliance: a recipient's month under READ_CARE_COMPLIANCE, a node's figures under
  // READ_COMPLIANCE_FIGURES, planning and closing a month under PLAN_CARE_MONTHS (the fixture has no order that month).
  {
    field: 'recipientCareMonth',
    type: 'Query',
    label: `recipientCareMonth of the person below the target for ${CARE_MONTH}`,
    gate: Capability.READ_CARE_COMPLIANCE,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) { recipientCareMonth(person: $id, month: "${CARE_MONTH}") { personId villageCode planned requiredVisits verifiedVisits met visits { orderId } } }`,
      variables: { id: personIdOf(personAt(node)) },
    }),
    verify: (node, { data }) => {
      const person = personAt(node);
      expect(data.recipientCareMonth).toEqual({ personId: personIdOf(person), villageCode: person.village, planned: false, requiredVisits: 0, verifiedVisits: 0, met: false, visits: [] });
    },
  },
  {
    field: 'careCompliance',
    type: 'Query',
    label: `careCompliance(at: target, month: ${CARE_MONTH})`,
    gate: Capability.READ_COMPLIANCE_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { careCompliance(at: $at, month: "${CARE_MONTH}") { jurisdiction { code } basis recipients verifiedVisits } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      expect(data.careCompliance).toEqual({ jurisdiction: { code: node }, basis: 'LIVE', recipients: 0, verifiedVisits: 0 });
    },
  },
  ...(['planCareMonth', 'closeCareMonth'] as const).map((field) => ({
    field,
    type: 'Mutation' as const,
    label: `${field}(under: target, month: ${CARE_MONTH})`,
    gate: Capability.PLAN_CARE_MONTHS,
    write: true,
    request: (node: string) => ({
      query: `mutation($under: String!) { ${field}(under: $under, month: "${CARE_MONTH}") { jurisdiction { code } enrolled requiredVisits closed } }`,
      variables: { under: node },
    }),
    verify: (node: string, { data, before, after }: { data: any; before: State; after: State }) => {
      // Everyone enrolled since ENROLLED_SINCE living at or below the node, each asked as many visits as the rules' level's code is long.
      const people = [...new Set(Object.values(RELATIONS))].map(personAt).filter((p) => p.village.startsWith(node));
      const required = people.reduce((sum, p) => sum + careRulesNodeOf(p.village).length, 0);
      expect(data[field]).toEqual({ jurisdiction: { code: node }, enrolled: people.length, requiredVisits: required, closed: field === 'closeCareMonth' });
      const months = people.map((p) => `${personIdOf(p)} ${CARE_MONTH}`).sort();
      expect(changes(before, after)).toEqual(field === 'closeCareMonth' ? { care_month: months, care_month_close: [`${node} ${CARE_MONTH}`] } : { care_month: months });
    },
  })),
  // Voucher accounts (seed 004 篇四): a recipient's vouchers under READ_VOUCHER_ACCOUNTS over their village (the
  // fixture credits no one: no account yet, the read audited all the same); a node's figures under
  // READ_VOUCHER_FIGURES; the month's credits posted under POST_VOUCHER_CREDITS (the fixture stores no
  // entitlement of RUN_MONTH: a run with nothing to post, which is recorded).
  {
    field: 'personVouchers',
    type: 'Query',
    label: 'personVouchers of the person below the target',
    gate: Capability.READ_VOUCHER_ACCOUNTS,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { personVouchers(person: $id) { personId balanceFen ownPaidFen accounts { schemeKind } } }`, variables: { id: personIdOf(personAt(node)) } }),
    verify: (node, { data }) => {
      expect(data.personVouchers).toEqual({ personId: personIdOf(personAt(node)), balanceFen: 0, ownPaidFen: 0, accounts: [] });
    },
  },
  {
    field: 'voucherFigures',
    type: 'Query',
    label: `voucherFigures(at: target, month: ${CARE_MONTH})`,
    gate: Capability.READ_VOUCHER_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { voucherFigures(at: $at, month: "${CARE_MONTH}") { jurisdiction { code } creditedFen funders { level } voucherChargedFen ownPaidFen balanceFen } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      expect(data.voucherFigures).toEqual({ jurisdiction: { code: node }, creditedFen: 0, funders: [], voucherChargedFen: 0, ownPaidFen: 0, balanceFen: 0 });
    },
  },
  {
    field: 'voucherAdjustments',
    type: 'Query',
    label: 'voucherAdjustments(under: target)',
    gate: Capability.READ_VOUCHER_ACCOUNTS,
    write: false,
    request: (node) => ({ query: `query($under: String) { voucherAdjustments(under: $under, first: 200) { id state amountFen } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      const expected = [...fixtureAdjustments.entries()]
        .filter(([code]) => personAt(code).village.startsWith(node))
        .map(([, id]) => id)
        .sort((a, b) => Number(b) - Number(a));
      expect(data.voucherAdjustments).toEqual(expected.map((id) => ({ id, state: 'PROPOSED', amountFen: ADJUSTMENT_FEN })));
    },
  },
  // The special campaign's anomaly lists (seed 004 篇六, READ_ANOMALIES): the fixture's verified orders were written
  // without a contract, so the ledger charged none of them, and each one living under the node is listed.
  {
    field: 'anomalies',
    type: 'Query',
    label: `anomalies(at: target, kind: VERIFIED_NOT_CHARGED, ${CALLBACK_DAY} to ${DRAW_DAY})`,
    gate: Capability.READ_ANOMALIES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { anomalies(at: $at, kind: VERIFIED_NOT_CHARGED, from: "${CALLBACK_DAY}", to: "${DRAW_DAY}", first: 100) { at rows { orderIds reasons } } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      const expected = targetsLivingUnder(node)
        .flatMap((code) => [openOrders.get(code)!, calledBackOrders.get(code)!])
        .sort((a, b) => Number(a) - Number(b));
      expect(data.anomalies).toEqual({ at: node, rows: expected.map((id) => ({ orderIds: [id], reasons: ['NO_CONTRACT'] })) });
    },
  },
  {
    field: 'proposeVoucherAdjustment',
    type: 'Mutation',
    label: 'proposeVoucherAdjustment(the person below the target, funded by their village)',
    gate: Capability.PROPOSE_VOUCHER_ADJUSTMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($input: ProposeVoucherAdjustmentInput!) { proposeVoucherAdjustment(input: $input) { id personId funderCode amountFen state } }`,
      variables: { input: { person: personIdOf(personAt(node)), schemeKind: 'HOME_CARE_SUBSIDY', funder: personAt(node).village, amountFen: -100, reason: '多充更正' } },
    }),
    verify: (node, { data, before, after }) => {
      const added = addedRow('ledger_adjustment', before, after);
      expect(data.proposeVoucherAdjustment).toEqual({ id: String(added.id), personId: personIdOf(personAt(node)), funderCode: personAt(node).village, amountFen: -100, state: 'PROPOSED' });
      expect(changes(before, after)).toEqual({ ledger_adjustment: [String(added.id)] });
    },
  },
  {
    field: 'decideVoucherAdjustment',
    type: 'Mutation',
    label: 'decideVoucherAdjustment(approve the adjustment of the person below the target)',
    gate: Capability.APPROVE_VOUCHER_ADJUSTMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($id: ID!) { decideVoucherAdjustment(id: $id, approve: true, note: "核对无误") { id state amountFen postingId } }`,
      variables: { id: fixtureAdjustments.get(node)! },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureAdjustments.get(node)!;
      const posting = addedRow('ledger_posting', before, after);
      expect(data.decideVoucherAdjustment).toEqual({ id, state: 'APPROVED', amountFen: ADJUSTMENT_FEN, postingId: String(posting.id) });
      const changed = changes(before, after);
      expect(Object.keys(changed).sort()).toEqual(['ledger_account', 'ledger_adjustment', 'ledger_figure', 'ledger_line', 'ledger_posting']);
      expect(changed.ledger_adjustment).toEqual([id]);
      // The person's voucher account and the village's funder account: one line each, summing to zero.
      expect(changed.ledger_line).toHaveLength(2);
      expect(changed.ledger_account).toHaveLength(2);
    },
  },
  {
    field: 'postVoucherCredits',
    type: 'Mutation',
    label: `postVoucherCredits(at: target, month: ${RUN_MONTH})`,
    gate: Capability.POST_VOUCHER_CREDITS,
    write: true,
    request: (node) => ({
      query: `mutation($at: String!) { postVoucherCredits(at: $at, month: "${RUN_MONTH}") { id jurisdiction { code } month postings creditedFen withheld } }`,
      variables: { at: node },
    }),
    verify: (node, { data, before, after }) => {
      const run = addedRow('ledger_credit_run', before, after);
      expect(data.postVoucherCredits).toEqual({ id: String(run.id), jurisdiction: { code: node }, month: RUN_MONTH, postings: 0, creditedFen: 0, withheld: 0 });
      expect(changes(before, after)).toEqual({ ledger_credit_run: [String(run.id)] });
    },
  },
  // Settlement and the level's voucher rules (docs/settlement.md): the rules in force under READ_POLICIES, set under
  // SET_LEDGER_RULES; a statement reached from its purchasing level (or its town) under READ_SETTLEMENTS, a provider
  // its own (every fixture statement is A's); the quarter's funds under READ_SETTLEMENT_FIGURES; preparing,
  // checking, reviewing and approving under their capabilities, each over the statement's (or the contract's) node.
  {
    field: 'ledgerRules',
    type: 'Query',
    label: `ledgerRules(at: target, month: ${SETTLEMENT_MONTHS.approve})`,
    gate: Capability.READ_POLICIES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { ledgerRules(at: $at, month: "${SETTLEMENT_MONTHS.approve}") { code fromMonth mealOwnSharePercent yearCap returnFrozen } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      expect(data.ledgerRules).toEqual({ code: node, fromMonth: RULES_MONTH, mealOwnSharePercent: mealShareAt(node), yearCap: true, returnFrozen: false });
    },
  },
  {
    field: 'setLedgerRules',
    type: 'Mutation',
    label: 'setLedgerRules(the target, from this month: a meal’s own share of 80 %, frozen balances returned)',
    gate: Capability.SET_LEDGER_RULES,
    write: true,
    request: (node) => ({
      query: `mutation($input: SetLedgerRulesInput!) { setLedgerRules(input: $input) { code fromMonth mealOwnSharePercent yearCap returnFrozen } }`,
      variables: { input: { jurisdictionCode: node, fromMonth: thisMonthInChina(), mealOwnSharePercent: 80, yearCap: true, returnFrozen: true, source: '测试文件' } },
    }),
    verify: (node, { data, before, after }) => {
      expect(data.setLedgerRules).toEqual({ code: node, fromMonth: thisMonthInChina(), mealOwnSharePercent: 80, yearCap: true, returnFrozen: true });
      const added = addedRow('ledger_rules', before, after);
      expect(changes(before, after)).toEqual({ ledger_rules: [String(added.id)] });
    },
  },
  {
    field: 'settlementStatement',
    type: 'Query',
    label: `settlementStatement(id) of the contract made at the target, ${SETTLEMENT_MONTHS.approve}`,
    gate: Capability.READ_SETTLEMENTS,
    write: false,
    request: (node) => ({
      query: `query($id: ID!) { settlementStatement(id: $id) { id code month state orders voucherFen towns { code checkedBy } villages { code voucherFen } items { orderId voucherFen } } }`,
      variables: { id: fixtureStatements.get(node)!.approve },
    }),
    verify: (node, { data }) => {
      expect(data.settlementStatement).toEqual({
        id: fixtureStatements.get(node)!.approve,
        code: node,
        month: SETTLEMENT_MONTHS.approve,
        state: 'REVIEWED',
        orders: 1,
        voucherFen: SETTLED_FEN,
        towns: [{ code: townOf(node), checkedBy: expect.any(String) }],
        villages: [{ code: VILLAGE_OF[node], voucherFen: SETTLED_FEN }],
        items: [{ orderId: calledBackOrders.get(node), voucherFen: SETTLED_FEN }],
      });
    },
  },
  {
    field: 'settlementStatements',
    type: 'Query',
    label: 'settlementStatements(under: target)',
    gate: Capability.READ_SETTLEMENTS,
    write: false,
    request: (node) => ({ query: `query($under: String) { settlementStatements(under: $under, first: 50) { id month state } }`, variables: { under: node } }),
    verify: (node, { data }) => {
      const states: Record<string, string> = { [SETTLEMENT_MONTHS.approve]: 'REVIEWED', [SETTLEMENT_MONTHS.check]: 'DRAFT', [SETTLEMENT_MONTHS.review]: 'DRAFT' };
      expect(data.settlementStatements).toEqual(statementsUnder(node).map(({ id, month }) => ({ id, month, state: states[month] })));
    },
  },
  {
    field: 'settlementQuarter',
    type: 'Query',
    label: `settlementQuarter(at: target, ${SETTLEMENT_QUARTER.year} Q${SETTLEMENT_QUARTER.quarter})`,
    gate: Capability.READ_SETTLEMENT_FIGURES,
    write: false,
    request: (node) => ({
      query: `query($at: String!) { settlementQuarter(at: $at, year: ${SETTLEMENT_QUARTER.year}, quarter: ${SETTLEMENT_QUARTER.quarter}) { code year quarter statements totalFen funders { code } } }`,
      variables: { at: node },
    }),
    verify: (node, { data }) => {
      // No fixture statement is approved: the quarter owes nothing yet.
      expect(data.settlementQuarter).toEqual({ code: node, ...SETTLEMENT_QUARTER, statements: 0, totalFen: 0, funders: [] });
    },
  },
  {
    field: 'prepareSettlement',
    type: 'Mutation',
    label: `prepareSettlement(the contract made at the target, ${SETTLEMENT_MONTHS.prepare})`,
    gate: Capability.PREPARE_SETTLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($contract: ID!) { prepareSettlement(contract: $contract, month: "${SETTLEMENT_MONTHS.prepare}") { id contractId code month state orders towns { code } } }`,
      variables: { contract: fixtureContracts.get(node) },
    }),
    verify: (node, { data, before, after }) => {
      const added = addedRow('settlement_statement', before, after);
      expect(data.prepareSettlement).toEqual({
        id: String(added.id),
        contractId: fixtureContracts.get(node),
        code: node,
        month: SETTLEMENT_MONTHS.prepare,
        state: 'DRAFT',
        orders: 0,
        towns: [],
      });
      expect(changes(before, after)).toEqual({ settlement_statement: [String(added.id)] });
    },
  },
  {
    field: 'checkSettlementTown',
    type: 'Mutation',
    label: `checkSettlementTown(the target's ${SETTLEMENT_MONTHS.check} statement, the town of the village below the target)`,
    gate: Capability.REVIEW_SETTLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($statement: ID!, $town: String!) { checkSettlementTown(statement: $statement, town: $town) { id state towns { code checkedBy } } }`,
      variables: { statement: fixtureStatements.get(node)!.check, town: townOf(node) },
    }),
    verify: (node, { data, role, before, after }) => {
      const id = fixtureStatements.get(node)!.check;
      expect(data.checkSettlementTown).toEqual({ id, state: 'DRAFT', towns: [{ code: townOf(node), checkedBy: actorName(role!) }] });
      expect(changes(before, after)).toEqual({ settlement_town: [`${id} ${townOf(node)}`] });
    },
  },
  {
    field: 'reviewSettlement',
    type: 'Mutation',
    label: `reviewSettlement(the target's ${SETTLEMENT_MONTHS.review} statement, its town checked)`,
    gate: Capability.REVIEW_SETTLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($statement: ID!) { reviewSettlement(statement: $statement) { id state reviewedBy } }`,
      variables: { statement: fixtureStatements.get(node)!.review },
    }),
    verify: (node, { data, role, before, after }) => {
      const id = fixtureStatements.get(node)!.review;
      expect(data.reviewSettlement).toEqual({ id, state: 'REVIEWED', reviewedBy: actorName(role!) });
      expect(changes(before, after)).toEqual({ settlement_statement: [id] });
    },
  },
  {
    field: 'approveSettlement',
    type: 'Mutation',
    label: `approveSettlement(the target's reviewed ${SETTLEMENT_MONTHS.approve} statement)`,
    gate: Capability.APPROVE_SETTLEMENTS,
    write: true,
    request: (node) => ({
      query: `mutation($statement: ID!) { approveSettlement(statement: $statement) { id state approvedBy voucherFen } }`,
      variables: { statement: fixtureStatements.get(node)!.approve },
    }),
    verify: (node, { data, role, before, after }) => {
      const id = fixtureStatements.get(node)!.approve;
      expect(data.approveSettlement).toEqual({ id, state: 'APPROVED', approvedBy: actorName(role!), voucherFen: SETTLED_FEN });
      const changed = changes(before, after);
      expect(Object.keys(changed).sort()).toEqual(['ledger_account', 'ledger_figure', 'ledger_line', 'ledger_posting', 'ledger_unsettled', 'settlement_statement']);
      expect(changed.settlement_statement).toEqual([id]);
      // Its charge is settled; one posting for its village moves the vouchers from A's account (new) to the funder's payable (new).
      expect(changed.ledger_unsettled).toEqual([settledPostingAt(node)]);
      const posting = addedRow('ledger_posting', before, after);
      expect(posting).toMatchObject({ cause: 'SETTLEMENT', village_code: VILLAGE_OF[node], statement_id: Number(id) });
      expect(changed.ledger_line).toHaveLength(2);
      expect(changed.ledger_account).toHaveLength(2);
      expect(changed.ledger_figure).toEqual([`${VILLAGE_OF[node]} ${SETTLEMENT_MONTHS.approve} ${after.settlement_statement[id].organisation_id}`]);
    },
  },
  // Work orders and visits (seed 004 篇四): read under READ_WORK_ORDERS in the subtree (a provider its
  // organisation's, a caregiver their own: no target order is); the home place and card under
  // MANAGE_SERVICE_CARDS over the person's village; booked, cancelled and redone under BOOK_WORK_ORDERS,
  // assigned by the provider, signed in and out by the order's caregiver only.
  {
    field: 'workOrder',
    type: 'Query',
    label: 'workOrder(id) of A’s order for the person below the target',
    gate: Capability.READ_WORK_ORDERS,
    caregiver: true,
    write: false,
    request: (node) => ({ query: `query($id: ID!) { workOrder(id: $id) { id state village { code } } }`, variables: { id: fixtureOrders.get(node)!.assigned } }),
    verify: (node, { data }) => {
      expect(data.workOrder).toEqual({ id: fixtureOrders.get(node)!.assigned, state: 'ASSIGNED', village: { code: personAt(node).village } });
    },
  },
  {
    field: 'workOrders',
    type: 'Query',
    label: 'workOrders(under: target)',
    gate: Capability.READ_WORK_ORDERS,
    write: false,
    request: (node) => ({ query: `query($under: String) { workOrders(under: $under, first: 50) { totalCount edges { node { id } } } }`, variables: { under: node } }),
    verify: (node, { data, role }) => {
      // Every fixture order is A's, none the fixture caregiver's own.
      const ids = role === Role.CAREGIVER ? [] : ordersUnder(node);
      expect(data.workOrders.edges.map((e: any) => e.node.id)).toEqual(ids);
      expect(data.workOrders.totalCount).toBe(ids.length);
    },
  },
  {
    field: 'homePlace',
    type: 'Query',
    label: 'homePlace(person below the target)',
    gate: Capability.READ_PERSONAL_DATA,
    write: false,
    request: (node) => ({ query: `query($person: ID!) { homePlace(person: $person) { personId lat lng } }`, variables: { person: personIdOf(personAt(node)) } }),
    verify: (node, { data }) => {
      expect(data.homePlace).toEqual({ personId: personIdOf(personAt(node)), ...HOME_PLACE });
    },
  },
  {
    field: 'setHomePlace',
    type: 'Mutation',
    label: 'setHomePlace(person below the target)',
    gate: Capability.MANAGE_SERVICE_CARDS,
    write: true,
    request: (node) => ({
      query: `mutation($person: ID!) { setHomePlace(person: $person, lat: 32.43, lng: 119.57) { personId lat lng } }`,
      variables: { person: personIdOf(personAt(node)) },
    }),
    verify: (node, { data, before, after }) => {
      const person = personIdOf(personAt(node));
      expect(data.setHomePlace).toEqual({ personId: person, lat: 32.43, lng: 119.57 });
      expect(changes(before, after)).toEqual({ person_home_place: [person] });
    },
  },
  {
    field: 'issueServiceCard',
    type: 'Mutation',
    label: 'issueServiceCard(person below the target)',
    gate: Capability.MANAGE_SERVICE_CARDS,
    write: true,
    request: (node) => ({ query: `mutation($person: ID!) { issueServiceCard(person: $person) { personId token } }`, variables: { person: personIdOf(personAt(node)) } }),
    verify: (node, { data, before, after }) => {
      expect(data.issueServiceCard).toEqual({ personId: personIdOf(personAt(node)), token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      const card = addedRow('service_card', before, after);
      expect(changes(before, after)).toEqual({ service_card: [String(card.id)] });
    },
  },
  {
    field: 'bookWorkOrder',
    type: 'Mutation',
    label: 'bookWorkOrder(person below the target, A, for an agent)',
    gate: Capability.BOOK_WORK_ORDERS,
    write: true,
    request: (node) => ({
      query: `mutation($input: BookWorkOrderInput!) { bookWorkOrder(input: $input) { state bookedAs agentName provider { creditCode } } }`,
      variables: {
        input: { person: personIdOf(personAt(node)), provider: creditCodeOf('A'), items: [contractItemAt(node)], plannedDay: todayInChina(), bookedAs: 'AGENT', agentName: '王小明' },
      },
    }),
    verify: (_node, { data, before, after }) => {
      expect(data.bookWorkOrder).toEqual({ state: 'BOOKED', bookedAs: 'AGENT', agentName: '王小明', provider: { creditCode: creditCodeOf('A') } });
      const order = addedRow('work_order', before, after);
      expect(changes(before, after)).toEqual({ work_order: [String(order.id)] });
    },
  },
  {
    field: 'assignWorkOrder',
    type: 'Mutation',
    label: 'assignWorkOrder(A’s order below the target, A’s caregiver based there)',
    gate: Capability.ASSIGN_WORK_ORDERS,
    caregiver: true,
    write: true,
    request: (node) => ({
      query: `mutation($order: ID!, $caregiver: ID!) { assignWorkOrder(order: $order, caregiver: $caregiver) { id state caregiver { id } } }`,
      variables: { order: fixtureOrders.get(node)!.assigned, caregiver: caregiverAt(node) },
    }),
    verify: (node, { data, before, after }) => {
      const id = fixtureOrders.get(node)!.assigned;
      expect(data.assignWorkOrder).toEqual({ id, state: 'ASSIGNED', caregiver: { id: caregiverAt(node) } });
      expect(changes(before, after)).toEqual({ work_order: [id] });
    },
  },
  {
    field: 'cancelWorkOrder',
    type: 'Mutation',
    label: 'cancelWorkOrder(A’s order below the target)',
    gate: Capability.BOOK_WORK_ORDERS,
    caregiver: true,
    write: true,
    request: (node) => ({ query: `mutation($order: ID!) { cancelWorkOrder(order: $order, reason: "老人住院") { id state } }`, variables: { order: fixtureOrders.get(node)!.assigned } }),
    verify: (node, { data, before, after }) => {
      const id = fixtureOrders.get(node)!.assigned;
      expect(data.cancelWorkOrder).toEqual({ id, state: 'CANCELLED' });
      expect(changes(before, after)).toEqual({ work_order: [id] });
    },
  },
  {
    field: 'redoWorkOrder',
    type: 'Mutation',
    label: 'redoWorkOrder(A’s VOID order below the target)',
    gate: Capability.BOOK_WORK_ORDERS,
    caregiver: true,
    write: true,
    request: (node) => ({ query: `mutation($order: ID!) { redoWorkOrder(order: $order) { state redoOf } }`, variables: { order: fixtureOrders.get(node)!.voided } }),
    verify: (node, { data, before, after }) => {
      expect(data.redoWorkOrder).toEqual({ state: 'ASSIGNED', redoOf: fixtureOrders.get(node)!.voided });
      const order = addedRow('work_order', before, after);
      expect(changes(before, after)).toEqual({ work_order: [String(order.id)] });
    },
  },
  ...(['checkIn', 'checkOut'] as const).map(
    (field): TargetedOperation => ({
      field,
      type: 'Mutation',
      label: `${field}(A’s order below the target, assigned to A’s caregiver there)`,
      gate: Capability.RECORD_VISITS,
      caregiver: true,
      write: true,
      request: (node) => ({
        query: `mutation($input: VisitEventInput!) { ${field}(input: $input) { order { id } } }`,
        variables: { input: { order: fixtureOrders.get(node)!.assigned, clientId: '00000000-0000-4000-8000-000000000001', deviceAt: new Date().toISOString(), place: HOME_PLACE } },
      }),
      // Only the order's own caregiver signs in or out, and no target order is the fixture caregiver's.
      verify: () => {
        throw new Error(`${field} is allowed to no fixture caller`);
      },
    }),
  ),
];

const OWN: OwnOperation[] = [
  {
    field: 'notices',
    type: 'Query',
    label: 'notices',
    gate: Capability.READ_TARGETS,
    write: false,
    request: () => ({ query: `{ notices(first: 100) { totalCount edges { node { id issuedBy { code } } } } }` }),
    verify: (_role, _actor, { data }) => {
      // Issued at the home or below it, or at the city above that names the home among its children.
      const concerning = [RELATIONS.own, RELATIONS.descendant, RELATIONS.ancestor];
      expect(data.notices.totalCount).toBe(concerning.length);
      expect(data.notices.edges.map((edge: any) => edge.node.issuedBy.code).sort()).toEqual([...concerning].sort());
    },
  },
  {
    field: 'me',
    type: 'Query',
    label: 'me',
    gate: 'signed-in',
    write: false,
    request: () => ({ query: `{ me { username roles jurisdiction { code } organisation { creditCode } } }` }),
    verify: (role, actor, { data }) => {
      const organisation = ACTOR_ORGANISATION[role];
      expect(data.me).toEqual({
        username: actor.username,
        roles: [role],
        jurisdiction: { code: HOME },
        organisation: organisation ? { creditCode: creditCodeOf(organisation) } : null,
      });
    },
  },
  {
    field: 'reviewProcedureTemplates',
    type: 'Query',
    label: 'reviewProcedureTemplates',
    gate: Capability.READ_POLICIES,
    write: false,
    request: () => ({ query: `{ reviewProcedureTemplates { key } }` }),
    verify: (_role, _actor, { data }) => {
      expect(data.reviewProcedureTemplates).toEqual([{ key: 'SHENZHEN' }, { key: 'JIANGDU' }]);
    },
  },
  {
    field: 'careRulesTemplates',
    type: 'Query',
    label: 'careRulesTemplates',
    gate: Capability.READ_CASES,
    write: false,
    request: () => ({ query: `{ careRulesTemplates { key } }` }),
    verify: (_role, _actor, { data }) => {
      expect(data.careRulesTemplates).toEqual([{ key: 'JIANGDU' }]);
    },
  },
  {
    field: 'grantableRoles',
    type: 'Query',
    label: 'grantableRoles',
    gate: Capability.MANAGE_USERS,
    write: false,
    request: () => ({ query: `{ grantableRoles }` }),
    verify: (role, _actor, { data }) => {
      expect([...data.grantableRoles].sort()).toEqual([...GRANTABLE_ROLES[role]].sort());
    },
  },
  {
    field: 'login',
    type: 'Mutation',
    label: 'login',
    gate: 'public',
    write: false,
    anonymous: true,
    request: (actor) => ({
      query: `mutation($username: String!, $password: String!) { login(username: $username, password: $password) { token user { username } } }`,
      variables: { username: actor.username, password: TEST_PASSWORD },
    }),
    verify: (_role, actor, { data }) => {
      expect(data.login.user).toEqual({ username: actor.username });
      expect(typeof data.login.token).toBe('string');
    },
  },
  {
    field: 'changePassword',
    type: 'Mutation',
    label: 'changePassword',
    gate: 'signed-in',
    write: true,
    request: () => ({
      query: `mutation($current: String!, $next: String!) { changePassword(currentPassword: $current, newPassword: $next) { token user { username } } }`,
      variables: { current: TEST_PASSWORD, next: NEW_PASSWORD },
    }),
    verify: (_role, actor, { data, before, after }) => {
      expect(data.changePassword.user).toEqual({ username: actor.username });
      expect(changes(before, after)).toEqual({ app_user: [actor.username] });
      expect(after.app_user[actor.username].password_hash).not.toBe(before.app_user[actor.username].password_hash);
    },
  },
  {
    field: 'syncVisits',
    type: 'Mutation',
    label: 'syncVisits(an order created offline for a person of the caregiver’s county)',
    gate: Capability.RECORD_VISITS,
    write: true,
    request: () => ({
      query: `mutation($events: [SyncVisitEventInput!]!) { syncVisits(events: $events) { clientId refusal { code } outcome { order { state } } } }`,
      variables: {
        events: [
          {
            kind: 'CHECK_IN',
            newOrder: { clientId: '00000000-0000-4000-8000-0000000000aa', person: personIdOf(personAt(RELATIONS.own)), items: [contractItemAt(RELATIONS.own)] },
            clientId: '00000000-0000-4000-8000-0000000000bb',
            deviceAt: new Date(Date.now() - 3_600_000).toISOString(),
            place: HOME_PLACE,
          },
        ],
      },
    }),
    verify: (_role, _actor, { data, before, after }) => {
      expect(data.syncVisits).toEqual([{ clientId: '00000000-0000-4000-8000-0000000000bb', refusal: null, outcome: { order: { state: 'CHECKED_IN' } } }]);
      const order = addedRow('work_order', before, after);
      const event = addedRow('visit_event', before, after);
      expect(changes(before, after)).toEqual({ work_order: [String(order.id)], visit_event: [String(event.id)] });
    },
  },
];

type Outcome = 'ALLOWED' | 'FORBIDDEN' | 'UNAUTHENTICATED' | 'OUT_OF_SCOPE';

// The nodes on the path from the province down to the caller's home: what is set there applies in the home subtree.
const ABOVE_HOME: Record<Relation, boolean> = {
  own: true,
  descendant: false,
  ancestor: true,
  sibling: false,
  'other province': false,
};

/**
 * The answer the rules call for: sign-in, then the capability (ROLE_CAPABILITIES), then the subtree
 * (or, for what is set above and applies below, the path above the home too), refused as the operation
 * refuses (FORBIDDEN, for a code as for a record by id), then, for a facility, the
 * operator: an OPERATOR_BOUND role reaches only its organisation's facilities.
 */
function expectedOutcome(
  gate: Operation['gate'],
  role: Role | null,
  relation: Relation | null,
  operator: Org | null = null,
  reach: Reach = {},
): Outcome {
  if (gate === 'public') return 'ALLOWED';
  if (role === null) return 'UNAUTHENTICATED';
  if (gate !== 'signed-in' && !ROLE_CAPABILITIES[role].includes(gate)) return 'FORBIDDEN';
  if (reach.also && !ROLE_CAPABILITIES[role].includes(reach.also)) return 'FORBIDDEN';
  if (reach.grants && !reach.grants.every((granted) => GRANTABLE_ROLES[role].includes(granted))) return 'FORBIDDEN';
  if (relation !== null && !IN_SUBTREE[relation] && !(reach.above && ABOVE_HOME[relation])) return reach.refusal ?? 'FORBIDDEN';
  if (reach.strictlyBelow && relation === 'own') return 'FORBIDDEN';
  if (operator !== null && OPERATOR_BOUND.includes(role) && ACTOR_ORGANISATION[role] !== operator) return 'FORBIDDEN';
  if (reach.ownRecord && role === Role.CAREGIVER) return 'FORBIDDEN';
  return 'ALLOWED';
}

/** The operator of what a targeted operation aims at, when it aims at a facility. */
const operatorAt = (operation: TargetedOperation, relation: Relation): Org | null =>
  operation.facility ? facilityAt(RELATIONS[relation]).operator : operation.caregiver ? 'A' : null;

/** How far a targeted operation reaches: a caregiver-aimed one is a record a CAREGIVER reaches only as their own. */
const reachOf = (operation: TargetedOperation): Reach => ({ ...operation, ownRecord: operation.caregiver });

/** Sends the request and checks the outcome; a refusal returns no data and changes no row. */
async function run(operation: Operation, request: Request, role: Role | null, token: string | null, expected: Outcome, verify: (check: Check) => void) {
  const before = await tableState();
  const [{ lastEntry }] = await h.db.query(`SELECT coalesce(max(id), 0)::text AS "lastEntry" FROM audit_entry`);
  const res: GraphQLResponse = await h.gql(request.query, request.variables, token);
  const after = await tableState();
  if (expected === 'ALLOWED') {
    expect(res.errors).toBeUndefined();
    verify({ data: res.data, role, outcome: expected, before, after });
    if (!operation.write) expect(after).toEqual(before);
  } else if (expected === 'OUT_OF_SCOPE') {
    // Refused row by row: the answer names the rows out of reach, and nothing is written.
    expect(res.errors).toBeUndefined();
    verify({ data: res.data, role, outcome: expected, before, after });
    expect(after).toEqual(before);
  } else {
    // One error per refused field: an operation that asks for the field twice (under two aliases) may get two.
    expect([...new Set(errorCodes(res))]).toEqual([expected]);
    expect((operation.refused ? operation.refused(res.data) : res.data?.[operation.root ?? operation.field]) ?? null).toBeNull();
    if (operation.refused) expect(errorCodes(res)).toHaveLength(1);
    expect(after).toEqual(before);
    if (operation.type === 'Mutation') await expectOneRefusal(operation.field, request, role, expected, lastEntry);
  }
}

/** A refused mutation leaves exactly one FAILURE entry, under its service's action, naming a target (ids too when signed in). */
async function expectOneRefusal(field: string, request: Request, role: Role | null, code: Outcome, lastEntry: string) {
  const entries = await h.db.query(
    `SELECT action, outcome, error_code, target_type IS NOT NULL AS targeted, cardinality(target_ids) > 0 AS "namesIds"
     FROM audit_entry WHERE id > $1::bigint ORDER BY id`,
    [lastEntry],
  );
  const { action } = MUTATION_AUDIT[field];
  const expectedAction = typeof action === 'string' ? action : action(request.variables ?? {});
  expect([field, entries]).toEqual([field, [{ action: expectedAction, outcome: 'FAILURE', error_code: code, targeted: true, namesIds: role === null ? expect.any(Boolean) : true }]]);
}

const RELATION_NAMES = Object.keys(RELATIONS) as Relation[];

// One row per operation and role; each row runs the five scope relations and reports every miss.
const MATRIX = TARGETED.flatMap((operation) =>
  ROLES.map((role) => {
    const expected = Object.fromEntries(
      RELATION_NAMES.map((relation) => [relation, expectedOutcome(operation.gate, role, relation, operatorAt(operation, relation), reachOf(operation))]),
    ) as Record<Relation, Outcome>;
    const outcomes = RELATION_NAMES.map((relation) => `${relation} ${expected[relation]}`).join(', ');
    return { operation, label: operation.label, role, expected, outcomes };
  }),
);

const OWN_MATRIX = OWN.flatMap((operation) =>
  ROLES.map((role) => ({ operation, label: operation.label, role, expected: expectedOutcome(operation.gate, role, null) })),
);

const isRoot = (operation: Operation) => operation.type === 'Query' || operation.type === 'Mutation';

// Nested fields are open to whoever reached their parent, except these, which need a capability of their own.
const GATED_NESTED: Record<string, Gate> = {
  'Jurisdiction.coverage': Capability.READ_COVERAGE,
  'Jurisdiction.childCoverage': Capability.READ_COVERAGE,
  'Jurisdiction.coverageTrend': Capability.READ_COVERAGE,
  'Jurisdiction.facilityStats': Capability.READ_COVERAGE,
  'Jurisdiction.peopleCounts': Capability.READ_PEOPLE_COUNTS,
  'Jurisdiction.elderlyPopulation': Capability.READ_PEOPLE_COUNTS,
  'Jurisdiction.subsidyTotals': Capability.READ_SUBSIDY_TOTALS,
  'Jurisdiction.entitlementRuns': Capability.READ_SUBSIDY_TOTALS,
  'Facility.subsidies': Capability.READ_FACILITY_SUBSIDIES,
  'Jurisdiction.caseFigures': Capability.READ_CASE_FIGURES,
  'Jurisdiction.childCaseFigures': Capability.READ_CASE_FIGURES,
};

/**
 * The suite, split into `parts` test files that jest runs side by side: part `part` takes every
 * `parts`-th row of each matrix, and the first part also runs the checks beyond the matrix.
 */
export function permissionSuite(part: number, parts: number): void {
  const mine = <T>(rows: readonly T[]): T[] => rows.filter((_, i) => i % parts === part);

  describe('the permission matrix', () => {
    it.each(mine(MATRIX))('$label as $role: $outcomes', async ({ operation, role, expected }) => {
      const failures: string[] = [];
      for (const [i, relation] of RELATION_NAMES.entries()) {
        const node = RELATIONS[relation];
        let failed = false;
        try {
          await run(operation, operation.request(node), role, actors.get(role)!.token, expected[relation], (check) => operation.verify(node, check));
        } catch (error) {
          failed = true;
          failures.push(`target ${relation} (${node}), expected ${expected[relation]}:\n${(error as Error).message}`);
        }
        // A write that went through (or a case that went wrong) leaves rows behind: the next relation starts afresh.
        const last = i === RELATION_NAMES.length - 1;
        if (!last && operation.write && (expected[relation] === 'ALLOWED' || failed)) await resetTables(h.db, fixture!);
      }
      if (failures.length > 0) throw new Error(failures.join('\n\n'));
    });

    it.each(mine(OWN_MATRIX))('$label as $role: $expected', async ({ operation, role, expected }) => {
      const actor = actors.get(role)!;
      const token = operation.anonymous ? null : actor.token;
      await run(operation, operation.request(actor), role, token, expected, (check) => operation.verify(role, actor, check));
    });

    const ANONYMOUS = [
      ...TARGETED.map((operation) => ({
        operation,
        label: operation.label,
        request: () => operation.request(RELATIONS.own),
        verify: (check: Check) => operation.verify(RELATIONS.own, check),
        expected: expectedOutcome(operation.gate, null, 'own', operatorAt(operation, 'own'), reachOf(operation)),
      })),
      ...OWN.map((operation) => ({
        operation,
        label: operation.label,
        request: () => operation.request(actors.get(Role.FINANCE)!),
        verify: (check: Check) => operation.verify(Role.FINANCE, actors.get(Role.FINANCE)!, check),
        expected: expectedOutcome(operation.gate, null, null),
      })),
    ];

    it.each(mine(ANONYMOUS))('$label without a token: $expected', async ({ operation, request, verify, expected }) => {
      await run(operation, request(), null, null, expected, verify);
    });

    if (part === 0) {
      it('has a row for every query and mutation of schema/schema.graphql and every capability-gated nested field, gated as ACCESS_RULES says', () => {
        const sdl = parseSdl(fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));
        const roots = [
          ...Object.keys(sdl.getQueryType()!.getFields()).map((f) => `Query.${f}`),
          ...Object.keys(sdl.getMutationType()!.getFields()).map((f) => `Mutation.${f}`),
        ].sort();
        const operations = [...TARGETED, ...OWN];
        const covered = operations.filter(isRoot).map((op) => `${op.type}.${op.field}`);
        expect([...new Set(covered)].sort()).toEqual(roots);
        const nested = operations.filter((op) => !isRoot(op)).map((op) => `${op.type}.${op.field}`);
        expect([...new Set(nested)].sort()).toEqual(Object.keys(GATED_NESTED).sort());
        for (const op of operations) expect([op.type, op.field, ACCESS_RULES[op.type][op.field]]).toEqual([op.type, op.field, op.gate]);
      });
    }
  });

  // The checks beyond the matrix run once, in the first part.
  if (part !== 0) return;

  // ---------------------------------------------------------------------------------------------
  // People beyond the matrix: the roles that never see a person get none by any road, and the full ID
  // number, phone and address need READ_PERSONAL_DATA and leave an audit entry naming whom and what.

  describe('people and their personal data', () => {
    const sdl = parseSdl(fs.readFileSync(path.join(__dirname, '../../schema/schema.graphql'), 'utf8'));

    /** Whether an answer of this type can hold a Person, however deep. */
    function holdsPerson(type: GraphQLNamedType, seen = new Set<string>()): boolean {
      if (type.name === 'Person') return true;
      if (!isObjectType(type) || seen.has(type.name)) return false;
      seen.add(type.name);
      return Object.values(type.getFields()).some((field) => holdsPerson(getNamedType(field.type), seen));
    }

    /** Every query and mutation whose answer can hold a Person, with its gate. */
    const PERSON_ROOTS = (['Query', 'Mutation'] as const).flatMap((root) =>
      Object.values((root === 'Query' ? sdl.getQueryType() : sdl.getMutationType())!.getFields())
        .filter((field) => holdsPerson(getNamedType(field.type)))
        .map((field) => ({ root, field: field.name, gate: ACCESS_RULES[root][field.name] })),
    );
    const opens = (role: Role, gate: Gate) => gate === 'public' || gate === 'signed-in' || (gate !== 'reachable' && ROLE_CAPABILITIES[role].includes(gate));

    // The README: these roles never see a person; an ANALYST works on aggregates only.
    const NEVER_A_PERSON = [Role.LEADERSHIP_OFFICE, Role.FINANCE, Role.SERVICE_PROVIDER, Role.ANALYST, Role.CAREGIVER];

    const PERSON = `query($id: ID!, $unmasked: Boolean!) { person(id: $id) { id nationalId(unmasked: $unmasked) } }`;
    const unmaskEntries = () =>
      h.db.query(
        `SELECT actor_username, actor_role, jurisdiction_id, target_type, target_ids, detail FROM audit_entry WHERE action = 'person.unmask' ORDER BY id`,
      );

    it('reaches a Person only through queries and mutations that none of LEADERSHIP_OFFICE, FINANCE, SERVICE_PROVIDER and ANALYST may use', () => {
      // The walk finds the roads there are: the registry, its mutations and entitlements.
      expect(PERSON_ROOTS.map(({ root, field }) => `${root}.${field}`)).toEqual(
        expect.arrayContaining(['Query.person', 'Query.people', 'Query.entitlement', 'Mutation.registerPerson', 'Mutation.recordAbilityAssessment']),
      );
      for (const role of NEVER_A_PERSON) {
        for (const { root, field, gate } of PERSON_ROOTS) expect([role, root, field, gate, opens(role, gate)]).toEqual([role, root, field, gate, false]);
      }
    });

    const NEVER_CASES = NEVER_A_PERSON.flatMap((role) => RELATION_NAMES.map((relation) => ({ role, relation })));

    it.each(NEVER_CASES)('$role gets no person living below the $relation: person, people and entitlement are FORBIDDEN, nothing audited', async ({ role, relation }) => {
      const node = RELATIONS[relation];
      const id = personIdOf(personAt(node));
      const token = actors.get(role)!.token;
      const requests: [string, Request][] = [
        ['person', { query: PERSON, variables: { id, unmasked: false } }],
        ['person', { query: PERSON, variables: { id, unmasked: true } }],
        ['people', { query: `query($under: String) { people(under: $under) { totalCount edges { node { id } } } }`, variables: { under: node } }],
        ['people', { query: `{ people { totalCount edges { node { id } } } }` }],
        ['entitlement', { query: `query($id: ID!, $month: Month!) { entitlement(personId: $id, month: $month) { person { id } amountFen } }`, variables: { id, month: thisMonthInChina() } }],
      ];
      const before = await tableState();
      for (const [root, { query, variables }] of requests) {
        const res = await h.gql(query, variables, token);
        expect([root, variables, errorCodes(res)]).toEqual([root, variables, ['FORBIDDEN']]);
        expect(res.data?.[root] ?? null).toBeNull();
      }
      expect(await tableState()).toEqual(before);
      expect(await unmaskEntries()).toEqual([]);
    });

    it('lets no role reach a Person without READ_PERSONAL_DATA: no caller can read a person and be refused its unmasked fields', () => {
      const reaching = ROLES.filter((role) => PERSON_ROOTS.some(({ gate }) => opens(role, gate)));
      expect(reaching).toEqual(expect.arrayContaining([Role.CIVIL_AFFAIRS_STAFF, Role.VILLAGE_WORKER, Role.ASSESSOR]));
      for (const role of reaching) expect([role, ROLE_CAPABILITIES[role].includes(Capability.READ_PERSONAL_DATA)]).toEqual([role, true]);
      // In particular no role holds READ_PEOPLE without READ_PERSONAL_DATA.
      const readers = ROLES.filter((role) => ROLE_CAPABILITIES[role].includes(Capability.READ_PEOPLE));
      expect(readers.filter((role) => !ROLE_CAPABILITIES[role].includes(Capability.READ_PERSONAL_DATA))).toEqual([]);
    });

    // No role gets there through the API, so the service's own check is called as the field resolver
    // would call it, for a person read in the subtree and a caller of the same home without the capability.
    it.each(['nationalId', 'phone', 'address'] as const)(
      'the service refuses %s unmasked to a caller without READ_PERSONAL_DATA: FORBIDDEN, no person.unmask entry',
      async (field) => {
        const contextOf = async (role: Role): Promise<Context> => {
          const base = { dataSource: h.db, db: h.db.manager, requestId: `permissions-${slug(role)}`, clientAddress: '127.0.0.1', locale: 'en' as const, loaders: new Map() };
          return { ...base, actor: await userService.authenticate(base, actors.get(role)!.token) };
        };
        const person = await personService.get(await contextOf(Role.CIVIL_AFFAIRS_STAFF), personIdOf(personAt(RELATIONS.descendant)));
        expect(ROLE_CAPABILITIES[Role.ANALYST]).not.toContain(Capability.READ_PERSONAL_DATA);
        await expect(personService.personalField(await contextOf(Role.ANALYST), person, field, true)).rejects.toMatchObject({
          extensions: { code: 'FORBIDDEN' },
        });
        expect(await unmaskEntries()).toEqual([]);
      },
    );

    const READERS = ROLES.filter((role) => ROLE_CAPABILITIES[role].includes(Capability.READ_PEOPLE));

    it.each(READERS)(
      '%s reads the ID number of a person of the subtree masked with no entry, unmasked in full with one person.unmask entry; out of reach FORBIDDEN with none',
      async (role) => {
        const actor = actors.get(role)!;
        const person = personAt(RELATIONS.descendant);
        const id = personIdOf(person);

        const masked = await h.gql(PERSON, { id, unmasked: false }, actor.token);
        expect(masked.errors).toBeUndefined();
        expect(masked.data.person).toEqual({ id, nationalId: maskedId(person.nationalId) });
        expect(await unmaskEntries()).toEqual([]);

        const outside = await h.gql(PERSON, { id: personIdOf(personAt(RELATIONS.sibling)), unmasked: true }, actor.token);
        expect(errorCodes(outside)).toEqual(['FORBIDDEN']);
        expect(outside.data?.person ?? null).toBeNull();
        expect(await unmaskEntries()).toEqual([]);

        const full = await h.gql(PERSON, { id, unmasked: true }, actor.token);
        expect(full.errors).toBeUndefined();
        expect(full.data.person).toEqual({ id, nationalId: person.nationalId });
        // Recorded where the person lives, under the role that holds READ_PERSONAL_DATA.
        expect(await unmaskEntries()).toEqual([
          {
            actor_username: actor.username,
            actor_role: role,
            jurisdiction_id: jurisdictionIds.get(person.village),
            target_type: 'Person',
            target_ids: [id],
            detail: { fields: ['nationalId'] },
          },
        ]);
      },
    );
  });

  // ---------------------------------------------------------------------------------------------
  // Granting: an administrator gives only roles they may grant, and manages only users holding such roles.

  const CREATE = `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles } }`;
  const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles active displayName jurisdiction { code } } }`;
  const RESET = `mutation($username: String!, $password: String!) { resetPassword(username: $username, newPassword: $password) { username } }`;

  const GRANTS: { what: string; field: string; query: string; variables: Record<string, unknown>; changes: string }[] = [
    {
      what: 'create a PLATFORM_ADMIN',
      field: 'createUser',
      query: CREATE,
      variables: { input: { username: 'new@321012100', password: NEW_PASSWORD, jurisdictionCode: '321012100', roles: [Role.PLATFORM_ADMIN] } },
      changes: 'new@321012100',
    },
    {
      what: 'create a user with FINANCE and PLATFORM_ADMIN',
      field: 'createUser',
      query: CREATE,
      variables: { input: { username: 'new@321012100', password: NEW_PASSWORD, jurisdictionCode: '321012100', roles: [Role.FINANCE, Role.PLATFORM_ADMIN] } },
      changes: 'new@321012100',
    },
    {
      what: 'grant PLATFORM_ADMIN to a user of the subtree',
      field: 'updateUser',
      query: UPDATE,
      variables: { input: { username: targetAt('321012100'), roles: [Role.PLATFORM_ADMIN] } },
      changes: targetAt('321012100'),
    },
    {
      what: 'rename a PLATFORM_ADMIN',
      field: 'updateUser',
      query: UPDATE,
      variables: { input: { username: GUARDED, displayName: 'Renamed' } },
      changes: GUARDED,
    },
    {
      what: 'deactivate a PLATFORM_ADMIN',
      field: 'updateUser',
      query: UPDATE,
      variables: { input: { username: GUARDED, active: false } },
      changes: GUARDED,
    },
    {
      what: 'demote a PLATFORM_ADMIN',
      field: 'updateUser',
      query: UPDATE,
      variables: { input: { username: GUARDED, roles: [Role.FINANCE] } },
      changes: GUARDED,
    },
    {
      what: 'move a PLATFORM_ADMIN',
      field: 'updateUser',
      query: UPDATE,
      variables: { input: { username: GUARDED, jurisdictionCode: '321012101' } },
      changes: GUARDED,
    },
    {
      what: 'reset the password of a PLATFORM_ADMIN',
      field: 'resetPassword',
      query: RESET,
      variables: { username: GUARDED, password: NEW_PASSWORD },
      changes: GUARDED,
    },
  ];

  describe('granting roles', () => {
    it('follows GRANTABLE_ROLES: a CIVIL_AFFAIRS_ADMIN may not grant PLATFORM_ADMIN, a PLATFORM_ADMIN may', () => {
      expect(GRANTABLE_ROLES.CIVIL_AFFAIRS_ADMIN).not.toContain(Role.PLATFORM_ADMIN);
      expect(GRANTABLE_ROLES.PLATFORM_ADMIN).toContain(Role.PLATFORM_ADMIN);
    });

    it.each(GRANTS)('a CIVIL_AFFAIRS_ADMIN may not $what: FORBIDDEN, no row changed', async ({ field, query, variables }) => {
      const before = await tableState();
      const res = await h.gql(query, variables, actors.get(Role.CIVIL_AFFAIRS_ADMIN)!.token);
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.data?.[field] ?? null).toBeNull();
      expect(await tableState()).toEqual(before);
    });

    it.each(GRANTS)('a PLATFORM_ADMIN may $what', async ({ query, variables, changes: changed }) => {
      const before = await tableState();
      const res = await h.gql(query, variables, actors.get(Role.PLATFORM_ADMIN)!.token);
      expect(res.errors).toBeUndefined();
      expect(changes(before, await tableState())).toEqual({ app_user: [changed] });
    });

    it('lets a CIVIL_AFFAIRS_ADMIN read a PLATFORM_ADMIN of the subtree (reading is not managing)', async () => {
      const res = await h.gql(`query($u: String!) { user(username: $u) { username roles } }`, { u: GUARDED }, actors.get(Role.CIVIL_AFFAIRS_ADMIN)!.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.user).toEqual({ username: GUARDED, roles: [Role.PLATFORM_ADMIN] });
    });
  });

  // ---------------------------------------------------------------------------------------------
  // A SERVICE_PROVIDER acts for its organisation: it must belong to one, and it reaches only the
  // facilities that organisation operates, and of those only the day-to-day facts.

  describe('service providers and their organisation', () => {
    const CREATE_PROVIDER = `mutation($input: CreateUserInput!) { createUser(input: $input) { username roles organisation { creditCode } } }`;
    const UPDATE_PROVIDER = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { username roles organisation { creditCode } } }`;
    const admin = () => actors.get(Role.CIVIL_AFFAIRS_ADMIN)!.token;
    const newProvider = (extra: Record<string, unknown>) => ({
      input: { username: 'provider@321012100', password: NEW_PASSWORD, jurisdictionCode: '321012100', roles: [Role.SERVICE_PROVIDER], ...extra },
    });

    it('createUser of a SERVICE_PROVIDER without organisationCreditCode: BAD_USER_INPUT on input.organisationCreditCode, no row changed', async () => {
      const before = await tableState();
      const res = await h.gql(CREATE_PROVIDER, newProvider({}), admin());
      expect(errorCodes(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0].extensions.field).toBe('input.organisationCreditCode');
      expect(res.data?.createUser ?? null).toBeNull();
      expect(await tableState()).toEqual(before);
    });

    it('createUser of a SERVICE_PROVIDER of organisation A: created, and its organisation reads back', async () => {
      const before = await tableState();
      const res = await h.gql(CREATE_PROVIDER, newProvider({ organisationCreditCode: creditCodeOf('A') }), admin());
      expect(res.errors).toBeUndefined();
      expect(res.data.createUser).toEqual({ username: 'provider@321012100', roles: [Role.SERVICE_PROVIDER], organisation: { creditCode: creditCodeOf('A') } });
      const after = await tableState();
      expect(changes(before, after)).toEqual({ app_user: ['provider@321012100'] });
      expect(after.app_user['provider@321012100']).toMatchObject({ roles: [Role.SERVICE_PROVIDER], organisation: creditCodeOf('A') });
    });

    it('updateUser granting SERVICE_PROVIDER needs an organisation: BAD_USER_INPUT without one, allowed with B', async () => {
      const username = targetAt('321012100');
      const before = await tableState();
      const refused = await h.gql(UPDATE_PROVIDER, { input: { username, roles: [Role.SERVICE_PROVIDER] } }, admin());
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0].extensions.field).toBe('input.organisationCreditCode');
      expect(await tableState()).toEqual(before);

      const res = await h.gql(UPDATE_PROVIDER, { input: { username, roles: [Role.SERVICE_PROVIDER], organisationCreditCode: creditCodeOf('B') } }, admin());
      expect(res.errors).toBeUndefined();
      expect(res.data.updateUser).toEqual({ username, roles: [Role.SERVICE_PROVIDER], organisation: { creditCode: creditCodeOf('B') } });
      expect(changes(before, await tableState())).toEqual({ app_user: [username] });
    });

    const provider = () => actors.get(Role.SERVICE_PROVIDER)!.token;
    const FACILITY = `query($id: ID!) { facility(id: $id) { id name } }`;
    const FACILITIES = `query($under: String, $operator: String) {
      facilities(under: $under, operatorCreditCode: $operator, first: 50) { totalCount edges { node { id } } }
    }`;
    const UPDATE_FACILITY = `mutation($id: ID!, $input: UpdateFacilityInput!) { updateFacility(id: $id, input: $input) { id } }`;
    const TRANSITION = `mutation($id: ID!) { transitionFacility(id: $id, to: SUSPENDED) { id } }`;

    /** Sends the request as the fixture's SERVICE_PROVIDER (of A) and expects FORBIDDEN with no row changed. */
    async function forbiddenToProvider(query: string, variables: Record<string, unknown>, field: string) {
      const before = await tableState();
      const res = await h.gql(query, variables, provider());
      expect(errorCodes(res)).toEqual(['FORBIDDEN']);
      expect(res.data?.[field] ?? null).toBeNull();
      expect(await tableState()).toEqual(before);
    }

    it("does not see organisation B's facility in its subtree: facility(id) is FORBIDDEN", async () => {
      await forbiddenToProvider(FACILITY, { id: idOf(FACILITY_OF_B) }, 'facility');
      // A full-access role of the same subtree sees it.
      const res = await h.gql(FACILITY, { id: idOf(FACILITY_OF_B) }, actors.get(Role.CIVIL_AFFAIRS_STAFF)!.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.facility).toEqual({ id: idOf(FACILITY_OF_B), name: FACILITY_OF_B.name });
    });

    it('gets the same FORBIDDEN for a facility id that does not exist', async () => {
      await forbiddenToProvider(FACILITY, { id: '999999' }, 'facility');
    });

    it("does not find organisation B's facility in facilities(under: 321012), not even by B's credit code", async () => {
      const mine = FIXTURE_FACILITIES.filter((f) => f.operator === 'A' && f.code.startsWith(HOME)).map(idOf);
      const all = await h.gql(FACILITIES, { under: HOME }, provider());
      expect(all.errors).toBeUndefined();
      expect(all.data.facilities.edges.map((e: any) => e.node.id)).toEqual(mine);
      expect(all.data.facilities.totalCount).toBe(mine.length);
      expect(all.data.facilities.edges.map((e: any) => e.node.id)).not.toContain(idOf(FACILITY_OF_B));

      const byB = await h.gql(FACILITIES, { under: HOME, operator: creditCodeOf('B') }, provider());
      expect(byB.errors).toBeUndefined();
      expect(byB.data.facilities).toEqual({ totalCount: 0, edges: [] });
    });

    it("may not update organisation B's facility, not even its day-to-day facts: FORBIDDEN, no row changed", async () => {
      await forbiddenToProvider(UPDATE_FACILITY, { id: idOf(FACILITY_OF_B), input: { staff: 7, beds: NEW_BEDS } }, 'updateFacility');
    });

    it.each([
      ['name', { name: '改名养老院' }],
      ['operator', { operator: { creditCode: creditCodeOf('B'), name: ORGANISATIONS.B.name } }],
      ['operatingModel', { operatingModel: 'PUBLIC_BUILT_PRIVATE_RUN' }],
      ['floorAreaM2', { floorAreaM2: 1200.5 }],
    ])('may not change %s of its own facility (given with staff): FORBIDDEN, nothing written', async (_field, input) => {
      await forbiddenToProvider(UPDATE_FACILITY, { id: idOf(facilityAt(HOME)), input: { ...input, staff: 9 } }, 'updateFacility');
    });

    const SUBSIDIES = `query($id: ID!) { facility(id: $id) { id subsidies(year: 2024) { amountFen } } }`;

    it("does not read organisation B's facility subsidies: FORBIDDEN, nothing returned", async () => {
      await forbiddenToProvider(SUBSIDIES, { id: idOf(FACILITY_OF_B) }, 'facility');
    });

    it("as a village worker too, sees B's facility but not its subsidies: the subsidy capability comes from SERVICE_PROVIDER, bound to A", async () => {
      const [{ id: organisationA }] = await h.db.query(`SELECT id FROM organisation WHERE credit_code = $1`, [creditCodeOf('A')]);
      const dual = await createUser(h.db, HOME, [Role.VILLAGE_WORKER, Role.SERVICE_PROVIDER], `dual@${HOME}`, { organisationId: organisationA });
      expect(ROLE_CAPABILITIES.VILLAGE_WORKER).toContain(Capability.READ_FACILITIES);
      expect(ROLE_CAPABILITIES.VILLAGE_WORKER).not.toContain(Capability.READ_FACILITY_SUBSIDIES);

      const facility = await h.gql(`query($id: ID!) { facility(id: $id) { id } }`, { id: idOf(FACILITY_OF_B) }, dual.token);
      expect(facility.errors).toBeUndefined();
      expect(facility.data.facility).toEqual({ id: idOf(FACILITY_OF_B) });

      const before = await tableState();
      const refused = await h.gql(SUBSIDIES, { id: idOf(FACILITY_OF_B) }, dual.token);
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.data?.facility ?? null).toBeNull();
      expect(await tableState()).toEqual(before);

      // A's facility in the home county: 306 days with day care in 2024, March to December under the home and province schemes.
      const own = await h.gql(SUBSIDIES, { id: idOf(facilityAt(HOME)) }, dual.token);
      expect(own.errors).toBeUndefined();
      expect(own.data.facility.subsidies.amountFen).toBe(FACILITY_TIER.amountFen * DINERS * 10 * setAtOrAbove(facilitySchemes, HOME).length);
    });

    it('may not transition its own facility (MANAGE_FACILITIES is not a provider capability): FORBIDDEN, no row changed', async () => {
      expect(ROLE_CAPABILITIES.SERVICE_PROVIDER).not.toContain(Capability.MANAGE_FACILITIES);
      await forbiddenToProvider(TRANSITION, { id: idOf(facilityAt(HOME)) }, 'transitionFacility');
    });
  });

  // ---------------------------------------------------------------------------------------------
  // The shield rule map: a diff in the snapshot is a permission change; every field has a rule.

  describe('ACCESS_RULES', () => {
    let schema: GraphQLSchema;
    beforeAll(async () => {
      schema = await buildApiSchema();
    });

    it('matches the reviewed snapshot', () => {
      expect(ACCESS_RULES).toMatchSnapshot();
    });

    it('has an entry for every field of every object type, and only for fields that exist', () => {
      const fields = Object.values(schema.getTypeMap())
        .filter(isObjectType)
        .filter((type) => !type.name.startsWith('__'))
        .flatMap((type) => Object.keys(type.getFields()).map((field) => `${type.name}.${field}`))
        .sort();
      const ruled = Object.entries(ACCESS_RULES)
        .flatMap(([type, rules]) => Object.keys(rules).map((field) => `${type}.${field}`))
        .sort();
      expect(fields.filter((field) => !ruled.includes(field))).toEqual([]);
      expect(ruled.filter((field) => !fields.includes(field))).toEqual([]);
    });

    it('opens root fields only by sign-in, a capability or (for login) to everyone; nested fields are reachable, or need exactly the capabilities GATED_NESTED lists', () => {
      const capabilities: string[] = Object.values(Capability);
      const gatedNested: Record<string, Gate> = {};
      for (const [type, rules] of Object.entries(ACCESS_RULES)) {
        for (const [field, gate] of Object.entries(rules)) {
          if (type === 'Query' || type === 'Mutation') {
            expect([`${type}.${field}`, gate === 'signed-in' || capabilities.includes(gate) || (gate === 'public' && field === 'login')]).toEqual([
              `${type}.${field}`,
              true,
            ]);
          } else if (gate !== 'reachable') {
            gatedNested[`${type}.${field}`] = gate;
          }
        }
      }
      // A new gated nested field shows up here as a diff: give it a row in the matrix and list it in GATED_NESTED.
      expect(gatedNested).toEqual(GATED_NESTED);
      for (const gate of Object.values(GATED_NESTED)) expect(capabilities).toContain(gate);
    });
  });
}
