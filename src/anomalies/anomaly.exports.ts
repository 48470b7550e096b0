import type { Context } from '../kernel/context';
import { chinaTimeOf } from '../kernel/dates';
import { fileNameOf, yuanFigure, type Cell, type Sheet } from '../desk/desk.exports';
import { anomalyService, type AnomalyQuery } from './anomaly.service';
import { ANOMALY_KIND_NAMES, ANOMALY_REASON_NAMES, type Anomaly } from './anomaly.types';

// An anomaly list for offices that follow it up in a spreadsheet: ids only, never a name or an ID number
// (docs/anomalies.md, docs/exports.md).

/** The most rows a download holds; past it the preamble says the list was cut. */
export const MAX_EXPORT_ROWS = 5000;

export const ANOMALY_HEADER = [
  '序号', '类型代码', '原因', '原因代码', '工单号', '老人ID', '村（社区）代码', '服务商ID', '服务人员ID', '服务日期', '月份', '金额（元）',
  '补贴类型', '死亡或迁离日期', '最后享受月份', '冻结于该月之后', '间隔（秒）', '距离（米）', '速度（公里/小时）', '调账ID', '出资级次代码',
  '提议人ID', '审批人ID', '审批日期', '合同ID', '缺少的定价',
];

const yuan = (fen: number | null): Cell => (fen === null ? null : yuanFigure(fen));
const list = (values: readonly (string | number)[]) => values.join('、');

const row = (a: Anomaly, i: number): Cell[] => [
  i + 1,
  a.kind,
  list(a.reasons.map((r) => ANOMALY_REASON_NAMES[r])),
  list(a.reasons),
  list(a.orderIds),
  list(a.personIds),
  list(a.villageCodes),
  a.organisationId,
  a.caregiverId,
  list(a.serviceDays),
  list(a.months),
  yuan(a.amountFen),
  a.schemeKind,
  a.statusSince,
  a.lastEnrolledMonth,
  a.frozenAfter,
  a.gapSeconds,
  a.distanceMetres,
  a.speedKmh,
  a.adjustmentId,
  a.funderCode,
  a.proposedBy,
  a.decidedBy,
  a.decidedOn,
  a.contractId,
  list(a.missingPrices.map((m) => `${m.item}/${m.serviceClass ?? '—'}`)),
];

/** An anomaly list under a node as a sheet (A4 landscape): the same list the API serves, up to MAX_EXPORT_ROWS rows. */
export async function anomalySheet(ctx: Context, query: Omit<AnomalyQuery, 'first' | 'after'>): Promise<Sheet> {
  const found = await anomalyService.list(ctx, query, MAX_EXPORT_ROWS);
  const name = ANOMALY_KIND_NAMES[found.kind];
  const title = `专项治理：${name}`;
  return {
    title,
    fileName: fileNameOf(found.at, name, `${found.from}至${found.to}`),
    asciiFileName: `anomalies-${found.at}-${found.kind.toLowerCase()}-${found.from}-${found.to}`,
    preamble: [
      title,
      `区划代码 ${found.at} 及其下级；期间：${found.from} 至 ${found.to}；导出于 ${chinaTimeOf(new Date())} 北京时间`,
      `参数（默认值，非政策规定）：速度阈值 ${found.maxSpeedKmh} 公里/小时；连续月数 ${found.months}；整数倍 ${(found.multipleFen / 100).toFixed(2)} 元`,
      `共 ${found.rows.length} 条${found.pageInfo.hasNextPage ? `（仅列前 ${MAX_EXPORT_ROWS} 条，请缩小期间或区划）` : ''}；老人仅以ID标识，不含姓名和公民身份号码。`,
    ],
    header: ANOMALY_HEADER,
    rows: found.rows.map(row),
    orientation: 'landscape',
  };
}
