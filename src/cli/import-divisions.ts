import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig, setConfig } from '../config';
import { logThrough } from '../config/logger';
import { openDatabase } from '../db/database';
import { importDivisions } from '../jurisdictions/division-import.service';
import { ProgressReporter } from './progress';

const progress = new ProgressReporter();

// npm run import:divisions [-- --under 32] [--source DIR]: progress on stderr, then a JSON report on stdout.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { under: { type: 'string' }, source: { type: 'string' } },
    strict: true,
  });
  const cfg = loadConfig();
  setConfig(cfg);
  logThrough((line) => progress.note(line.trimEnd()));
  progress.stage('open the database');
  const database = await openDatabase(cfg, { statementTimeoutMs: 0, poolSize: 2, applicationName: 'yiyang-import' });
  progress.done();
  try {
    const report = await importDivisions(database.dataSource, { under: values.under ?? null, sourceDir: values.source, progress });
    progress.done();
    process.stdout.write(`${JSON.stringify({ ...report, rejected: report.rejected.slice(0, 100), rejectedCount: report.rejected.length }, null, 2)}\n`);
    if (report.rejected.length) process.exitCode = 2;
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  progress.fail();
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
