import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { buildSchema } from 'type-graphql';
import { AnomalyResolver } from '../anomalies/anomaly.resolver';
import { AuditResolver } from '../audit/audit.resolver';
import { refusalAudit } from '../audit/refusals';
import { WorkingCalendarResolver } from '../calendar/calendar.resolver';
import { CoverageResolver, FacilityStatsResolver, JurisdictionCoverageResolver } from '../coverage/coverage.resolver';
import { JurisdictionPeopleCountsResolver } from '../coverage/people-counts.resolver';
import { JurisdictionPopulationResolver, PopulationResolver } from '../coverage/population.resolver';
import { PersonResolver } from '../elderly/person.resolver';
import { FacilityResolver } from '../facilities/facility.resolver';
import { FundingResolver } from '../funding/funding.resolver';
import { JurisdictionResolver } from '../jurisdictions/jurisdiction.resolver';
import { EntitlementRunResolver, JurisdictionSubsidyResolver, SubsidyTotalsResolver } from '../policies/entitlement-run.resolver';
import { EntitlementResolver } from '../policies/entitlement.resolver';
import { FacilitySubsidyResolver } from '../policies/facility-subsidy.resolver';
import { PolicyResolver } from '../policies/policy.resolver';
import { ProcedureResolver } from '../procedures/procedure.resolver';
import { ProviderResolver } from '../providers/provider.resolver';
import { CaseRecordResolver, CaseResolver, CaseSupervisionResolver } from '../cases/case.resolver';
import { CaseFiguresResolver, JurisdictionCaseFiguresResolver } from '../cases/case-figures.resolver';
import { ReReviewResolver } from '../cases/re-review.resolver';
import { CareResolver } from '../care/care.resolver';
import { registerCaseHooks } from '../cases/case-hooks';
import { CaregiverResolver, UserCaregiverResolver } from '../providers/caregiver.resolver';
import { registerCaregiverHooks } from '../providers/caregiver.service';
import { BoardSupervisionResolver, NoticeResolver, SupervisionResolver } from '../desk/desk.resolver';
import { TargetResolver } from '../targets/target.resolver';
import { UserResolver } from '../users/user.resolver';
import { WorkOrderFactsResolver, WorkOrderResolver } from '../visits/work-order.resolver';
import { withDirectResolvers } from '../graphql/direct-resolvers';
import { ComplianceResolver } from '../compliance/compliance.resolver';
import { registerComplianceHooks } from '../compliance/compliance-hooks';
import { LedgerResolver } from '../ledger/ledger.resolver';
import { SettlementResolver } from '../ledger/settlement.resolver';
import { FacilityPaymentResolver } from '../ledger/facility-payment.resolver';
import { registerLedgerHooks } from '../ledger/ledger-hooks';
import { accessMiddleware } from '../graphql/rules';
import { CallbackResolver } from '../visits/callback.resolver';
import { OversightResolver } from '../visits/oversight.resolver';

export const RESOLVERS = [
  JurisdictionResolver,
  UserResolver,
  AuditResolver,
  FacilityResolver,
  JurisdictionCoverageResolver,
  CoverageResolver,
  FacilityStatsResolver,
  PersonResolver,
  JurisdictionPeopleCountsResolver,
  JurisdictionPopulationResolver,
  PopulationResolver,
  PolicyResolver,
  ProcedureResolver,
  CaseResolver,
  CaseSupervisionResolver,
  CaseRecordResolver,
  JurisdictionCaseFiguresResolver,
  CaseFiguresResolver,
  ReReviewResolver,
  CareResolver,
  EntitlementResolver,
  EntitlementRunResolver,
  JurisdictionSubsidyResolver,
  SubsidyTotalsResolver,
  FacilitySubsidyResolver,
  TargetResolver,
  SupervisionResolver,
  BoardSupervisionResolver,
  NoticeResolver,
  WorkingCalendarResolver,
  CaregiverResolver,
  UserCaregiverResolver,
  ProviderResolver,
  ComplianceResolver,
  LedgerResolver,
  SettlementResolver,
  FacilityPaymentResolver,
  WorkOrderResolver,
  WorkOrderFactsResolver,
  CallbackResolver,
  OversightResolver,
  FundingResolver,
  AnomalyResolver,
] as const;

/** What features do when another's data changes, registered into the earlier feature (no import cycle). */
export function registerFeatureHooks(): void {
  registerCaseHooks();
  registerCaregiverHooks();
  registerComplianceHooks();
  registerLedgerHooks();
}

/**
 * The schema the server serves: resolvers with the access shield applied, and outside it the
 * recorder of mutations that fail without having been audited (refused at the gate, among others).
 */
export async function buildApiSchema(): Promise<GraphQLSchema> {
  registerFeatureHooks();
  const schema = await buildSchema({ resolvers: RESOLVERS, validate: false });
  withDirectResolvers(schema);
  return applyMiddleware(schema, refusalAudit(schema), accessMiddleware(schema));
}

/** The SDL committed as schema/schema.graphql. */
export function printApiSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
