import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export type NodeEnv = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  nodeEnv: NodeEnv;
  production: boolean;
  port: number;
  /** A real PostgreSQL server; when absent the embedded database under `dataDir` is used. */
  databaseUrl: string | null;
  /**
   * The application role's connection to the same database, for an operator-made role; when absent
   * the owner (DATABASE_URL's user, or the embedded superuser) makes and keys the role itself.
   */
  appDatabaseUrl: string | null;
  /** HMAC secret for access tokens; outside production a per-data-directory secret is generated. */
  jwtSecret: string | null;
  tokenTtlSeconds: number;
  dataDir: string;
  /** null: the port recorded for the embedded cluster, or a free one chosen on its first start. */
  embeddedPgPort: number | null;
  logLevel: LogLevel;
  statementTimeoutMs: number;
  dbPoolSize: number;
  maxQueryDepth: number;
  /** Lexical tokens a query document may have: a larger one is refused while it is parsed. */
  maxQueryTokens: number;
  maxQueryCost: number;
  /** Query cost each caller (user, or address when signed out) may spend per rate-limit window. */
  rateLimitCost: number;
  rateLimitWindowSeconds: number;
  maxPageSize: number;
  shutdownGraceMs: number;
  /** Addresses of reverse proxies whose `X-Forwarded-For` names the client; none by default. */
  trustedProxies: readonly string[];
  /** A listener of its own for `/metrics` (then never served on `port`); none by default. */
  metricsPort: number | null;
  /** The address that listener binds to: loopback unless an operator names another. */
  metricsHost: string;
  /** A bearer token `/metrics` requires wherever it is served. */
  metricsToken: string | null;
  /** Origins (`scheme://host[:port]`) whose browser pages may call the API; none by default. */
  corsOrigins: readonly string[];
  /** Whether the server serves its own GraphiQL explorer: on outside production, off in it unless EXPLORER=on. */
  explorer: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Configuration error: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

/** The checkout: the nearest folder above this file holding package.json (source or compiled). */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function postgresUrl(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, `must use the postgres:// scheme (got "${url.protocol}")`);
  }
  if (url.pathname.length <= 1) throw new ConfigError(name, 'must name a database');
  return raw;
}

function databaseUrl(env: Env, production: boolean): string | null {
  const url = postgresUrl(env, 'DATABASE_URL');
  if (url === null && production) throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production');
  return url;
}

function appDatabaseUrl(env: Env, ownerUrl: string | null): string | null {
  const url = postgresUrl(env, 'APP_DATABASE_URL');
  if (url === null) return null;
  if (ownerUrl === null) throw new ConfigError('APP_DATABASE_URL', 'needs DATABASE_URL (the owner that applies the migrations and grants the role its rights)');
  if (!new URL(url).username) throw new ConfigError('APP_DATABASE_URL', 'must name the application role (postgres://role:password@host:port/database)');
  if (decodeURIComponent(new URL(url).username) === decodeURIComponent(new URL(ownerUrl).username)) {
    throw new ConfigError('APP_DATABASE_URL', 'must name a role other than DATABASE_URL\'s owner');
  }
  return url;
}

function jwtSecret(env: Env, production: boolean): string | null {
  const raw = env.JWT_SECRET;
  if (raw === undefined || raw === '') {
    if (production) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
    return null;
  }
  if (raw.length < 32) throw new ConfigError('JWT_SECRET', 'must be at least 32 characters long');
  return raw;
}

function optionalPort(env: Env, name: string): number | null {
  const raw = env[name];
  return raw === undefined || raw === '' ? null : integer(env, name, 0, 0, 65535);
}

function address(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (net.isIP(raw) === 0) throw new ConfigError(name, `must be an IP address (got "${raw}")`);
  return raw;
}

function metricsToken(env: Env): string | null {
  const raw = env.METRICS_TOKEN;
  if (raw === undefined || raw === '') return null;
  if (raw.length < 32) throw new ConfigError('METRICS_TOKEN', 'must be at least 32 characters long');
  if (!/^[\x21-\x7e]+$/.test(raw)) throw new ConfigError('METRICS_TOKEN', 'must be printable ASCII without spaces');
  return raw;
}

function addressList(env: Env, name: string): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of list) {
    if (net.isIP(item) === 0) throw new ConfigError(name, `must be a comma-separated list of IP addresses (got "${item}")`);
  }
  return Object.freeze(list.map(canonicalAddress));
}

/** A comma-separated list of exact origins, each as a browser sends it in `Origin`: scheme, host and port only. */
function originList(env: Env, name: string): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of list) {
    let url: URL | null = null;
    try {
      url = new URL(item);
    } catch {
      // reported below
    }
    // The URL's own origin is the item itself only when it has no path, query, credentials or default port.
    if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== item) {
      throw new ConfigError(name, `must be a comma-separated list of origins such as https://app.example.gov.cn or http://10.0.0.5:8080, without a path or a trailing slash (got "${item}")`);
    }
  }
  return Object.freeze([...new Set(list)]);
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  return oneOf(env, name, ['on', 'off'], fallback ? 'on' : 'off') === 'on';
}

/** An IPv4 address as Node reports it on a dual-stack socket (`::ffff:1.2.3.4`) is the plain IPv4 address. */
export function canonicalAddress(address: string): string {
  return address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address.toLowerCase();
}

/** Reads and validates the environment once; throws a ConfigError naming the variable on a bad value. */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf<NodeEnv>(env, 'NODE_ENV', ['development', 'test', 'production'], 'development');
  const production = nodeEnv === 'production';
  const ownerUrl = databaseUrl(env, production);
  return Object.freeze({
    nodeEnv,
    production,
    port: integer(env, 'PORT', 4000, 0, 65535),
    databaseUrl: ownerUrl,
    appDatabaseUrl: appDatabaseUrl(env, ownerUrl),
    jwtSecret: jwtSecret(env, production),
    tokenTtlSeconds: integer(env, 'TOKEN_TTL_SECONDS', 12 * 3600, 60, 30 * 24 * 3600),
    dataDir: path.resolve(env.YIYANG_DATA_DIR || path.join(projectRoot(), '.data')),
    embeddedPgPort: env.EMBEDDED_PG_PORT ? integer(env, 'EMBEDDED_PG_PORT', 0, 1024, 65535) : null,
    logLevel: oneOf<LogLevel>(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 10_000, 100, 600_000),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
    maxQueryDepth: integer(env, 'MAX_QUERY_DEPTH', 12, 2, 50),
    maxQueryTokens: integer(env, 'MAX_QUERY_TOKENS', 2000, 100, 1_000_000),
    maxQueryCost: integer(env, 'MAX_QUERY_COST', 10_000, 10, 10_000_000),
    rateLimitCost: integer(env, 'RATE_LIMIT_COST', 300_000, 100, 1_000_000_000),
    rateLimitWindowSeconds: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 100, 1, 10_000),
    shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
    trustedProxies: addressList(env, 'TRUSTED_PROXIES'),
    metricsPort: optionalPort(env, 'METRICS_PORT'),
    metricsHost: address(env, 'METRICS_HOST', '127.0.0.1'),
    metricsToken: metricsToken(env),
    corsOrigins: originList(env, 'CORS_ORIGINS'),
    explorer: onOff(env, 'EXPLORER', !production),
  });
}

let current: Config | null = null;

/** The process-wide configuration, read from the environment on first use. */
export function config(): Config {
  current ??= loadConfig();
  return current;
}

/** Replaces the process-wide configuration (tests and CLIs that build their own). */
export function setConfig(next: Config): void {
  current = next;
}
