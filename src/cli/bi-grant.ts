import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DEFAULT_BI_ROLE, grantBiRole } from '../bi/bi-role';
import { loadConfig, setConfig } from '../config';
import { openDatabase } from '../db/database';

const USAGE = `npm run bi:grant [-- --role NAME]
Creates or updates the login role (default ${DEFAULT_BI_ROLE}) that BI tools connect as: it reads the views of schema bi and nothing else.
The password is read from the YIYANG_BI_PASSWORD environment variable, or from standard input (at least 16 characters).`;

async function readPassword(): Promise<string> {
  if (process.env.YIYANG_BI_PASSWORD) return process.env.YIYANG_BI_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password for the BI role: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { role: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const password = await readPassword();
  const cfg = loadConfig();
  setConfig(cfg);
  // The server's database (applying pending migrations, so the views exist).
  const database = await openDatabase(cfg, { poolSize: 1, applicationName: 'yiyang-cli' });
  try {
    const result = await grantBiRole(database.dataSource.manager, values.role ?? DEFAULT_BI_ROLE, password);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
