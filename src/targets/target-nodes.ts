import { asInstance } from '../graphql/roots';
import type { Context } from '../kernel/context';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { fromUnits } from './target-units';
import type { TargetRow } from './target.repository';
import { definitionOf } from './target.rules';
import { TargetNode, type TargetRef } from './target.types';

/** A target as the API shows it: values in the metric's unit (percent for a rate). */
export function toNode(row: TargetRow, jurisdiction: Jurisdiction): TargetNode {
  const definition = definitionOf(row);
  const kind = definition.kind;
  return asInstance(TargetNode, {
    id: String(row.id),
    title: row.title,
    jurisdiction,
    metric: row.metric,
    metricKind: kind,
    metricNature: definition.nature,
    metricHistory: definition.history,
    facilityType: row.facilityType,
    comparator: row.comparator,
    threshold: fromUnits(kind, row.threshold),
    thresholdHigh: row.thresholdHigh === null ? null : fromUnits(kind, row.thresholdHigh),
    baseline: fromUnits(kind, row.baseline),
    startsOn: row.startsOn,
    deadline: row.deadline,
    phases: row.phases,
    responsibleUnit: row.responsibleUnit,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    row,
  });
}

/** The targets as nodes with their jurisdictions (batched through the jurisdiction loader). */
export async function nodesOf(ctx: Context, rows: readonly TargetRow[]): Promise<TargetNode[]> {
  const nodes = await Promise.all(rows.map((row) => jurisdictionService.byId(ctx, row.jurisdictionId)));
  return rows.map((row, i) => toNode(row, nodes[i]!));
}

/** A target as a reference (one of a level above the caller's, too). */
export async function refOf(ctx: Context, row: TargetRow): Promise<TargetRef> {
  const node = (await jurisdictionService.byId(ctx, row.jurisdictionId))!;
  const kind = definitionOf(row).kind;
  return {
    id: String(row.id),
    title: row.title,
    jurisdiction: { code: node.code, name: node.name, level: node.level },
    metric: row.metric,
    comparator: row.comparator,
    threshold: fromUnits(kind, row.threshold),
    deadline: row.deadline,
  };
}
