import 'reflect-metadata';
import { loadConfig, setConfig } from '../config';
import { rebuildRollups } from '../coverage/rollup.rebuild';
import { openDatabase } from '../db/database';

// npm run rollups:rebuild: recomputes every node's figures from the base tables; prints a JSON report.
async function main(): Promise<void> {
  const cfg = loadConfig();
  setConfig(cfg);
  const database = await openDatabase(cfg, { statementTimeoutMs: 0, poolSize: 2, applicationName: 'yiyang-rebuild' });
  try {
    process.stdout.write(`${JSON.stringify(await rebuildRollups(database.dataSource), null, 2)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
