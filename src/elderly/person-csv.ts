import { CsvError, parse } from 'csv-parse/sync';
import { BadUserInputError, LimitExceededError } from '../kernel/errors';
import { fenFromYuan } from '../kernel/money';
import {
  HARDSHIP_CATEGORY_CHINESE,
  HardshipCategory,
  ImportRowErrorCode,
  LIVING_SITUATION_NAMES,
  LivingSituation,
} from './elderly-kinds';
import type { CategoryInput, RegisterPersonInput } from './person.inputs';

// Reading a people CSV: the file's structure (RFC 4180 via csv-parse, a header of known columns, each
// row with the line it starts on; `readCsv` also reads the population files) and the spreadsheet
// notations of its cells (yuan, days, lists of enum values or their Chinese names). What the values
// must then satisfy is person.rules.ts's business.

/** The most data rows one import takes; a larger file is refused whole. */
export const MAX_IMPORT_ROWS = 20_000;

export type ColumnName =
  | 'nationalId'
  | 'name'
  | 'phone'
  | 'address'
  | 'villageCode'
  | 'hukouCode'
  | 'residentSince'
  | 'livingSituations'
  | 'ownMonthlyIncome'
  | 'householdMonthlyIncome'
  | 'categories';

export interface ColumnSpec<N extends string = ColumnName> {
  name: N;
  /** The headers offices write for it. */
  aliases: readonly string[];
  required: boolean;
  /** The code of an error in this column. */
  code: ImportRowErrorCode;
  /** The field of RegisterPersonInput it fills, when named otherwise. */
  inputField?: keyof RegisterPersonInput;
}

export const PEOPLE_COLUMNS: readonly ColumnSpec[] = [
  { name: 'nationalId', aliases: ['身份证号', '身份证号码'], required: true, code: ImportRowErrorCode.BAD_NATIONAL_ID },
  { name: 'name', aliases: ['姓名'], required: true, code: ImportRowErrorCode.BAD_TEXT },
  { name: 'phone', aliases: ['联系电话'], required: false, code: ImportRowErrorCode.BAD_PHONE },
  { name: 'address', aliases: ['住址'], required: false, code: ImportRowErrorCode.BAD_TEXT },
  { name: 'villageCode', aliases: ['居住地代码', '村居代码'], required: true, code: ImportRowErrorCode.BAD_CODE },
  { name: 'hukouCode', aliases: ['户籍地代码'], required: true, code: ImportRowErrorCode.BAD_CODE },
  { name: 'residentSince', aliases: ['居住起始日期'], required: false, code: ImportRowErrorCode.BAD_DATE },
  { name: 'livingSituations', aliases: ['居住状况'], required: false, code: ImportRowErrorCode.BAD_VALUE },
  { name: 'ownMonthlyIncome', aliases: ['本人月收入'], required: false, code: ImportRowErrorCode.BAD_AMOUNT, inputField: 'ownMonthlyIncomeFen' },
  {
    name: 'householdMonthlyIncome',
    aliases: ['家庭月人均收入'],
    required: false,
    code: ImportRowErrorCode.BAD_AMOUNT,
    inputField: 'householdMonthlyIncomeFen',
  },
  { name: 'categories', aliases: ['困难类别'], required: false, code: ImportRowErrorCode.BAD_VALUE },
];


export const COLUMN_BY_INPUT_FIELD = new Map<string, ColumnSpec>(PEOPLE_COLUMNS.map((column) => [column.inputField ?? column.name, column]));

const describeColumn = <N extends string>(column: ColumnSpec<N>) => `${column.name} (${column.aliases.join(' / ')})`;

/** One data row: the line of the file it starts on and its cells by column. */
export interface CsvRow<N extends string = ColumnName> {
  line: number;
  cells: Partial<Record<N, string>>;
  /** Fields beyond the header's columns that hold something. */
  extraFields: number;
}

/** A problem with one cell's notation (or, with no column, with the row). */
export interface CellProblem {
  column: ColumnName | null;
  code: ImportRowErrorCode;
  message: string;
}

const fileError = (message: string) => new BadUserInputError('csv', message);

function newlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === '\n') count += 1;
  return count;
}

/** The records of an RFC 4180 text, each with the physical line it starts on (a quoted line break starts a new line). */
function records(text: string): { line: number; fields: string[] }[] {
  // Every line break is made a \n first, so that lines are counted alike whatever wrote the file.
  const normalised = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const found: { line: number; fields: string[] }[] = [];
  let line = 1;
  try {
    parse(normalised, {
      relax_column_count: true,
      skip_empty_lines: false,
      record_delimiter: '\n',
      on_record: (fields: string[]) => {
        found.push({ line, fields });
        line += 1 + fields.reduce((sum, field) => sum + newlines(field), 0);
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // `line` is where the record being read when parsing failed begins.
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        throw fileError(`line ${line}: a quoted field is never closed (the file ends inside it)`);
      case 'INVALID_OPENING_QUOTE':
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        throw fileError(`line ${Number(error.lines) || line}: a quote in a field must be doubled ("") and the field quoted as a whole`);
      default:
        throw fileError(`line ${line}: not RFC 4180 CSV (${error.message})`);
    }
  }
  return found;
}

const isBlank = (fields: readonly string[]) => fields.every((field) => field.trim() === '');

/** The data rows of a people CSV (see readCsv). */
export const readPeopleCsv = (text: string): CsvRow[] => readCsv(text, PEOPLE_COLUMNS);

/**
 * The data rows of a CSV file of `specs`' columns. The file as a whole is refused (BAD_USER_INPUT on
 * `csv`) when it is not CSV, when its header names an unknown column, a column twice, or leaves out a
 * required one, or when it has no row; LIMIT_EXCEEDED when it has more than MAX_IMPORT_ROWS. Blank
 * lines are skipped.
 */
export function readCsv<N extends string>(text: string, specs: readonly ColumnSpec<N>[]): CsvRow<N>[] {
  const byHeader = new Map<string, ColumnSpec<N>>(
    specs.flatMap((column) => [[column.name.toLowerCase(), column] as const, ...column.aliases.map((alias) => [alias, column] as const)]),
  );
  if (text.includes('\uFFFD')) throw fileError('is not UTF-8 text (some characters could not be read): save the file as "CSV UTF-8"');
  const all = records(text).filter((record) => !isBlank(record.fields));
  if (all.length === 0) throw fileError('is empty: the first line must name the columns');
  const [header, ...data] = all;
  if (data.length > MAX_IMPORT_ROWS) {
    throw new LimitExceededError(`csv: the file has ${data.length} rows; at most ${MAX_IMPORT_ROWS} may be imported at once, so split it`, { field: 'csv' });
  }

  const columns: (ColumnSpec<N> | null)[] = [];
  const problems: string[] = [];
  const unknown: string[] = [];
  header.fields.forEach((raw, i) => {
    const name = raw.trim();
    const column = byHeader.get(name) ?? byHeader.get(name.toLowerCase()) ?? null;
    if (name === '') {
      // Spreadsheets often save an empty column after the last: harmless as long as it stays empty.
      const used = data.find((row) => (row.fields[i] ?? '').trim() !== '');
      if (used) problems.push(`column ${i + 1} has no name in the header but line ${used.line} has a value in it`);
    } else if (!column) {
      unknown.push(name);
    } else if (columns.includes(column)) {
      problems.push(`the header names ${describeColumn(column)} twice`);
    }
    columns.push(column && !columns.includes(column) ? column : null);
  });
  if (unknown.length > 0) {
    problems.unshift(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => JSON.stringify(name)).join(', ')}`);
  }
  const missing = specs.filter((column) => column.required && !columns.includes(column));
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.map(describeColumn).join(', ')}`);
  if (problems.length > 0) {
    throw fileError(`line ${header.line}: ${problems.join('; ')}. The columns are ${specs.map(describeColumn).join(', ')}`);
  }
  if (data.length === 0) throw fileError('has a header but no rows');

  return data.map(({ line, fields }) => {
    const cells: Partial<Record<N, string>> = {};
    let extraFields = 0;
    fields.forEach((value, i) => {
      const column = columns[i];
      if (column) cells[column.name] = value;
      else if (i >= columns.length && value.trim() !== '') extraFields += 1;
    });
    return { line, cells, extraFields };
  });
}

// Cells: the notations a spreadsheet writes, turned into what registerPerson takes.

const LIST_SEPARATOR = /[;；、]/;
const items = (cell: string) =>
  cell
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter((item) => item !== '');

// Full-width parentheses and colons as Chinese input methods type them, and no spaces.
const folded = (text: string) => text.replace(/（/g, '(').replace(/）/g, ')').replace(/\s+/g, '');

const LIVING_SITUATION_BY_NAME = new Map<string, LivingSituation>([
  ...Object.values(LivingSituation).map((value) => [value, value] as const),
  ...Object.entries(LIVING_SITUATION_NAMES).map(([value, chinese]) => [chinese, value as LivingSituation] as const),
]);

const CATEGORY_BY_NAME = new Map<string, HardshipCategory>([
  ...Object.values(HardshipCategory).map((value) => [value, value] as const),
  ...Object.entries(HARDSHIP_CATEGORY_CHINESE).flatMap(([value, names]) => names.map((name) => [folded(name), value as HardshipCategory] as const)),
]);

const CHINESE_GRADES: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4 };
// A category, optionally followed by a colon and a disability grade: 残疾:2, DISABILITY:2, 残疾：二级.
const CATEGORY_ITEM = /^(.+?)(?:[:：](.*))?$/;
const GRADE = /^(\d+|[一二三四])级?$/;

// YYYY-MM-DD as the API writes days, or the YYYY/M/D a spreadsheet in a Chinese locale saves.
const DAY_NOTATION = /^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$/;

// An ID or code typed into a spreadsheet cell that is not formatted as text comes out as 3.21012E+17.
const SCIENTIFIC = /^\d(\.\d+)?E\+?\d+$/i;
const SCIENTIFIC_HINT = 'was saved by a spreadsheet as a number (e.g. 3.21012E+17): format the column as text and save the file again';

/** The registration a row asks for, with the problems of notation found on the way (those cells are left empty). */
export function rowInput(row: CsvRow): { input: RegisterPersonInput; problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const cell = (column: ColumnName) => row.cells[column] ?? '';
  const note = (column: ColumnName | null, code: ImportRowErrorCode, message: string) => problems.push({ column, code, message });
  if (row.extraFields > 0) note(null, ImportRowErrorCode.BAD_ROW, 'has more fields than the header has columns (an unquoted comma?)');

  const literal = (column: ColumnName, code: ImportRowErrorCode) => {
    if (SCIENTIFIC.test(cell(column).trim())) note(column, code, SCIENTIFIC_HINT);
    return cell(column);
  };

  const day = (column: ColumnName): string | null => {
    const text = cell(column).trim();
    if (text === '') return null;
    const match = DAY_NOTATION.exec(text);
    if (!match) {
      note(column, ImportRowErrorCode.BAD_DATE, 'must be a day written YYYY-MM-DD or YYYY/M/D');
      return null;
    }
    return `${match[1]}-${match[3].padStart(2, '0')}-${match[4].padStart(2, '0')}`;
  };

  const fen = (column: ColumnName): number | null => {
    const text = cell(column).trim();
    if (text === '') return null;
    const value = fenFromYuan(text);
    if (value === null) note(column, ImportRowErrorCode.BAD_AMOUNT, 'must be an amount in 元 with at most 2 decimals, e.g. 600 or 1234.5');
    return value;
  };

  const livingSituations: LivingSituation[] = [];
  for (const item of items(cell('livingSituations'))) {
    const value = LIVING_SITUATION_BY_NAME.get(item.toUpperCase()) ?? LIVING_SITUATION_BY_NAME.get(item);
    if (value) livingSituations.push(value);
    else {
      const known = Object.entries(LIVING_SITUATION_NAMES).map(([v, chinese]) => `${v} (${chinese})`);
      note('livingSituations', ImportRowErrorCode.BAD_VALUE, `${JSON.stringify(item)} is not a living situation: write ${known.join(', ')}`);
    }
  }

  const categories: CategoryInput[] = [];
  for (const item of items(cell('categories'))) {
    const [, name, gradeText] = CATEGORY_ITEM.exec(item)!;
    const category = CATEGORY_BY_NAME.get(name.trim().toUpperCase()) ?? CATEGORY_BY_NAME.get(folded(name));
    if (!category) {
      note('categories', ImportRowErrorCode.BAD_VALUE, `${JSON.stringify(item)} is not a hardship category (see HardshipCategory for the names)`);
      continue;
    }
    if (gradeText === undefined) {
      categories.push({ category });
      continue;
    }
    const grade = GRADE.exec(gradeText.trim());
    if (!grade) {
      note('categories', ImportRowErrorCode.BAD_VALUE, `${JSON.stringify(item)}: write a disability grade as a number after a colon, e.g. 残疾:2`);
      continue;
    }
    categories.push({ category, disabilityGrade: CHINESE_GRADES[grade[1]] ?? Number(grade[1]) });
  }

  const input: RegisterPersonInput = {
    nationalId: literal('nationalId', ImportRowErrorCode.BAD_NATIONAL_ID),
    name: cell('name'),
    phone: cell('phone'),
    address: cell('address'),
    villageCode: literal('villageCode', ImportRowErrorCode.BAD_CODE),
    hukouCode: literal('hukouCode', ImportRowErrorCode.BAD_CODE),
    residentSince: day('residentSince'),
    livingSituations,
    ownMonthlyIncomeFen: fen('ownMonthlyIncome'),
    householdMonthlyIncomeFen: fen('householdMonthlyIncome'),
    categories,
  };
  return { input, problems };
}
