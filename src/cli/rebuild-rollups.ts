import 'reflect-metadata';
import { loadConfig, setConfig } from '../config';
import { logThrough } from '../config/logger';
import { rebuildRollups } from '../coverage/rollup.rebuild';
import { openDatabase } from '../db/database';
import { ProgressReporter } from './progress';

// npm run rollups:rebuild: recomputes every node's figures from the base tables; progress on stderr, then a JSON report on stdout.
async function main(): Promise<void> {
  const cfg = loadConfig();
  setConfig(cfg);
  const progress = new ProgressReporter();
  logThrough((line) => progress.note(line.trimEnd()));
  progress.stage('open the database');
  const database = await openDatabase(cfg, { statementTimeoutMs: 0, poolSize: 2, applicationName: 'yiyang-rebuild' });
  try {
    const report = await rebuildRollups(database.dataSource, progress);
    progress.done();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } catch (error) {
    progress.fail();
    throw error;
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
