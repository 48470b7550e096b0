import type { TargetStatus } from '../targets/target-kinds';
import type { TargetBoard, TargetNode } from '../targets/target.types';
import { asInstance } from '../graphql/roots';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { SupervisionStatus } from './desk-kinds';
import { NoticeNode, SupervisionItemNode } from './desk.types';
import type { NoticeContent, NoticeRow } from './notice.repository';
import type { SupervisionItemRow } from './supervision.repository';
import type { ShareDenominator } from '../coverage/population.types';

// What the desk's rows look like through the API, and what a notice keeps of a board.

const refOf = (node: Jurisdiction): JurisdictionRef => ({ code: node.code, name: node.name, level: node.level });

/** Items as nodes, with their issuer and responsible unit (batched through the jurisdiction loader). */
export async function itemNodes(ctx: Context, rows: readonly SupervisionItemRow[]): Promise<SupervisionItemNode[]> {
  const today = todayInChina();
  const ids = [...new Set(rows.flatMap((row) => [row.issuerId, row.responsibleId]))];
  const nodes = new Map((await Promise.all(ids.map((id) => jurisdictionService.byId(ctx, id)))).map((node) => [node!.id, node!]));
  return rows.map((row) =>
    asInstance(SupervisionItemNode, {
      id: String(row.id),
      title: row.title,
      detail: row.detail,
      issuedBy: refOf(nodes.get(row.issuerId)!),
      responsible: refOf(nodes.get(row.responsibleId)!),
      responsibleUnit: row.responsibleUnit,
      targetId: row.targetId === null ? null : String(row.targetId),
      caseId: row.caseId === null ? null : String(row.caseId),
      deadline: row.deadline,
      status: row.status,
      closedOn: row.closedOn,
      overdue: row.status === SupervisionStatus.OPEN && row.deadline < today,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
  );
}

/** A notice as kept. */
export function noticeNode(row: NoticeRow): NoticeNode {
  const { content } = row;
  return asInstance(NoticeNode, {
    id: String(row.id),
    title: row.title,
    body: row.body,
    issuedBy: content.target.jurisdiction as JurisdictionRef,
    target: {
      id: content.target.id,
      title: content.target.title,
      jurisdiction: content.target.jurisdiction as JurisdictionRef,
      metric: content.target.metric,
      comparator: content.target.comparator,
      threshold: content.target.threshold,
      deadline: content.target.deadline,
    } as NoticeNode['target'],
    asOf: row.asOf,
    observedAt: new Date(content.observedAt),
    issuedAt: row.createdAt,
    author: row.author,
    progress: {
      ...content.progress,
      denominatorSource: (content.progress.denominatorSource ?? null) as ShareDenominator | null,
      status: content.progress.status as TargetStatus | null,
    },
    laggards: content.laggards,
    rows: content.rows.map((r) => ({
      jurisdiction: { code: r.code, name: r.name, level: r.level } as JurisdictionRef,
      threshold: r.threshold,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      denominatorSource: (r.denominatorSource ?? null) as ShareDenominator | null,
      expected: r.expected,
      status: r.status as TargetStatus | null,
      rank: r.rank,
    })),
  });
}

/** What a notice keeps of a board. */
export function contentOf(board: TargetBoard, target: TargetNode): NoticeContent {
  return {
    target: {
      id: target.id,
      title: target.title,
      metric: target.metric,
      metricKind: target.metricKind,
      comparator: target.comparator,
      threshold: target.threshold,
      deadline: target.deadline,
      jurisdiction: { code: target.jurisdiction.code, name: target.jurisdiction.name, level: target.jurisdiction.level },
    },
    observedAt: board.observedAt.toISOString(),
    progress: {
      value: board.progress.value,
      numerator: board.progress.numerator,
      denominator: board.progress.denominator,
      denominatorSource: board.progress.denominatorSource,
      expected: board.progress.expected,
      status: board.progress.status,
    },
    laggards: board.laggards,
    rows: board.rows.map((row) => ({
      code: row.jurisdiction.code,
      name: row.jurisdiction.name,
      level: row.jurisdiction.level,
      threshold: row.threshold,
      value: row.value,
      numerator: row.numerator,
      denominator: row.denominator,
      denominatorSource: row.denominatorSource,
      expected: row.expected,
      status: row.status,
      rank: row.rank,
    })),
  };
}
