import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Role } from '../access/roles';
import { loadConfig, setConfig } from '../config';
import { openDatabase } from '../db/database';
import { checkPasswordPolicy, hashPassword } from '../users/password';

const USAGE = `npm run user:create -- --username NAME --jurisdiction CODE --role ROLE [--role ROLE ...] [--display-name TEXT]
The password is read from the YIYANG_PASSWORD environment variable, or from standard input.
Roles: ${Object.values(Role).join(', ')}`;

async function readPassword(): Promise<string> {
  if (process.env.YIYANG_PASSWORD) return process.env.YIYANG_PASSWORD;
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
}

// Bootstraps accounts on a real deployment (there are no default credentials outside the demo).
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      jurisdiction: { type: 'string' },
      role: { type: 'string', multiple: true },
      'display-name': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help || !values.username || !values.jurisdiction || !values.role?.length) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 1);
  }
  const roles = values.role.map((r) => r.toUpperCase().replace(/-/g, '_'));
  const unknown = roles.filter((r) => !(Object.values(Role) as string[]).includes(r));
  if (unknown.length) throw new Error(`--role: unknown role ${unknown.join(', ')}`);
  const username = values.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._@-]{2,63}$/.test(username)) throw new Error('--username: 3 to 64 lower-case letters, digits or . _ @ -');
  const password = await readPassword();
  checkPasswordPolicy(password, 'password');

  const cfg = loadConfig();
  setConfig(cfg);
  const database = await openDatabase(cfg, { poolSize: 1, applicationName: 'yiyang-cli' });
  try {
    const [row] = await database.dataSource.query(
      `INSERT INTO app_user (username, display_name, password_hash, jurisdiction_id, roles)
       SELECT $1, $2, $3, id, $4::user_role[] FROM jurisdiction WHERE code = $5
       ON CONFLICT (username) DO NOTHING RETURNING id`,
      [username, values['display-name'] ?? null, await hashPassword(password), roles, values.jurisdiction],
    );
    if (!row) {
      const [exists] = await database.dataSource.query(`SELECT 1 FROM jurisdiction WHERE code = $1`, [values.jurisdiction]);
      throw new Error(exists ? `--username: ${username} is taken` : `--jurisdiction: no jurisdiction ${values.jurisdiction} (import divisions first)`);
    }
    await database.dataSource.query(
      `INSERT INTO audit_entry (actor_username, jurisdiction_id, action, target_type, target_ids, outcome, detail)
       SELECT 'cli', id, 'createUser', 'User', ARRAY[$1], 'SUCCESS', $2 FROM jurisdiction WHERE code = $3`,
      [username, { roles, jurisdictionCode: values.jurisdiction, via: 'user:create' }, values.jurisdiction],
    );
    process.stdout.write(`created ${username} at ${values.jurisdiction} with ${roles.join(', ')}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
