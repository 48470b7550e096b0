import { registerMetricReader } from '../targets/metric-readers';
import { TargetMetric } from '../targets/target-kinds';
import { complianceService } from './compliance.service';

/** Targets read VISIT_COMPLIANCE_SHARE from the compliance figures (registered at start-up with the features' hooks). */
export function registerComplianceMetric(): void {
  registerMetricReader(TargetMetric.VISIT_COMPLIANCE_SHARE, (ctx, nodes, day) => complianceService.metShares(ctx, nodes, day));
}
