import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type http from 'node:http';
import { ConfigError, loadConfig } from '../../src/config';
import { clientAddressOf } from '../../src/graphql/client-address';
import { ROOT, tsNodeArgs } from '../support/processes';


describe('configuration', () => {
  it('has working defaults for development', () => {
    const cfg = loadConfig({});
    expect(cfg).toMatchObject({ nodeEnv: 'development', port: 4000, databaseUrl: null, jwtSecret: null, maxPageSize: 100, embeddedPgPort: null });
    expect(loadConfig({ EMBEDDED_PG_PORT: '55432' }).embeddedPgPort).toBe(55432);
    expect(cfg.dataDir).toBe(path.join(ROOT, '.data'));
  });

  it('serves no metrics listener of its own, and takes one on loopback or a given address', () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: null, metricsHost: '127.0.0.1', metricsToken: null });
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' })).toMatchObject({ metricsPort: 9464, metricsHost: '10.0.0.5' });
  });

  it('takes exact origins for CORS and serves the explorer only outside production unless turned on', () => {
    const cfg = loadConfig({ CORS_ORIGINS: 'https://app.example.gov.cn, http://10.0.0.5:8080' });
    expect(cfg.corsOrigins).toEqual(['https://app.example.gov.cn', 'http://10.0.0.5:8080']);
    expect(cfg.explorer).toBe(true);
    expect(loadConfig({}).corsOrigins).toEqual([]);
    const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://u@h/db', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(production).explorer).toBe(false);
    expect(loadConfig({ ...production, EXPLORER: 'on' }).explorer).toBe(true);
    expect(loadConfig({ EXPLORER: 'off' }).explorer).toBe(false);
  });

  it('takes an application role beside the owner', () => {
    const cfg = loadConfig({ DATABASE_URL: 'postgres://owner@h/db', APP_DATABASE_URL: 'postgres://app:pw@h/db' });
    expect(cfg).toMatchObject({ databaseUrl: 'postgres://owner@h/db', appDatabaseUrl: 'postgres://app:pw@h/db' });
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
    [{ TRUSTED_PROXIES: '10.0.0.1, proxy.example' }, 'TRUSTED_PROXIES'],
    [{ APP_DATABASE_URL: 'postgres://app:pw@h/db' }, 'APP_DATABASE_URL'],
    [{ CORS_ORIGINS: 'https://app.example.gov.cn/' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.gov.cn/desk' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'app.example.gov.cn' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'https://app.example.gov.cn:443' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: 'ftp://files.example.gov.cn' }, 'CORS_ORIGINS'],
    [{ EXPLORER: 'yes' }, 'EXPLORER'],
    [{ DATABASE_URL: 'postgres://owner@h/db', APP_DATABASE_URL: 'postgres://h/db' }, 'APP_DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://owner@h/db', APP_DATABASE_URL: 'postgres://owner:pw@h/db' }, 'APP_DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://owner@h/db', APP_DATABASE_URL: 'mysql://app@h/db' }, 'APP_DATABASE_URL'],
    [{ METRICS_PORT: 'metrics' }, 'METRICS_PORT'],
    [{ METRICS_HOST: 'localhost' }, 'METRICS_HOST'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: `${'x'.repeat(32)} y` }, 'METRICS_TOKEN'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Configuration error: ${variable} `));
  });

  describe('the client address', () => {
    const request = (peer: string, forwarded?: string) =>
      ({ socket: { remoteAddress: peer }, headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded } }) as unknown as http.IncomingMessage;
    const proxies = loadConfig({ TRUSTED_PROXIES: '10.0.0.1,10.0.0.2' }).trustedProxies;

    it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
      expect(clientAddressOf(request('::ffff:203.0.113.9', '198.51.100.1'), [])).toBe('203.0.113.9');
    });

    it('is the right-most forwarded address that is not a trusted proxy', () => {
      expect(clientAddressOf(request('::ffff:10.0.0.1', '198.51.100.66, 203.0.113.9, 10.0.0.2'), proxies)).toBe('203.0.113.9');
    });

    it('is the peer when an untrusted peer sends X-Forwarded-For, or the header holds no address', () => {
      expect(clientAddressOf(request('203.0.113.9', '10.0.0.1'), proxies)).toBe('203.0.113.9');
      expect(clientAddressOf(request('10.0.0.1', 'garbage'), proxies)).toBe('10.0.0.1');
    });
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
