import { spawnSync } from 'node:child_process';
import { useHarness } from '../support/harness';
import { smallTree } from '../support/factories';
import { ROOT, tsNodeArgs } from '../support/processes';

const h = useHarness();

function cli(script: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, tsNodeArgs(`src/cli/${script}`, ...args), {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: h.databaseUrl, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 90_000,
  });
}

describe('npm run user:create', () => {
  it('creates a user with a hashed password and an audit entry, and refuses a taken name naming the option', async () => {
    await smallTree(h.db);
    const args = ['--username', 'Admin@32', '--jurisdiction', '32', '--role', 'platform-admin', '--role', 'ANALYST'];
    const first = cli('create-user.ts', args, { YIYANG_PASSWORD: 'bootstrap-password-1' });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const [user] = await h.db.query(
      `SELECT u.username, u.roles::text[] AS roles, j.code, u.password_hash LIKE 'scrypt$%' AS hashed
       FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id`,
    );
    expect(user).toEqual({ username: 'admin@32', roles: ['PLATFORM_ADMIN', 'ANALYST'], code: '32', hashed: true });
    const login = await h.gql(`mutation { login(username: "admin@32", password: "bootstrap-password-1") { user { username } } }`);
    expect(login.data.login.user.username).toBe('admin@32');
    const audit = await h.db.query(`SELECT action, actor_username, target_ids, outcome FROM audit_entry WHERE action = 'createUser'`);
    expect(audit).toEqual([{ action: 'createUser', actor_username: 'user:create', target_ids: ['admin@32'], outcome: 'SUCCESS' }]);

    const again = cli('create-user.ts', args, { YIYANG_PASSWORD: 'bootstrap-password-1' });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('--username: admin@32 is taken');
  });

  it.each([
    [['--username', 'x@32', '--jurisdiction', '32', '--role', 'WIZARD'], 'bootstrap-password-1', '--role: unknown role WIZARD'],
    [['--username', 'x@32', '--jurisdiction', '99', '--role', 'ANALYST'], 'bootstrap-password-1', '--jurisdiction: no jurisdiction 99'],
    [['--username', 'x@32', '--jurisdiction', '32', '--role', 'ANALYST'], 'short', 'password: must be at least 10 characters'],
  ])('refuses %j and creates nothing', async (args, password, message) => {
    await smallTree(h.db);
    const result = cli('create-user.ts', args, { YIYANG_PASSWORD: password });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(message);
    expect(await h.db.query(`SELECT username FROM app_user`)).toEqual([]);
  });
});

describe('npm run import:divisions', () => {
  it('imports a county branch and prints a JSON report; a second run changes nothing', async () => {
    const first = cli('import-divisions.ts', ['--under', '321012']);
    expect(first.status).toBe(0);
    const report = JSON.parse(first.stdout);
    expect(report).toMatchObject({ under: '321012', read: 354, inserted: 354, updated: 0, rejectedCount: 0 });
    const second = JSON.parse(cli('import-divisions.ts', ['--under', '321012']).stdout);
    expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 354 });
    const [{ n }] = await h.db.query(`SELECT count(*)::int AS n FROM jurisdiction WHERE code LIKE '321012%'`);
    expect(n).toBe(352);
  });

  it('refuses a bad --under with a message naming it', () => {
    const result = cli('import-divisions.ts', ['--under', '32x']);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--under must be a division code');
  });
});
