import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { ROOT, tsNodeArgs } from '../support/processes';


describe('configuration', () => {
  it('has working defaults for development', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ nodeEnv: 'development', port: 4000, databaseUrl: null, jwtSecret: null, maxPageSize: 100 });
    expect(cfg.dataDir).toBe(path.join(ROOT, '.data'));
  });

  it.each([
    [{ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@h/db' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ DATABASE_URL: 'mysql://u@h/db' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://u@h' }, 'DATABASE_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ STATEMENT_TIMEOUT_MS: '-1' }, 'STATEMENT_TIMEOUT_MS'],
    [{ MAX_PAGE_SIZE: '0' }, 'MAX_PAGE_SIZE'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Configuration error: ${variable} `));
  });

  it('stops the server process with a message naming the variable', () => {
    const result = spawnSync(process.execPath, tsNodeArgs('src/main.ts'), {
      cwd: ROOT,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL is required when NODE_ENV=production');
  });
});
