import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Role } from '../kernel/actor';
import { recordAudit } from '../audit/audit.service';
import { loadConfig, setConfig } from '../config';
import { openDatabase } from '../db/database';
import { jurisdictionRepository } from '../jurisdictions/jurisdiction.repository';
import { checkPasswordPolicy, hashPassword } from '../users/password';
import { userRepository } from '../users/user.repository';
import { parseUsername } from '../users/user.rules';

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
  const roles = values.role.map((r) => r.toUpperCase().replace(/-/g, '_')) as Role[];
  const unknown = roles.filter((r) => !Object.values(Role).includes(r));
  if (unknown.length) throw new Error(`--role: unknown role ${unknown.join(', ')}`);
  const username = parseUsername(values.username, '--username');
  const password = await readPassword();
  checkPasswordPolicy(password, 'password');

  const cfg = loadConfig();
  setConfig(cfg);
  const database = await openDatabase(cfg, { poolSize: 1, applicationName: 'yiyang-cli' });
  try {
    await database.dataSource.transaction(async (tx) => {
      const [home] = await jurisdictionRepository.byCodes(tx, [values.jurisdiction!]);
      if (!home) throw new Error(`--jurisdiction: no jurisdiction ${values.jurisdiction} (import divisions first)`);
      const created = await userRepository.insert(tx, {
        username,
        displayName: values['display-name'] ?? null,
        passwordHash: await hashPassword(password),
        jurisdictionId: home.id,
        roles,
      });
      if (!created) throw new Error(`--username: ${username} is taken`);
      await recordAudit(
        tx,
        null,
        'createUser',
        {
          actorId: null,
          actorUsername: 'user:create',
          actorRole: null,
          jurisdictionId: home.id,
          targetType: 'User',
          targetIds: [username],
          detail: { jurisdictionCode: home.code, roles: created.roles },
        },
        'SUCCESS',
        null,
      );
    });
    process.stdout.write(`created ${username} at ${values.jurisdiction} with ${roles.join(', ')}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
