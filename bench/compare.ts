import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUDGET_LIFTED, COST_LIMIT_LIFTED, loadAverage, machineLine } from './support';

// BEFORE=<checkout> AFTER=<checkout> node dist/bench/compare.js: the same benchmarks of two checkouts
// on the same bench databases, alternately, RUNS times each (default 3), and every run's figures side by
// side in bench/results/<OUT>.json (default compare.json). BENCHES picks the benchmarks (default
// coverage,targets,entitlements). Each checkout is built once (`npm run -s build`; its node_modules
// must be there), then each benchmark runs as `node dist/bench/<name>.js` in its checkout: the data sets
// are built by the first run that needs them and reused after, so build them before comparing.
//
// The pair's order alternates from one run to the next (before first, then after first), so that a
// machine that slows down or speeds up during the comparison does not favour one side. Each run
// records the load average before and after it: figures of a loaded machine say so.

interface Side {
  label: 'before' | 'after';
  checkout: string;
  commit: string;
}

interface RunRecord {
  bench: string;
  run: number;
  side: Side['label'];
  started: string;
  seconds: number;
  load_before: number[];
  load_after: number[];
  machine_floor_select_1_us: number | null;
  exit_code: number;
  results: Record<string, unknown>[];
  error?: string;
}

const ROOT = path.resolve(__dirname, '..', '..');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name}=<path of a checkout> is required`);
  const checkout = path.resolve(value);
  if (!fs.existsSync(path.join(checkout, 'package.json'))) throw new Error(`${name}: ${checkout} is not a checkout`);
  return checkout;
}

const load = () => loadAverage();

function commitOf(checkout: string): string {
  const result = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: checkout, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: checkout, encoding: 'utf8' }).stdout.trim();
  return `${result.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}`;
}

function build(side: Side): void {
  process.stderr.write(`building ${side.label} (${side.checkout}, ${side.commit})\n`);
  const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: side.checkout, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`the build of ${side.checkout} failed`);
}

// Loaded first in every benchmark of both sides: checkouts whose benchmarks predate the lifted limits
// have their server refuse a benchmark's thousands of requests a minute (429) and the targets
// benchmark's 20 boards in one request (over the cost limit), so their configuration gets the same
// lifted limits; and the benchmarks' checks of whole tables (a scan of every facility history entry)
// may take longer than the 10 s a statement is allowed on a loaded machine, so both sides allow a
// statement 10 minutes. None of it changes what the requests measure.
const CONFIG_DEFAULTS = `
const path = require('node:path');
const config = require(path.join(process.cwd(), 'dist', 'src', 'config'));
const loadConfig = config.loadConfig;
const defaults = { RATE_LIMIT_COST: '${BUDGET_LIFTED}', MAX_QUERY_COST: '${COST_LIMIT_LIFTED}', STATEMENT_TIMEOUT_MS: '600000' };
config.loadConfig = (env = process.env) => loadConfig({ ...defaults, ...env });
`;

function runBench(side: Side, bench: string, preload: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', preload, path.join('dist', 'bench', `${bench}.js`)], {
      cwd: side.checkout,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // Log lines and stage ends only, not the progress bar's redraws.
      for (const line of chunk.toString('utf8').split(/\r?\n/)) if (/^\(|done|error|Error|failed/i.test(line)) process.stderr.write(`  [${side.label} ${bench}] ${line.slice(0, 200)}\n`);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** A case's key across checkouts: its leading "(x)", or its whole name. */
const caseKey = (name: string) => /^\(\w+\)/.exec(name)?.[0] ?? name;

/** Every case of every benchmark with each run's figures of both sides. */
function sideBySide(records: readonly RunRecord[]) {
  const cases = new Map<string, { bench: string; case: string; name: string; before: unknown[]; after: unknown[] }>();
  for (const record of records) {
    for (const result of record.results) {
      const name = String(result.name);
      const id = `${record.bench}|${caseKey(name)}`;
      let row = cases.get(id);
      if (!row) cases.set(id, (row = { bench: record.bench, case: caseKey(name), name, before: [], after: [] }));
      const { p50_ms, p95_ms, requests_per_s, sql_statements, cpu_steal_pct, ratio_to_floor_p50 } = result as Record<string, unknown>;
      row[record.side].push({ run: record.run, p50_ms, p95_ms, requests_per_s, sql_statements, cpu_steal_pct, ratio_to_floor_p50, load_before: record.load_before });
    }
  }
  return [...cases.values()];
}

async function main(): Promise<void> {
  const before: Side = { label: 'before', checkout: required('BEFORE'), commit: '' };
  const after: Side = { label: 'after', checkout: required('AFTER'), commit: '' };
  const runs = Number(process.env.RUNS ?? 3);
  const benches = (process.env.BENCHES ?? 'coverage,targets,entitlements').split(',').map((name) => name.trim()).filter(Boolean);
  const outFile = path.join(ROOT, 'bench', 'results', `${process.env.OUT ?? 'compare'}.json`);
  for (const side of [before, after]) side.commit = commitOf(side.checkout);
  if (process.env.SKIP_BUILD !== '1') for (const side of [before, after]) build(side);

  const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-compare-')), 'config-defaults.js');
  fs.writeFileSync(preload, CONFIG_DEFAULTS);
  const records: RunRecord[] = [];
  const save = () => {
    const output = {
      benchmark: 'compare',
      date: new Date().toISOString(),
      machine: machineLine(),
      before: { checkout: before.checkout, commit: before.commit },
      after: { checkout: after.checkout, commit: after.commit },
      runs_each: runs,
      benches,
      order: 'per run and benchmark, before then after on odd runs, after then before on even runs',
      results: sideBySide(records),
      runs: records,
    };
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${JSON.stringify(output, null, 2)}\n`);
  };

  for (let run = 1; run <= runs; run++) {
    for (const bench of benches) {
      for (const side of run % 2 === 1 ? [before, after] : [after, before]) {
        const started = new Date();
        const loadBefore = load();
        process.stderr.write(`run ${run}/${runs} ${bench} ${side.label}: load ${loadBefore.join(' ')}\n`);
        const { code, stdout, stderr } = await runBench(side, bench, preload);
        const record: RunRecord = {
          bench,
          run,
          side: side.label,
          started: started.toISOString(),
          seconds: Math.round((Date.now() - started.getTime()) / 100) / 10,
          load_before: loadBefore,
          load_after: load(),
          machine_floor_select_1_us: null,
          exit_code: code,
          results: [],
        };
        try {
          const output = JSON.parse(stdout) as { results: Record<string, unknown>[]; machine_floor_select_1_us?: number };
          record.results = output.results;
          record.machine_floor_select_1_us = output.machine_floor_select_1_us ?? null;
        } catch {
          const lines = stderr.split('\n').filter(Boolean);
          record.error = (lines.find((line) => /Error/.test(line)) ?? lines.at(-1) ?? '').slice(0, 2000);
          process.stderr.write(`  ${bench} ${side.label} gave no figures (exit ${code}): ${record.error}\n`);
        }
        records.push(record);
        save();
      }
    }
  }
  process.stderr.write(`written to ${path.relative(ROOT, outFile)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
