import ExcelJS from 'exceljs';
import type { Context } from '../graphql/context';
import { targetService } from '../targets/target.service';
import { BoardOrder, type BoardRow } from '../targets/target.types';
import { deskService } from './desk.service';

/** A table to download: a title, the lines above the table, the header and the rows. */
export interface Sheet {
  title: string;
  preamble: string[];
  header: string[];
  rows: (string | number | null)[][];
}

const HEADER = ['代码 code', '名称 name', '阈值 threshold', '当前值 value', '分子 numerator', '分母 denominator', '预期值 expected', '状态 status', '排名 rank'];

/** One line of the table, from a board's row or a notice's. */
const tableRow = (row: Pick<BoardRow, 'threshold' | 'value' | 'numerator' | 'denominator' | 'expected' | 'status' | 'rank'> & { jurisdiction: { code: string; name: string } }) => [
  row.jurisdiction.code,
  row.jurisdiction.name,
  row.threshold,
  row.value,
  row.numerator,
  row.denominator,
  row.expected,
  row.status,
  row.rank,
];

/** A target's board as a sheet (the same board the API serves: `asOf`, `order`). */
export async function boardSheet(ctx: Context, targetId: string, asOf: string | null, order: BoardOrder | null): Promise<Sheet> {
  const target = await targetService.get(ctx, targetId);
  const board = await targetService.board(ctx, target, asOf, order ?? BoardOrder.LAGGARDS_FIRST);
  return {
    title: target.title,
    preamble: [
      `${target.title} — ${target.jurisdiction.name} ${target.jurisdiction.code}`,
      `${target.metric} ${target.comparator} ${target.threshold}, ${target.startsOn} – ${target.deadline}`,
      `as of ${board.asOf} (read ${board.observedAt.toISOString()}): ${board.progress.value ?? '—'} (${board.progress.status ?? '—'}), ${board.laggards} lagging`,
    ],
    header: HEADER,
    rows: board.rows.map(tableRow),
  };
}

/** A notice as a sheet: the board it keeps, as it stood. */
export async function noticeSheet(ctx: Context, noticeId: string): Promise<Sheet> {
  const notice = await deskService.notice(ctx, noticeId);
  return {
    title: notice.title,
    preamble: [
      notice.title,
      `${notice.issuedBy.name} ${notice.issuedBy.code}, ${notice.author}, ${notice.issuedAt.toISOString()}`,
      `${notice.target.title}: ${notice.target.metric} ${notice.target.comparator} ${notice.target.threshold} by ${notice.target.deadline}`,
      `as of ${notice.asOf}: ${notice.progress.value ?? '—'} (${notice.progress.status ?? '—'}), ${notice.laggards} lagging`,
      ...(notice.body ? [notice.body] : []),
    ],
    header: HEADER,
    rows: notice.rows.map(tableRow),
  };
}

const quote = (cell: string | number | null) => {
  if (cell === null) return '';
  const text = String(cell);
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

/** An XLSX workbook of one sheet: the preamble lines, then the table with its header. */
export async function toXlsx(sheet: Sheet): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Yiyang';
  const worksheet = workbook.addWorksheet(sheet.title.replace(/[*?:\\/[\]]/g, ' ').slice(0, 31) || 'Sheet1');
  for (const line of sheet.preamble) worksheet.addRow([line]);
  worksheet.addRow([]);
  const header = worksheet.addRow(sheet.header);
  header.font = { bold: true };
  for (const row of sheet.rows) worksheet.addRow(row);
  worksheet.columns.forEach((column, i) => {
    column.width = i === 1 ? 24 : 14;
  });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
