import ExcelJS from 'exceljs';
import type { Context } from '../kernel/context';
import { chinaTimeOf } from '../kernel/dates';
import { decimalOf, roundedDecimal } from '../kernel/decimals';
import { ShareDenominator } from '../coverage/population.types';
import {
  ELDERLY_SHARES,
  MetricKind,
  TARGET_COMPARATOR_NAMES,
  TARGET_METRICS,
  TARGET_STATUS_NAMES,
  type TargetComparator,
  type TargetMetric,
  type TargetStatus,
} from '../targets/target-kinds';
import { targetService } from '../targets/target.service';
import { BoardOrder } from '../targets/target.types';
import { deskService } from './desk.service';

// Downloads are read by people in spreadsheets: Chinese headers and labels, rates as percentages with one
// decimal rounded half away from zero from their integer parts, each label's code in a column of its own
// for programs, and a file name saying whose figures of which day they are (docs/exports.md).

/** A figure as people read it: the text of a CSV cell, and the number and format of an XLSX cell. */
export interface Figure {
  text: string;
  number: number;
  format: string;
}

export type Cell = string | number | Figure | null;

/** A table to download: the lines above it, the header and the rows, and what to call the file. */
export interface Sheet {
  title: string;
  /** The file's name without its extension, in Chinese: whose figures, which, of which day. */
  fileName: string;
  /** The same in ASCII, for clients that do not read RFC 5987 names. */
  asciiFileName: string;
  preamble: string[];
  header: string[];
  rows: Cell[][];
  /** How the XLSX prints (on A4, the header repeated on every page): portrait unless said. */
  orientation?: 'portrait' | 'landscape';
}

export const HEADER = ['区划代码', '名称', '目标值', '当前值', '分子', '分母', '预期值', '状态', '状态代码', '排名'];

/** What a share of the elderly divided by, as people read it. */
export const DENOMINATOR_NAMES: Record<ShareDenominator, string> = {
  POPULATION_RECORDED: '老年人口（本级统计数）',
  POPULATION_SUM_OF_CHILDREN: '老年人口（下级合计）',
  REGISTRY: '系统登记老人数（无人口数）',
};

// A share of the elderly says, on each line, what its denominator counts.
const headerOf = (metric: TargetMetric) => (ELDERLY_SHARES.has(metric) ? [...HEADER, '分母口径', '分母口径代码'] : HEADER);
const denominatorLine = (metric: TargetMetric, source: ShareDenominator | null) =>
  ELDERLY_SHARES.has(metric) && source ? `；分母：${DENOMINATOR_NAMES[source]}` : '';

const PERCENT = '0.0%';
// A threshold is set with up to two decimals and is shown with them: 50.0 %, 33.33 %.
const THRESHOLD_PERCENT = '0.0#%';

/** A rate's figure from its parts: numerator of denominator, in percent. */
function rateOf(numerator: number, denominator: number): Figure | null {
  if (denominator === 0) return null;
  return { text: `${roundedDecimal(BigInt(numerator) * 100n, BigInt(denominator), 1)}%`, number: numerator / denominator, format: PERCENT };
}

/** An amount in yuan from whole fen: two decimals exactly (from the integer, never a float), a number in the `#,##0.00` format. */
export function yuanFigure(fen: bigint | number): Figure {
  return { text: roundedDecimal(BigInt(fen), 100n, 2), number: Number(fen) / 100, format: '#,##0.00' };
}

/** A figure given in the metric's unit (percent for a rate, fen for an amount), as people read it. */
function figureOf(kind: MetricKind, value: number | null, role: 'threshold' | 'expected'): Figure | number | null {
  if (value === null) return null;
  const { num, den } = decimalOf(value);
  if (kind === MetricKind.RATE) {
    const two = roundedDecimal(num, den, 2);
    const text = role === 'threshold' && !two.endsWith('0') ? two : roundedDecimal(num, den, 1);
    return { text: `${text}%`, number: value / 100, format: role === 'threshold' ? THRESHOLD_PERCENT : PERCENT };
  }
  if (kind === MetricKind.AMOUNT) {
    return yuanFigure(BigInt(roundedDecimal(num, den, 0)));
  }
  return Number.isInteger(value) ? value : { text: roundedDecimal(num, den, 1), number: value, format: '0.0' };
}

/** A value of the metric's kind from its parts: a rate in percent, a count, an amount in yuan. */
const valueOf = (kind: MetricKind, numerator: number, denominator: number): Figure | number | null =>
  kind === MetricKind.RATE ? rateOf(numerator, denominator) : figureOf(kind, numerator, 'expected');

const textOf = (figure: Figure | number | null) => (figure === null ? '—' : typeof figure === 'number' ? String(figure) : figure.text);
const statusName = (status: TargetStatus | null) => (status ? TARGET_STATUS_NAMES[status] : '—');

interface TableRow {
  jurisdiction: { code: string; name: string };
  threshold: number | null;
  numerator: number;
  denominator: number;
  denominatorSource: ShareDenominator | null;
  expected: number | null;
  status: TargetStatus | null;
  rank: number | null;
}

/** One line of the table, from a board's row or a notice's. */
const tableRow = (metric: TargetMetric) => (row: TableRow): Cell[] => {
  const kind = TARGET_METRICS[metric].kind;
  const cells: Cell[] = [
    row.jurisdiction.code,
    row.jurisdiction.name,
    figureOf(kind, row.threshold, 'threshold'),
    valueOf(kind, row.numerator, row.denominator),
    row.numerator,
    row.denominator,
    figureOf(kind, row.expected, 'expected'),
    row.status === null ? null : TARGET_STATUS_NAMES[row.status],
    row.status,
    row.rank,
  ];
  if (!ELDERLY_SHARES.has(metric)) return cells;
  return [...cells, row.denominatorSource ? DENOMINATOR_NAMES[row.denominatorSource] : null, row.denominatorSource];
};

/** The metric's line: what is measured, against what, in which unit. */
function goalLine(metric: TargetMetric, comparator: TargetComparator, threshold: number, thresholdHigh: number | null): string {
  const { kind, name } = TARGET_METRICS[metric];
  const high = thresholdHigh === null ? '' : ` 至 ${textOf(figureOf(kind, thresholdHigh, 'threshold'))}`;
  const unit = kind === MetricKind.AMOUNT ? ' 元' : '';
  return `指标：${name}（${metric}），${TARGET_COMPARATOR_NAMES[comparator]} ${textOf(figureOf(kind, threshold, 'threshold'))}${high}${unit}`;
}

// Characters Windows and macOS refuse in a file name, and control characters.
const UNSAFE_IN_FILE_NAMES = /[\\/:*?"<>|\u0000-\u001f\u007f]/g;
const MAX_TITLE_CHARACTERS = 80;

/** Parts joined into a file name: unsafe characters become "_", a long title is cut. */
export const fileNameOf = (...parts: string[]) =>
  parts.map((part) => [...part.replace(UNSAFE_IN_FILE_NAMES, '_').trim()].slice(0, MAX_TITLE_CHARACTERS).join('')).join('-');

/** A target's board as a sheet (the same board the API serves: `asOf`, `order`). */
export async function boardSheet(ctx: Context, targetId: string, asOf: string | null, order: BoardOrder | null): Promise<Sheet> {
  const target = await targetService.get(ctx, targetId);
  const board = await targetService.board(ctx, target, asOf, order ?? BoardOrder.LAGGARDS_FIRST);
  const kind = target.metricKind;
  const { progress } = board;
  return {
    title: target.title,
    fileName: fileNameOf(target.jurisdiction.name, target.title, '进度', board.asOf),
    asciiFileName: `target-${target.id}-board-${board.asOf}`,
    preamble: [
      `${target.title} — ${target.jurisdiction.name}（${target.jurisdiction.code}）`,
      `${goalLine(target.metric, target.comparator, target.threshold, target.thresholdHigh)}；期限：${target.startsOn} 至 ${target.deadline}`,
      `统计日期：${board.asOf}（数据读取于 ${chinaTimeOf(board.observedAt)} 北京时间）`,
      `总体进度：${textOf(valueOf(kind, progress.numerator, progress.denominator))}，${statusName(progress.status)}${denominatorLine(target.metric, progress.denominatorSource)}；落后单位（有滞后风险、滞后、逾期未达标）：${board.laggards} 个`,
    ],
    header: headerOf(target.metric),
    rows: board.rows.map(tableRow(target.metric)),
  };
}

/** A notice as a sheet: the board it keeps, as it stood. */
export async function noticeSheet(ctx: Context, noticeId: string): Promise<Sheet> {
  const notice = await deskService.notice(ctx, noticeId);
  const { target, progress } = notice;
  const kind = TARGET_METRICS[target.metric].kind;
  return {
    title: notice.title,
    fileName: fileNameOf(notice.issuedBy.name, notice.title, notice.asOf),
    asciiFileName: `notice-${notice.id}-${notice.asOf}`,
    preamble: [
      notice.title,
      `发布单位：${notice.issuedBy.name}（${notice.issuedBy.code}）；发布人：${notice.author}；发布时间：${chinaTimeOf(notice.issuedAt)}`,
      `目标：${target.title}；${goalLine(target.metric, target.comparator, target.threshold, null)}；期限：${target.deadline}`,
      `统计日期：${notice.asOf}；总体进度：${textOf(valueOf(kind, progress.numerator, progress.denominator))}，${statusName(progress.status)}${denominatorLine(target.metric, progress.denominatorSource)}；落后单位：${notice.laggards} 个`,
      ...(notice.body ? [notice.body] : []),
    ],
    header: headerOf(target.metric),
    rows: notice.rows.map(tableRow(target.metric)),
  };
}

/** The Content-Disposition of a download: the Chinese name as RFC 5987 `filename*`, the ASCII one as `filename`. */
export function contentDisposition(sheet: Sheet, extension: string): string {
  // encodeURIComponent leaves ' ( ) * unescaped, which RFC 5987 does not allow in a value.
  const encoded = encodeURIComponent(`${sheet.fileName}.${extension}`).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${sheet.asciiFileName}.${extension}"; filename*=UTF-8''${encoded}`;
}

const cellText = (cell: Cell) => (cell === null ? '' : typeof cell === 'object' ? cell.text : String(cell));

const quote = (cell: Cell) => {
  const text = cellText(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * RFC 4180 CSV in UTF-8 with the byte-order mark Excel needs to read it as UTF-8, CRLF line ends: the
 * header and the rows only, so that it loads as a plain table (the preamble goes to the XLSX).
 */
export function toCsv(sheet: Sheet): Buffer {
  const lines = [sheet.header, ...sheet.rows].map((row) => row.map(quote).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

// A CJK character takes about two columns of a Latin one.
const displayWidth = (text: string) => [...text].reduce((width, c) => width + (c.codePointAt(0)! >= 0x2e80 ? 2 : 1), 0);

/** An XLSX workbook of one sheet: the preamble lines, then the table with its header; figures are numbers in their format. */
export async function toXlsx(sheet: Sheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Yiyang';
  const worksheet = workbook.addWorksheet(sheet.title.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31) || 'Sheet1');
  for (const line of sheet.preamble) worksheet.addRow([line]);
  if (sheet.preamble.length > 0) worksheet.getRow(1).font = { bold: true, size: 14 };
  worksheet.addRow([]);
  const header = worksheet.addRow(sheet.header);
  header.font = { bold: true };
  worksheet.views = [{ state: 'frozen', ySplit: header.number }];
  // Printed on A4 (paper size 9), as wide as one page, the header row on every page.
  worksheet.pageSetup = {
    ...worksheet.pageSetup,
    paperSize: 9,
    orientation: sheet.orientation ?? 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    printTitlesRow: `${header.number}:${header.number}`,
  };
  for (const cells of sheet.rows) {
    const row = worksheet.addRow(cells.map((cell) => (cell !== null && typeof cell === 'object' ? cell.number : cell)));
    cells.forEach((cell, i) => {
      if (cell !== null && typeof cell === 'object') row.getCell(i + 1).numFmt = cell.format;
    });
  }
  sheet.header.forEach((title, i) => {
    const widest = Math.max(displayWidth(title), ...sheet.rows.map((cells) => displayWidth(cellText(cells[i]))));
    worksheet.getColumn(i + 1).width = Math.min(Math.max(widest + 2, 8), 50);
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
