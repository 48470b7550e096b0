import { registerEnumType } from 'type-graphql';
import { Capability, Role } from '../kernel/actor';

export const ROLE_LABELS: Record<Role, string> = {
  PLATFORM_ADMIN: '平台管理员 — runs the deployment in its subtree',
  CIVIL_AFFAIRS_ADMIN: '民政管理员 — civil-affairs administrator',
  CIVIL_AFFAIRS_STAFF: '民政工作人员 — civil-affairs staff',
  LEADERSHIP_OFFICE: '领导小组办公室 — leadership-group office',
  FINANCE: '财政 — finance bureau',
  VILLAGE_WORKER: '村/社区工作人员 — village or community worker',
  SERVICE_PROVIDER: '服务商 — contracted service provider or facility operator',
  ASSESSOR: '第三方评估 — third-party assessor',
  ANALYST: 'BI / 数据分析 — aggregates only, never a person',
  CAREGIVER: '助老服务人员 — a provider’s caregiver: their own record and work card only',
};

// Subsidy policies are public rules: every role may read the ones that apply in its subtree.
const EVERYONE: Capability[] = [Capability.READ_TREE, Capability.READ_POLICIES];
const USER_ADMIN: Capability[] = [Capability.READ_USERS, Capability.MANAGE_USERS, Capability.READ_AUDIT];
// Aggregate figures (coverage, facility counts) and the facility register of the subtree.
const OVERSIGHT: Capability[] = [Capability.READ_COVERAGE, Capability.READ_FACILITIES, Capability.READ_SUBSIDY_TOTALS];
const FACILITY_OFFICE: Capability[] = [...OVERSIGHT, Capability.EDIT_FACILITIES, Capability.MANAGE_FACILITIES];
// The elderly registry: people (masked), their unmasked personal data (each read audited), their
// registration and entitlements. Only the offices and village workers who serve people hold it.
const CASEWORK: Capability[] = [
  Capability.READ_PEOPLE,
  Capability.READ_PERSONAL_DATA,
  Capability.EDIT_PEOPLE,
  Capability.READ_ENTITLEMENTS,
];

// Counts of people by category, ability and age band: aggregates that name no one, for the offices
// that plan and pay for care and for those who serve people. A platform admin runs the deployment
// and a provider or assessor works case by case: none of them needs the registry's figures.
const PEOPLE_FIGURES: Capability[] = [Capability.READ_PEOPLE_COUNTS];

// The elderly population of a node for a year (the statistics bureau's or the household register's
// figure): entered by the civil-affairs offices, which report it and answer for the share targets
// divided by it. It is no casework (EDIT_PEOPLE would give it to village workers) and no target
// setting (MANAGE_TARGETS would let the leadership office move the denominator of its own targets).
const POPULATION_OFFICE: Capability[] = [Capability.RECORD_POPULATION];

// Facility subsidies (construction and operating) and who pays them: the offices that set and review
// them, finance that pays, the leadership office that follows them, and an operator for its own facilities.
const FACILITY_SUBSIDIES: Capability[] = [Capability.READ_FACILITY_SUBSIDIES];

// Targets and their progress, boards and allocations: aggregates, for the offices that set, follow or
// pay for them and the village workers held to them. Setting and allocating them is the leadership
// office's and the civil-affairs administration's.
const TARGETS: Capability[] = [Capability.READ_TARGETS];
const TARGET_OFFICE: Capability[] = [Capability.READ_TARGETS, Capability.MANAGE_TARGETS];

// Applications and their review (申请 → 初审 → 公示 → 复审 → 核准): the offices that file and review them read
// them, the leadership office and finance follow them; an analyst gets counts only, never a case.
// Filing is the village's and the civil-affairs office's; approval the civil-affairs administration's.
// The counts of cases by state along the tree (open, waiting, in review, returned, overdue) name no one:
// whoever reads cases reads them, and so does an analyst.
const CASE_FIGURES: Capability[] = [Capability.READ_CASE_FIGURES];
const CASE_READERS: Capability[] = [Capability.READ_CASES, ...CASE_FIGURES];
const CASE_OFFICE: Capability[] = [Capability.READ_CASES, ...CASE_FIGURES, Capability.FILE_CASES, Capability.REVIEW_CASES];

// A provider's caregivers (助老服务人员, seed 004 篇四): the provider manages its own staff; the civil-affairs
// offices and the leadership office follow those based in their subtree; the civil-affairs administration
// bars a caregiver and sets the county's service supervision phone (服務監督電話) printed on the work card.
// A provider also creates its caregivers' accounts (MANAGE_USERS, granting CAREGIVER only), and a
// caregiver reads their own record and card (the access layer narrows them to it). A caregiver's phone
// is for those who arrange or check their work: the leadership office reads it masked.
const CAREGIVER_READERS: Capability[] = [Capability.READ_CAREGIVERS, Capability.READ_CAREGIVER_PHONES];
const CAREGIVER_OVERSIGHT: Capability[] = [Capability.READ_CAREGIVERS];
const CAREGIVER_OFFICE: Capability[] = [...CAREGIVER_READERS, Capability.SUPERVISE_CAREGIVERS];
// The provider library, its bans and the service contracts (服务商库, 取消资格, 服务合同; seed 004 篇四): the
// civil-affairs administration of a level tenders and manages them; its staff and the leadership office
// follow them; finance reads the contracts it pays by (their prices); a village worker the contracts that
// serve its village; a provider its own organisation's entries, bans and contracts (the services narrow it).
const PROVIDER_READERS: Capability[] = [Capability.READ_PROVIDERS, Capability.READ_CONTRACTS];
const PROVIDER_OFFICE: Capability[] = [...PROVIDER_READERS, Capability.MANAGE_PROVIDERS];

// Every enrolled recipient's monthly care plan (服务频次): the offices and village workers who arrange and
// follow the visits read it for their subtree, recipients named with the national ID masked. Finance pays
// verified totals and an analyst gets figures, neither a person's plan; the care rules themselves are
// read by whoever reads cases.
const CARE_PLANS: Capability[] = [Capability.READ_CARE_PLANS];

// Visit compliance (docs/compliance.md): a recipient's month (required, verified, make-up owed, the
// visits counted) for the offices and village workers who arrange the visits; the figures along the tree
// (recipients served as required, verified hours, void rate) name no one, so the leadership office,
// finance (which pays verified totals) and analysts read them too; a provider reads neither. Planning
// and closing a month is the civil-affairs offices'.
const COMPLIANCE_FIGURES: Capability[] = [Capability.READ_COMPLIANCE_FIGURES];
const COMPLIANCE_READERS: Capability[] = [Capability.READ_CARE_COMPLIANCE, ...COMPLIANCE_FIGURES];
const COMPLIANCE_OFFICE: Capability[] = [...COMPLIANCE_READERS, Capability.PLAN_CARE_MONTHS];
// Work orders and home visits (上门服务工单, seed 004 篇四): a recipient's home place and service card are
// recorded by the village worker or the civil-affairs office over their village; an order is booked by the
// provider, the village worker or the office (for the recipient's agent), assigned by the provider to one of
// its caregivers, and carried out by that caregiver (sign-in, sign-out, offline sync). Orders are read by
// those who book or follow them in their subtree (a provider its own, a caregiver their own); finance pays by
// them (recipients masked); an analyst gets figures only.
const ORDER_READERS: Capability[] = [Capability.READ_WORK_ORDERS];
const ORDER_DESK: Capability[] = [Capability.MANAGE_SERVICE_CARDS, Capability.READ_WORK_ORDERS, Capability.BOOK_WORK_ORDERS];
const ORDER_PROVIDER: Capability[] = [Capability.READ_WORK_ORDERS, Capability.BOOK_WORK_ORDERS, Capability.ASSIGN_WORK_ORDERS];
const ORDER_CAREGIVER: Capability[] = [Capability.READ_WORK_ORDERS, Capability.RECORD_VISITS];
// Call-backs and oversight (回訪, 抽查, 探視巡訪; seed 004 篇四 and 篇五, seed 003): a provider calls back its own
// orders and reads those call-backs; the county's civil-affairs office draws each day's sample and calls it
// back online, and reads every call-back of its subtree; villages and towns record their calls and visits to
// recipients and read them (recipients named, the national ID masked). The figures (call-back rates,
// oversight shares) name no one: the offices, the leadership office, village workers and analysts read them.
const OVERSIGHT_FIGURES: Capability[] = [Capability.READ_OVERSIGHT_FIGURES];
const OVERSIGHT_VISITS: Capability[] = [Capability.RECORD_OVERSIGHT, Capability.READ_OVERSIGHT, ...OVERSIGHT_FIGURES];
const CALLBACK_OFFICE: Capability[] = [Capability.READ_CALLBACKS, Capability.CALL_BACK_ONLINE, ...OVERSIGHT_VISITS];
const PROVIDER_CALLBACKS: Capability[] = [Capability.RECORD_CALLBACKS, Capability.READ_CALLBACKS];

// Voucher accounts (电子代金券, 补贴账户; seed 004 篇四): the civil-affairs administration credits the month's
// home-care entitlements to them; a recipient's balance is personal data, read (each read audited) by the
// offices and village workers who serve them and by finance, which pays; the figures along the tree name no
// one: the offices, the leadership office, finance and analysts read them. A provider reads neither. A
// manual adjustment is proposed by the civil-affairs offices and approved by finance, never by its proposer.
const VOUCHER_FIGURES: Capability[] = [Capability.READ_VOUCHER_FIGURES];
const VOUCHER_READERS: Capability[] = [Capability.READ_VOUCHER_ACCOUNTS, ...VOUCHER_FIGURES];
const VOUCHER_OFFICE: Capability[] = [...VOUCHER_READERS, Capability.PROPOSE_VOUCHER_ADJUSTMENTS];

// Funding sources (资金来源, seeds 001, 003, 004; docs/funding.md): the finance bureau records each level's
// budget lines by source and the share of its retained lottery fund the level puts into elderly care; the
// civil-affairs offices and the leadership office read the lines; the figures by source and the lottery
// check name no one and no note, so an analyst reads them too.
const FUNDING_FIGURES: Capability[] = [Capability.READ_FUNDING_FIGURES];
const FUNDING_READERS: Capability[] = [Capability.READ_BUDGET_LINES, ...FUNDING_FIGURES];
const FUNDING_OFFICE: Capability[] = [...FUNDING_READERS, Capability.RECORD_FUNDING];
// The special campaign's leading group (专项治理领导小组): the civil-affairs bureau, its office, and finance (财计科).
const CAMPAIGN: Capability[] = [Capability.READ_ANOMALIES];

// Settlement (服務結算每月一次, 資金結算每季一次, seed 004 篇四; docs/settlement.md): the civil-affairs offices prepare
// a contract's month, each town checks its part and the purchasing level reviews it; finance approves it and
// reads all of it; the leadership office follows the statements; a provider reads its own (the charges to the
// orders it served, never a balance). A quarter's funds per funding level name no one: analysts read them too.
// The level's voucher rules (a meal's own share, the year's cap, returning frozen balances) are the
// civil-affairs administration's.
const SETTLEMENT_FIGURES: Capability[] = [Capability.READ_SETTLEMENT_FIGURES];
const SETTLEMENT_READERS: Capability[] = [Capability.READ_SETTLEMENTS, ...SETTLEMENT_FIGURES];
const SETTLEMENT_OFFICE: Capability[] = [...SETTLEMENT_READERS, Capability.PREPARE_SETTLEMENTS, Capability.REVIEW_SETTLEMENTS];

// The one place that says what each role may do. SERVICE_PROVIDER reads and edits only the
// facilities its organisation operates (and only their day-to-day facts): the services narrow it.
export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  // The year's official working-day arrangement is entered once for the country (or a region that adds
  // its own holidays) by whoever runs the deployment.
  PLATFORM_ADMIN: [...EVERYONE, ...USER_ADMIN, ...OVERSIGHT, Capability.MANAGE_CALENDAR],
  CIVIL_AFFAIRS_ADMIN: [
    ...EVERYONE,
    ...USER_ADMIN,
    ...FACILITY_OFFICE,
    ...CASEWORK,
    Capability.ASSESS_PEOPLE,
    Capability.MANAGE_POLICIES,
    Capability.RUN_ENTITLEMENTS,
    ...FACILITY_SUBSIDIES,
    ...PEOPLE_FIGURES,
    ...POPULATION_OFFICE,
    ...TARGET_OFFICE,
    ...CASE_OFFICE,
    Capability.APPROVE_CASES,
    ...CAREGIVER_OFFICE,
    ...PROVIDER_OFFICE,
    ...CARE_PLANS,
    ...COMPLIANCE_OFFICE,
    ...ORDER_DESK,
    ...CALLBACK_OFFICE,
    ...VOUCHER_OFFICE,
    Capability.POST_VOUCHER_CREDITS,
    ...FUNDING_READERS,
    ...SETTLEMENT_OFFICE,
    Capability.SET_LEDGER_RULES,
    ...CAMPAIGN,
  ],
  CIVIL_AFFAIRS_STAFF: [
    ...EVERYONE,
    ...FACILITY_OFFICE,
    ...CASEWORK,
    Capability.ASSESS_PEOPLE,
    ...FACILITY_SUBSIDIES,
    ...PEOPLE_FIGURES,
    ...POPULATION_OFFICE,
    ...TARGETS,
    ...CASE_OFFICE,
    ...CAREGIVER_READERS,
    ...PROVIDER_READERS,
    ...CARE_PLANS,
    ...COMPLIANCE_OFFICE,
    ...ORDER_DESK,
    ...CALLBACK_OFFICE,
    ...VOUCHER_OFFICE,
    ...FUNDING_READERS,
    ...SETTLEMENT_OFFICE,
    ...CAMPAIGN,
  ],
  LEADERSHIP_OFFICE: [...EVERYONE, ...OVERSIGHT, ...FACILITY_SUBSIDIES, ...PEOPLE_FIGURES, ...TARGET_OFFICE, ...CASE_READERS, ...PROVIDER_READERS, ...CAREGIVER_OVERSIGHT, ...CARE_PLANS, ...COMPLIANCE_FIGURES, ...ORDER_READERS, ...OVERSIGHT_FIGURES, ...VOUCHER_FIGURES, ...FUNDING_READERS, ...SETTLEMENT_READERS, ...CAMPAIGN],
  FINANCE: [...EVERYONE, ...OVERSIGHT, ...FACILITY_SUBSIDIES, ...PEOPLE_FIGURES, ...TARGETS, ...CASE_READERS, Capability.READ_CONTRACTS, ...COMPLIANCE_FIGURES, ...ORDER_READERS, ...VOUCHER_READERS, Capability.APPROVE_VOUCHER_ADJUSTMENTS, ...FUNDING_OFFICE, ...SETTLEMENT_READERS, Capability.APPROVE_SETTLEMENTS, ...CAMPAIGN],
  // A village worker reviews at the village steps only: the procedure's step says the level that acts.
  VILLAGE_WORKER: [...EVERYONE, ...OVERSIGHT, ...CASEWORK, ...PEOPLE_FIGURES, ...TARGETS, ...CASE_OFFICE, Capability.READ_CONTRACTS, ...CARE_PLANS, ...COMPLIANCE_READERS, ...ORDER_DESK, ...OVERSIGHT_VISITS, ...VOUCHER_READERS],
  SERVICE_PROVIDER: [
    ...EVERYONE,
    Capability.READ_FACILITIES,
    Capability.EDIT_FACILITIES,
    ...FACILITY_SUBSIDIES,
    ...PROVIDER_READERS,
    Capability.MANAGE_USERS,
    ...CAREGIVER_READERS,
    Capability.MANAGE_CAREGIVERS,
    ...ORDER_PROVIDER,
    ...PROVIDER_CALLBACKS,
    Capability.READ_SETTLEMENTS,
  ],
  // A third-party assessor finds and visits people to assess them; it neither registers nor pays them.
  // It reads the cases of its subtree to act on their assessment steps (ASSESS_PEOPLE), and nothing more of them.
  ASSESSOR: [...EVERYONE, Capability.READ_PEOPLE, Capability.READ_PERSONAL_DATA, Capability.ASSESS_PEOPLE, ...CASE_READERS],
  ANALYST: [...EVERYONE, Capability.READ_COVERAGE, Capability.READ_SUBSIDY_TOTALS, ...PEOPLE_FIGURES, ...TARGETS, ...CASE_FIGURES, ...COMPLIANCE_FIGURES, ...OVERSIGHT_FIGURES, ...VOUCHER_FIGURES, ...FUNDING_FIGURES, ...SETTLEMENT_FIGURES],
  // Deny by default: not even the tree or the policies; their orders come with the work orders.
  CAREGIVER: [...CAREGIVER_READERS, ...ORDER_CAREGIVER],
};

// Roles a user holding the key may give to others (always at or below their own jurisdiction).
export const GRANTABLE_ROLES: Record<Role, readonly Role[]> = {
  PLATFORM_ADMIN: Object.values(Role),
  CIVIL_AFFAIRS_ADMIN: Object.values(Role).filter((role) => role !== Role.PLATFORM_ADMIN),
  CIVIL_AFFAIRS_STAFF: [],
  LEADERSHIP_OFFICE: [],
  FINANCE: [],
  VILLAGE_WORKER: [],
  // Only accounts for its own caregivers (user.rules.ts checks the link).
  SERVICE_PROVIDER: [Role.CAREGIVER],
  ASSESSOR: [],
  ANALYST: [],
  CAREGIVER: [],
};

registerEnumType(Role, {
  name: 'Role',
  description: 'What a user does; a user holds one or more roles within their home jurisdiction.',
  valuesConfig: Object.fromEntries(Object.values(Role).map((role) => [role, { description: ROLE_LABELS[role] }])),
});

/** The roles in `roles` that carry `capability`, in declaration order. */
export function rolesWith(roles: readonly Role[], capability: Capability): Role[] {
  return roles.filter((role) => ROLE_CAPABILITIES[role].includes(capability));
}

/** Every role that the holder of `roles` may grant. */
export function grantableBy(roles: readonly Role[]): Role[] {
  const grantable = new Set(roles.flatMap((role) => GRANTABLE_ROLES[role]));
  return Object.values(Role).filter((role) => grantable.has(role));
}

function grantsCell(roles: readonly Role[]): string {
  const all = Object.values(Role);
  if (roles.length === all.length) return 'all roles';
  if (roles.length === all.length - 1 && !roles.includes(Role.PLATFORM_ADMIN)) return 'all but PLATFORM_ADMIN';
  return roles.length ? roles.join(', ') : '—';
}

/** The README's access table, rendered from the maps above. */
export function accessTable(): string {
  const capabilities = Object.values(Capability);
  const header = `| role | ${capabilities.join(' | ')} | may grant |`;
  const rule = `|${' --- |'.repeat(capabilities.length + 2)}`;
  const rows = Object.values(Role).map((role) => {
    const cells = capabilities.map((capability) => (ROLE_CAPABILITIES[role].includes(capability) ? 'yes' : '—'));
    const grants = grantsCell(GRANTABLE_ROLES[role]);
    return `| ${role} | ${cells.join(' | ')} | ${grants} |`;
  });
  return [header, rule, ...rows].join('\n');
}
