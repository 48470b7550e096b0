import 'reflect-metadata';
import { loadConfig, setConfig } from '../config';
import { logThrough } from '../config/logger';
import { rebuildRollups } from '../coverage/rollup.rebuild';
import { openDatabase } from '../db/database';
import { ProgressReporter } from './progress';

const progress = new ProgressReporter();

// npm run rollups:rebuild: recomputes every node's figures from the base tables; progress on stderr, then a JSON report on stdout.
async function main(): Promise<void> {
  const cfg = loadConfig();
  setConfig(cfg);
  logThrough((line) => progress.note(line.trimEnd()));
  progress.stage('open the database');
  const database = await openDatabase(cfg, { statementTimeoutMs: 0, poolSize: 2, applicationName: 'yiyang-rebuild' });
  progress.done();
  try {
    const report = await rebuildRollups(database.dataSource, progress);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  progress.fail();
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
