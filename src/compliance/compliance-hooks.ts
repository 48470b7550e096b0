import { onEnrolled } from '../cases/enrolment-hooks';
import { registerMetricReader } from '../targets/metric-readers';
import { TargetMetric } from '../targets/target-kinds';
import { complianceService } from './compliance.service';

/**
 * Registered at start-up with the features' hooks: targets read VISIT_COMPLIANCE_SHARE from the
 * compliance figures, and an approval's new recipient counts at once in the months planned at their village.
 */
export function registerComplianceHooks(): void {
  registerMetricReader(TargetMetric.VISIT_COMPLIANCE_SHARE, (ctx, nodes, day) => complianceService.metShares(ctx, nodes, day));
  onEnrolled('compliance', (enrolled) => complianceService.planNewRecipient(enrolled));
}
