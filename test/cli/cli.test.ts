import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDivisionSource } from '../../src/jurisdictions/division-source';
import { useHarness } from '../support/harness';
import { countyOfTowns, smallTree } from '../support/factories';
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

/** The progress a command wrote on stderr: the stages in order, each one's final count and total. */
function stages(stderr: string): { name: string; count: number | null; total: number | null }[] {
  // A log, not a terminal: plain lines only, without carriage returns or escapes.
  expect(stderr).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
  const lines = stderr.split('\n').filter((line) => line !== '');
  const started = lines.filter((line) => /: (started|0\/\d+)$/.test(line)).map((line) => line.replace(/: (started|0\/\d+)$/, ''));
  const ended = lines
    .map((line) => /^(.+): done(?: (\d+)(?:\/(\d+))?)? in [\d.]+ s$/.exec(line))
    .filter((match) => match !== null)
    .map(([, name, count, total]) => ({ name, count: count === undefined ? null : Number(count), total: total === undefined ? null : Number(total) }));
  // Every stage that started ended, in the same order, and every line belongs to one of them.
  expect(ended.map((stage) => stage.name)).toEqual(started);
  for (const line of lines) expect(started.some((name) => line.startsWith(`${name}: `))).toBe(true);
  return ended;
}

/** The stdout of a command: exactly one JSON document, the report. */
function report(stdout: string) {
  const parsed = JSON.parse(stdout);
  expect(stdout).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
  return parsed;
}

describe('progress of the long commands', () => {
  it('import:divisions reports each file read and each write, with counts that add up, and prints only the report on stdout', async () => {
    // Default log level: the command's own log lines must not reach stdout either.
    const first = cli('import-divisions.ts', ['--under', '321012'], { LOG_LEVEL: 'info' });
    expect(first.status).toBe(0);
    const imported = report(first.stdout);
    const firstStages = stages(first.stderr);
    const files = ['provinces.csv', 'cities.csv', 'areas.csv', 'streets.csv', 'villages.csv'];
    expect(firstStages.map((stage) => stage.name)).toEqual([
      'open the database',
      ...files.map((file) => `read ${file}`),
      'stage the accepted rows',
      'write the tree',
      'count descendants',
      'rebuild indexes and constraints',
      'analyze the tree',
      'commit',
    ]);
    const byName = new Map(firstStages.map((stage) => [stage.name, stage]));
    // Each file is read whole: its count is its number of data lines, whatever the subtree.
    for (const file of files) {
      const lines = fs.readFileSync(path.join(defaultDivisionSource(), file), 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
      expect(byName.get(`read ${file}`)).toEqual({ name: `read ${file}`, count: lines, total: lines });
    }
    const accepted = imported.read - imported.rejectedCount;
    expect(byName.get('stage the accepted rows')).toEqual({ name: 'stage the accepted rows', count: accepted, total: accepted });
    expect(byName.get('write the tree')).toEqual({ name: 'write the tree', count: accepted, total: accepted });
    expect(imported.inserted + imported.updated + imported.unchanged).toBe(accepted);

    // Into a tree that is not empty: renamed ones are looked for, nothing is set aside or recounted.
    const second = cli('import-divisions.ts', ['--under', '321012']);
    expect(second.status).toBe(0);
    const again = report(second.stdout);
    expect(stages(second.stderr).map((stage) => stage.name)).toEqual([
      'open the database',
      ...files.map((file) => `read ${file}`),
      'stage the accepted rows',
      'update renamed divisions',
      'write the tree',
      'commit',
    ]);
    expect(stages(second.stderr).find((stage) => stage.name === 'update renamed divisions')!.count ?? 0).toBe(again.updated);
  });

  it('rollups:rebuild reports its steps with the rows read and written, and prints only the report on stdout', async () => {
    await smallTree(h.db);
    await countyOfTowns(h, '321084', 3);
    const [{ events }] = await h.db.query(`SELECT count(*)::int AS events FROM facility_event`);
    const result = cli('rebuild-rollups.ts', [], { LOG_LEVEL: 'info' });
    expect(result.status).toBe(0);
    const rebuilt = report(result.stdout);
    const done = stages(result.stderr);
    expect(done.map((stage) => stage.name)).toEqual([
      'open the database',
      'lock and set aside indexes',
      'read the tree (COPY)',
      'read the facilities (COPY)',
      'read the facility histories (COPY)',
      'unit flips',
      'coverage histories',
      'facility figures',
      'write rollup_history (COPY)',
      'write rollup_value (COPY)',
      'people counts',
      'write rollup_change and its month and year sums',
      'restore indexes, constraints and triggers',
      'commit',
      'vacuum and analyze',
    ]);
    const byName = new Map(done.map((stage) => [stage.name, stage]));
    const [{ nodes, facilities }] = await h.db.query(
      `SELECT (SELECT count(*)::int FROM jurisdiction) AS nodes, (SELECT count(*)::int FROM facility) AS facilities`,
    );
    expect(byName.get('read the tree (COPY)')!.count).toBe(nodes);
    expect(byName.get('read the facilities (COPY)')!.count).toBe(facilities);
    expect(byName.get('read the facility histories (COPY)')).toMatchObject({ count: events, total: events });
    expect(byName.get('unit flips')!.count ?? 0).toBe(rebuilt.unitFlips);
    expect(byName.get('write rollup_history (COPY)')).toMatchObject({ count: rebuilt.historyRows, total: rebuilt.historyRows });
    expect(byName.get('write rollup_value (COPY)')).toMatchObject({ count: rebuilt.valueRows, total: rebuilt.valueRows });
    expect(byName.get('people counts')!.count ?? 0).toBe(rebuilt.countedPeople);
    const restore = byName.get('restore indexes, constraints and triggers')!;
    expect(restore.count).toBe(restore.total);
  });
});
