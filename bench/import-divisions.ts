import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { loadConfig, setConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { importDivisions, type DivisionImportReport } from '../src/jurisdictions/division-import.service';
import { defaultDivisionSource, parseCsvLine } from '../src/jurisdictions/division-source';
import { check, dropDatabase, freshDatabase, log, onServer, percentile, progress, saveResults, withDatabase } from './support';

// npm run bench:import: times the national division import (first load, idempotent re-run, one rename)
// on a fresh database, RUNS times, and writes bench/results/import-divisions.json.

const RUNS = 3;
const BENCH_DATABASE = 'yiyang_bench_import';
const CASES = ['first import (empty database)', 're-import (idempotent, no changes)', 're-import with one rename'] as const;
type CaseName = (typeof CASES)[number];

interface Sample {
  ms: number;
  report: DivisionImportReport;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

// A copy of the CSV source where the first village carries a new name (same suffix, so the same kind).
function sourceWithOneRename(): { dir: string; code: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-bench-divisions-'));
  const source = defaultDivisionSource();
  for (const file of fs.readdirSync(source).filter((f) => f.endsWith('.csv'))) {
    fs.copyFileSync(path.join(source, file), path.join(dir, file));
  }
  const villages = path.join(dir, 'villages.csv');
  const lines = fs.readFileSync(villages, 'utf8').split('\n');
  const header = parseCsvLine(lines[0].replace(/^\uFEFF/, '').replace(/\r$/, ''));
  const row = lines.findIndex((line, i) => i > 0 && line.trim() !== '');
  const fields = parseCsvLine(lines[row].replace(/\r$/, ''));
  const nameAt = header.indexOf('name');
  fields[nameAt] = `新${fields[nameAt]}`;
  lines[row] = fields.map(csvField).join(',') + (lines[row].endsWith('\r') ? '\r' : '');
  fs.writeFileSync(villages, lines.join('\n'));
  return { dir, code: fields[header.indexOf('code')] };
}

async function timed(dataSource: DataSource, sourceDir?: string): Promise<Sample> {
  const started = performance.now();
  const report = await importDivisions(dataSource, { sourceDir, progress });
  return { ms: performance.now() - started, report };
}

async function oneCycle(
  benchUrl: string,
  renamed: { dir: string; code: string },
): Promise<{ samples: Record<CaseName, Sample>; tree: Record<string, number> }> {
  const dataSource = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 2, applicationName: 'yiyang-bench' });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });

    const first = await timed(dataSource);
    check(first.report.inserted > 600_000, `first import inserted only ${first.report.inserted} rows`);
    check(first.report.updated === 0, `first import updated ${first.report.updated} rows`);
    const [{ nodes, villages, counted }] = await dataSource.query(
      `SELECT count(*)::int AS nodes, count(*) FILTER (WHERE level = 'VILLAGE')::int AS villages,
         (SELECT sum(village_count)::int FROM jurisdiction WHERE level = 'PROVINCE') AS counted
       FROM jurisdiction`,
    );
    check(nodes === first.report.inserted, `${nodes} nodes stored, ${first.report.inserted} reported inserted`);
    check(counted === villages, `provinces count ${counted} villages below them, ${villages} stored`);

    const again = await timed(dataSource);
    check(
      again.report.inserted === 0 && again.report.updated === 0,
      `re-import inserted ${again.report.inserted} and updated ${again.report.updated} rows`,
    );

    const rename = await timed(dataSource, renamed.dir);
    check(
      rename.report.inserted === 0 && rename.report.updated === 1,
      `rename re-import inserted ${rename.report.inserted} and updated ${rename.report.updated} rows`,
    );
    const [village] = await dataSource.query(`SELECT name FROM jurisdiction WHERE code = $1`, [renamed.code]);
    check(typeof village?.name === 'string' && village.name.startsWith('新'), `village ${renamed.code} was not renamed`);

    const levels: { level: string; count: number }[] = await dataSource.query(
      `SELECT level, count(*)::int AS count FROM jurisdiction GROUP BY level ORDER BY level`,
    );
    return {
      samples: { [CASES[0]]: first, [CASES[1]]: again, [CASES[2]]: rename } as Record<CaseName, Sample>,
      tree: Object.fromEntries(levels.map((r) => [r.level, r.count])),
    };
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  // Keep stdout for the JSON result: only errors reach the log.
  setConfig(loadConfig({ LOG_LEVEL: 'error' }));
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const benchUrl = withDatabase(adminUrl, BENCH_DATABASE);
  const serverVersion = await onServer(adminUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  });
  const renamed = sourceWithOneRename();
  const samples = new Map<CaseName, Sample[]>(CASES.map((name) => [name, []]));
  let tree: Record<string, number> = {};
  try {
    for (let run = 0; run < RUNS; run++) {
      await freshDatabase(adminUrl, BENCH_DATABASE);
      const cycle = await oneCycle(benchUrl, renamed);
      for (const name of CASES) samples.get(name)!.push(cycle.samples[name]);
      tree = cycle.tree;
      log(`run ${run + 1}/${RUNS}: ${CASES.map((name) => `${name} ${Math.round(cycle.samples[name].ms)} ms`).join(', ')}`);
    }
  } finally {
    fs.rmSync(renamed.dir, { recursive: true, force: true });
    await dropDatabase(adminUrl, BENCH_DATABASE);
  }

  const results = CASES.map((name) => {
    const runs = samples.get(name)!;
    const sorted = runs.map((s) => s.ms).sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    const last = runs[runs.length - 1].report;
    return {
      name,
      p50_ms: Math.round(p50),
      p95_ms: Math.round(percentile(sorted, 95)),
      runs: runs.length,
      rows: last.read,
      inserted: last.inserted,
      updated: last.updated,
      rejected: last.rejected.length,
      rows_per_s: Math.round(last.read / (p50 / 1000)),
    };
  });
  const cpus = os.cpus();
  const cores = `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'})`;
  const output = {
    benchmark: 'import-divisions',
    date: new Date().toISOString(),
    machine: `${cores}, ${Math.round(os.totalmem() / 2 ** 30)} GiB memory, PostgreSQL ${serverVersion}`,
    results,
    tree,
  };
  saveResults('import-divisions', output);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
