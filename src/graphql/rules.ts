import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { IMiddlewareFunction, IMiddlewareTypeMap } from 'graphql-middleware';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { actingRole } from '../access/actor';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { UnauthenticatedError } from '../kernel/errors';
import { FACILITY_TIER_CONDITIONS, PERSON_TIER_CONDITIONS } from '../kernel/tier-conditions';
import { denied } from '../access/scope';

/**
 * Who may touch each field. Roots are gated by sign-in or by a capability (access/roles.ts says which
 * roles carry it); fields of types below them are `reachable`: open to whoever could reach the parent.
 * A field missing here is denied (fallbackRule: deny) until a rule opens it.
 */
export type Gate = 'public' | 'signed-in' | 'reachable' | Capability;

const reachable = (...fields: string[]): Record<string, Gate> => Object.fromEntries(fields.map((f) => [f, 'reachable']));

export const ACCESS_RULES: Record<string, Record<string, Gate>> = {
  Query: {
    me: 'signed-in',
    jurisdiction: Capability.READ_TREE,
    jurisdictions: Capability.READ_TREE,
    user: Capability.READ_USERS,
    users: Capability.READ_USERS,
    grantableRoles: Capability.MANAGE_USERS,
    auditTrail: Capability.READ_AUDIT,
    facility: Capability.READ_FACILITIES,
    facilities: Capability.READ_FACILITIES,
    person: Capability.READ_PEOPLE,
    people: Capability.READ_PEOPLE,
    subsidySchemes: Capability.READ_POLICIES,
    subsidyScheme: Capability.READ_POLICIES,
    subsidyFloors: Capability.READ_POLICIES,
    reviewProcedure: Capability.READ_POLICIES,
    reviewProcedures: Capability.READ_POLICIES,
    reviewProcedureTemplates: Capability.READ_POLICIES,
    intakeWindow: Capability.READ_POLICIES,
    case: Capability.READ_CASES,
    cases: Capability.READ_CASES,
    publicNotices: Capability.READ_CASES,
    reReviews: Capability.READ_CASES,
    reReviewCounts: Capability.READ_CASES,
    entitlement: Capability.READ_ENTITLEMENTS,
    target: Capability.READ_TARGETS,
    targets: Capability.READ_TARGETS,
    supervisionItems: Capability.READ_TARGETS,
    notice: Capability.READ_TARGETS,
    notices: Capability.READ_TARGETS,
    workingCalendar: Capability.READ_TREE,
    workingDeadline: Capability.READ_TREE,
  },
  Mutation: {
    login: 'public',
    changePassword: 'signed-in',
    createUser: Capability.MANAGE_USERS,
    updateUser: Capability.MANAGE_USERS,
    resetPassword: Capability.MANAGE_USERS,
    unlockLogin: Capability.MANAGE_USERS,
    createFacility: Capability.MANAGE_FACILITIES,
    transitionFacility: Capability.MANAGE_FACILITIES,
    updateFacility: Capability.EDIT_FACILITIES,
    registerPerson: Capability.EDIT_PEOPLE,
    updatePerson: Capability.EDIT_PEOPLE,
    setPersonCategories: Capability.EDIT_PEOPLE,
    recordPersonStatus: Capability.EDIT_PEOPLE,
    importPeople: Capability.EDIT_PEOPLE,
    recordAbilityAssessment: Capability.ASSESS_PEOPLE,
    createSubsidyScheme: Capability.MANAGE_POLICIES,
    addSubsidySchemeVersion: Capability.MANAGE_POLICIES,
    endSubsidyScheme: Capability.MANAGE_POLICIES,
    createSubsidyFloor: Capability.MANAGE_POLICIES,
    defineReviewProcedure: Capability.MANAGE_POLICIES,
    endReviewProcedure: Capability.MANAGE_POLICIES,
    openIntakeWindow: Capability.MANAGE_POLICIES,
    closeIntakeWindow: Capability.MANAGE_POLICIES,
    fileApplication: Capability.FILE_CASES,
    decideCase: Capability.READ_CASES,
    recordObjection: Capability.REVIEW_CASES,
    assignCaseAssessor: Capability.REVIEW_CASES,
    resubmitCase: Capability.FILE_CASES,
    cancelEnrolment: Capability.REVIEW_CASES,
    superviseCase: Capability.MANAGE_TARGETS,
    confirmEnrolment: Capability.REVIEW_CASES,
    runEntitlements: Capability.RUN_ENTITLEMENTS,
    createTarget: Capability.MANAGE_TARGETS,
    allocateTarget: Capability.MANAGE_TARGETS,
    createSupervisionItem: Capability.MANAGE_TARGETS,
    addSupervisionNote: Capability.MANAGE_TARGETS,
    issueNotice: Capability.MANAGE_TARGETS,
    setWorkingCalendarYear: Capability.MANAGE_CALENDAR,
    recordElderlyPopulation: Capability.RECORD_POPULATION,
    importElderlyPopulation: Capability.RECORD_POPULATION,
  },
  Jurisdiction: {
    ...reachable('code', 'name', 'level', 'townKind', 'villageKind', 'parent', 'ancestors', 'children', 'descendantCounts'),
    coverage: Capability.READ_COVERAGE,
    childCoverage: Capability.READ_COVERAGE,
    coverageTrend: Capability.READ_COVERAGE,
    facilityStats: Capability.READ_COVERAGE,
    subsidyTotals: Capability.READ_SUBSIDY_TOTALS,
    entitlementRuns: Capability.READ_SUBSIDY_TOTALS,
    peopleCounts: Capability.READ_PEOPLE_COUNTS,
    elderlyPopulation: Capability.READ_PEOPLE_COUNTS,
    caseFigures: Capability.READ_CASE_FIGURES,
    childCaseFigures: Capability.READ_CASE_FIGURES,
  },
  JurisdictionRef: reachable('code', 'name', 'level'),
  WorkingCalendarYear: reachable(
    'year',
    'holidays',
    'makeupDays',
    'workingDays',
    'origin',
    'packageVersion',
    'enteredAtCode',
    'revision',
    'sourceTitle',
    'sourceNumber',
    'enteredBy',
    'enteredAt',
  ),
  CalendarDay: reachable('date', 'name'),
  WorkingDeadline: reachable('countedFrom', 'workingDays', 'dueDate'),
  DescendantCounts: reachable('cities', 'counties', 'towns', 'villages', 'total'),
  JurisdictionConnection: reachable('totalCount', 'edges', 'pageInfo'),
  JurisdictionEdge: reachable('cursor', 'node'),
  PageInfo: reachable('hasNextPage', 'endCursor'),
  User: reachable('username', 'displayName', 'roles', 'active', 'createdAt', 'updatedAt', 'jurisdiction', 'organisation'),
  UserConnection: reachable('totalCount', 'edges', 'pageInfo'),
  UserEdge: reachable('cursor', 'node'),
  LoginResult: reachable('token', 'expiresAt', 'user'),
  AuditEntry: reachable(
    'id',
    'at',
    'actorUsername',
    'actorRole',
    'jurisdiction',
    'action',
    'targetType',
    'targetIds',
    'outcome',
    'errorCode',
    'errorMessage',
    'detail',
    'requestId',
    'clientAddress',
  ),
  Facility: {
    ...reachable(
      'id',
      'name',
      'type',
      'typeName',
      'jurisdiction',
      'operator',
      'operatingModel',
      'services',
      'floorAreaM2',
      'beds',
      'staff',
      'dailyDiners',
      'status',
      'statusSince',
      'history',
      'createdAt',
      'updatedAt',
    ),
    // What public money a facility gets: a capability of its own, narrowed to an operator's own facilities in the service.
    subsidies: Capability.READ_FACILITY_SUBSIDIES,
  },
  FacilityBeds: reachable('total', 'nursing', 'dementia'),
  FacilityEvent: reachable('kind', 'occurredOn', 'fromStatus', 'status', 'services', 'note', 'recordedAt'),
  FacilityConnection: reachable('totalCount', 'edges', 'pageInfo'),
  FacilityEdge: reachable('cursor', 'node'),
  Organisation: reachable('creditCode', 'name'),
  Coverage: reachable('metric', 'jurisdiction', 'numerator', 'denominator', 'rate', 'asOf', 'observedAt', 'rank', 'rankedAmong'),
  CoverageConnection: reachable('totalCount', 'edges', 'pageInfo'),
  CoverageEdge: reachable('cursor', 'node'),
  FacilityStats: reachable('byTypeAndStatus', 'count', 'beds', 'observedAt'),
  FacilityCount: reachable('type', 'status', 'count'),
  BedFigures: reachable('total', 'nursing', 'dementia', 'nursingShare', 'dementiaShare'),
  AuditEntryConnection: reachable('totalCount', 'edges', 'pageInfo'),
  PeopleCounts: reachable('asOf', 'observedAt', 'total', 'byCategory', 'byAbility', 'byAgeBand'),
  CategoryCount: reachable('category', 'count'),
  AbilityCount: reachable('level', 'count'),
  AgeBandCount: reachable('band', 'count'),
  // nationalId, phone and address come masked; unmasking is checked (READ_PERSONAL_DATA) and audited in the service.
  Person: reachable(
    'id',
    'name',
    'sex',
    'birthDate',
    'age',
    'nationalId',
    'phone',
    'address',
    'village',
    'hukou',
    'residentSince',
    'livingSituations',
    'ownMonthlyIncomeFen',
    'householdMonthlyIncomeFen',
    'status',
    'statusSince',
    'categories',
    'categoryHistory',
    'assessments',
    'createdAt',
    'updatedAt',
  ),
  PersonConnection: reachable('totalCount', 'edges', 'pageInfo'),
  PersonEdge: reachable('cursor', 'node'),
  PersonCategory: reachable('category', 'disabilityGrade', 'validFrom', 'validTo'),
  PersonImport: reachable('dryRun', 'rows', 'imported', 'rejectedRows', 'rejected'),
  ImportRowError: reachable('line', 'field', 'code', 'message'),
  ElderlyPopulation: reachable('jurisdiction', 'year', 'aged60Plus', 'aged80Plus', 'basis', 'complete', 'children', 'childrenWithFigure', 'summary', 'source', 'recordedAt'),
  PopulationImport: reachable('rows', 'recorded', 'rejectedRows', 'rejected'),
  AbilityAssessment: reachable('level', 'assessedOn', 'validUntil', 'assessor', 'note'),
  SubsidyScheme: reachable('id', 'name', 'kind', 'jurisdiction', 'inForce', 'versions'),
  SchemeVersion: reachable(
    'id',
    'fromMonth',
    'toMonth',
    'combination',
    'exclusionGroup',
    'requiresApplication',
    'firstMonth',
    'lastMonth',
    'assessmentValidMonths',
    'funding',
    'tiers',
  ),
  Funding: reachable('level', 'weight', 'share'),
  SubsidyTier: reachable('id', 'position', 'name', 'amountFen', ...PERSON_TIER_CONDITIONS, ...FACILITY_TIER_CONDITIONS),
  ReviewStep: reachable('position', 'kind', 'name', 'level', 'capability', 'deadlineWorkingDays', 'countedWithin', 'minWorkingDays', 'mayRefuse'),
  ReviewProcedure: reachable('id', 'jurisdiction', 'name', 'source', 'template', 'usesIntakeWindows', 'effectiveFrom', 'effectiveTo', 'steps'),
  ReviewProcedureInForce: reachable('on', 'procedure', 'inherited'),
  ReviewProcedureTemplate: reachable('key', 'name', 'source', 'usesIntakeWindows', 'settings', 'steps'),
  IntakeWindow: reachable('id', 'jurisdiction', 'name', 'opens', 'closes'),
  IntakeWindowAnswer: reachable('window', 'open'),
  Case: reachable(
    'id',
    'applicant',
    'village',
    'procedure',
    'state',
    'currentStep',
    'filedOn',
    'filer',
    'agentName',
    'agentRelation',
    'closedReason',
    'decidedOn',
    'assessor',
    'version',
    'schemes',
    'materials',
    'history',
    'enrolments',
    'allowedActions',
    // The 督办 items that follow a case up: those the caller sees on the desk (none without READ_TARGETS).
    'supervisionItems',
  ),
  CaseFigures: reachable('jurisdiction', 'open', 'waiting', 'inReview', 'returned', 'overdue', 'asOf', 'rank', 'rankedAmong'),
  CaseFiguresConnection: reachable('totalCount', 'edges', 'pageInfo'),
  CaseFiguresEdge: reachable('cursor', 'node'),
  CaseApplicant: reachable('id', 'name', 'nationalId'),
  CaseStep: reachable('position', 'kind', 'name', 'capability', 'actingNode', 'began', 'dueDate', 'overdue'),
  CaseHistoryEntry: reachable('at', 'username', 'role', 'step', 'action', 'opinion', 'reasons'),
  CaseMaterial: reachable('kind', 'receivedOn', 'checked', 'checkedAt'),
  CaseScheme: reachable('id', 'name'),
  Enrolment: reachable('id', 'scheme', 'caseId', 'fromMonth', 'untilMonth', 'endReason', 'endedOn'),
  VillagePublicNotice: reachable('village', 'on', 'offices', 'entries'),
  PublicNoticeEntry: reachable(
    'caseId',
    'name',
    'sex',
    'age',
    'nationalId',
    'schemes',
    'step',
    'posted',
    'minWorkingDays',
    'earliestPass',
    'dueDate',
    'office',
  ),
  CaseConnection: reachable('totalCount', 'edges', 'pageInfo'),
  CaseEdge: reachable('cursor', 'node'),
  ReReview: reachable('enrolment', 'applicant', 'village', 'since', 'changes', 'meetsSchemeThisMonth', 'reasonsThisMonth', 'reviews'),
  FactChange: reachable('kind', 'on', 'from', 'to'),
  EnrolmentReview: reachable('reviewedOn', 'at', 'username', 'role', 'opinion'),
  ReReviewConnection: reachable('totalCount', 'edges', 'pageInfo'),
  ReReviewEdge: reachable('cursor', 'node'),
  ReReviewCounts: reachable('node', 'total', 'children'),
  ReReviewChildCount: reachable('node', 'count'),
  ConfirmedEnrolment: reachable('enrolment', 'reviews'),
  SubsidyFloor: reachable('id', 'jurisdiction', 'kind', 'minAge', 'maxAge', 'amountFen', 'fromMonth', 'toMonth'),
  Entitlement: reachable('person', 'month', 'referenceDay', 'age', 'amountFen', 'schemes', 'shares'),
  SchemeEntitlement: reachable('scheme', 'status', 'amountFen', 'tiers', 'shares', 'excludedBy'),
  TierEntitlement: reachable('tier', 'eligible', 'applied', 'reasons'),
  Reason: reachable('code', 'message'),
  FundingShare: reachable('level', 'funder', 'amountFen'),
  FacilitySubsidy: reachable('year', 'countedThrough', 'acceptedOn', 'operatingDays', 'dailyDiners', 'amountFen', 'schemes', 'shares'),
  FacilitySchemeSubsidy: reachable('scheme', 'status', 'amountFen', 'tiers', 'lines', 'shares', 'excludedBy'),
  FacilityTierSubsidy: reachable('tier', 'months', 'operatingDays', 'eligible', 'applied', 'reasons'),
  FacilitySubsidyLine: reachable('month', 'tier', 'operatingDays', 'diners', 'amountFen', 'excludedBy'),
  EntitlementRun: reachable('id', 'jurisdiction', 'month', 'startedAt', 'finishedAt', 'people', 'recipients', 'lines', 'replacedLines', 'amountFen'),
  SubsidyTotals: reachable('month', 'recipients', 'amountFen', 'funders', 'schemes'),
  SchemeTotal: reachable('schemeId', 'name', 'kind', 'jurisdiction', 'recipients', 'amountFen', 'funders'),
  LevelAmount: reachable('level', 'amountFen'),
  AuditEntryEdge: reachable('cursor', 'node'),
  Target: reachable(
    'id',
    'title',
    'jurisdiction',
    'metric',
    'metricKind',
    'metricNature',
    'metricHistory',
    'facilityType',
    'comparator',
    'threshold',
    'thresholdHigh',
    'baseline',
    'startsOn',
    'deadline',
    'phases',
    'responsibleUnit',
    'createdAt',
    'updatedAt',
    'allocatedFrom',
    'allocations',
    'allocationSummary',
    'progress',
    'progressSeries',
    'board',
  ),
  TargetConnection: reachable('totalCount', 'edges', 'pageInfo'),
  TargetEdge: reachable('cursor', 'node'),
  TargetRef: reachable('id', 'title', 'jurisdiction', 'metric', 'comparator', 'threshold', 'deadline'),
  TargetPhaseSpan: reachable('phase', 'startsOn', 'endsOn'),
  TargetProgress: reachable('asOf', 'observedAt', 'value', 'numerator', 'denominator', 'denominatorSource', 'expected', 'gap', 'status'),
  AllocationSummary: reachable('children', 'achieved', 'allocatedValue', 'achievedValue', 'variance'),
  TargetBoard: reachable('target', 'asOf', 'observedAt', 'progress', 'laggards', 'rows', 'overdueItems'),
  SupervisionItem: reachable(
    'id',
    'title',
    'detail',
    'issuedBy',
    'responsible',
    'responsibleUnit',
    'targetId',
    'caseId',
    'deadline',
    'status',
    'closedOn',
    'overdue',
    'createdAt',
    'updatedAt',
    'notes',
  ),
  SupervisionNote: reachable('note', 'statusAfter', 'writtenBy', 'writtenAt'),
  SupervisionItemConnection: reachable('totalCount', 'edges', 'pageInfo'),
  SupervisionItemEdge: reachable('cursor', 'node'),
  Notice: reachable('id', 'title', 'body', 'issuedBy', 'target', 'asOf', 'observedAt', 'issuedAt', 'author', 'progress', 'laggards', 'rows'),
  NoticeProgress: reachable('value', 'numerator', 'denominator', 'denominatorSource', 'expected', 'status'),
  NoticeRow: reachable('jurisdiction', 'threshold', 'value', 'numerator', 'denominator', 'denominatorSource', 'expected', 'status', 'rank'),
  NoticeConnection: reachable('totalCount', 'edges', 'pageInfo'),
  NoticeEdge: reachable('cursor', 'node'),
  BoardRow: reachable('jurisdiction', 'target', 'threshold', 'value', 'numerator', 'denominator', 'denominatorSource', 'expected', 'gap', 'variance', 'status', 'rank'),
};

/** Why `ctx` may not pass `gate` (null: it may). */
function refusal(gate: Gate, ctx: Context): GraphQLError | null {
  if (gate === 'public' || gate === 'reachable') return null;
  if (!ctx.actor) return new UnauthenticatedError();
  if (gate === 'signed-in') return null;
  return actingRole(ctx.actor, gate) ? null : denied();
}

const gateRules = new Map(
  (['signed-in', ...Object.values(Capability)] as Gate[]).map((gate) => [
    gate,
    rule(gate === 'signed-in' ? 'signed-in' : `can ${gate}`, { cache: 'contextual' })((_parent, _args, ctx: Context) => refusal(gate, ctx) ?? true),
  ]),
);

function toRule(gate: Gate) {
  return gate === 'public' || gate === 'reachable' ? allow : gateRules.get(gate)!;
}

/** The shield for ACCESS_RULES; anything not listed is denied with FORBIDDEN. */
export function accessShield() {
  const tree: IRules = Object.fromEntries(
    Object.entries(ACCESS_RULES).map(([type, fields]) => [
      type,
      Object.fromEntries(Object.entries(fields).map(([field, gate]) => [field, toRule(gate)])),
    ]),
  );
  return shield(tree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: new GraphQLError('Not allowed for this user', { extensions: { code: 'FORBIDDEN' } }),
  });
}

/**
 * The shield's middleware for `schema`, with the listed fields checked in line: a field ruled
 * `reachable` (or `public`) has no check (it was reached through a gated field), and a gated one runs
 * its gate before its resolver without a promise of its own, so that a list of a hundred nodes does
 * not await a hundred rules. The gates answer as the shield's rules do (both are `refusal`); a field
 * missing from ACCESS_RULES keeps the shield's deny.
 */
export function accessMiddleware(schema: GraphQLSchema): IMiddlewareTypeMap {
  const middleware = accessShield().generate(schema) as IMiddlewareTypeMap;
  for (const [type, fields] of Object.entries(ACCESS_RULES)) {
    const typeMiddleware = middleware[type] as Record<string, unknown> | undefined;
    if (!typeMiddleware) continue;
    for (const [field, gate] of Object.entries(fields)) {
      if (gate === 'reachable' || gate === 'public') {
        delete typeMiddleware[field];
        continue;
      }
      typeMiddleware[field] = ((resolve, parent, args, ctx: Context, info) => {
        const refused = refusal(gate, ctx);
        if (refused) throw refused;
        return resolve(parent, args, ctx, info);
      }) satisfies IMiddlewareFunction;
    }
  }
  return middleware;
}
