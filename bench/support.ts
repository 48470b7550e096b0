import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import type { Role } from '../src/kernel/actor';
import { ProgressReporter } from '../src/cli/progress';
import { createDataSource } from '../src/db/data-source';
import { loadConfig, projectRoot, setConfig, type Config } from '../src/config';
import { configureTokens, issueToken } from '../src/users/token';

// What every benchmark needs: its own database on the server, checks, and percentiles.

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `url` pointed at another database of the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function onServer<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function dropDatabase(adminUrl: string, database: string): Promise<void> {
  return onServer(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  });
}

/** Drops `database` if it exists and creates it empty. */
export async function freshDatabase(adminUrl: string, database: string): Promise<void> {
  await dropDatabase(adminUrl, database);
  await onServer(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${quoteIdent(database)}`);
  });
}

export function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark check failed: ${message}`);
}

// Nearest-rank percentile: with 3 samples p50 is the median and p95 the maximum.
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** The benchmarks' progress on stderr: the import's and the rebuild's stages, and log lines above them. */
export const progress = new ProgressReporter();

export function log(message: string): void {
  progress.note(message);
}

export const round2 = (ms: number) => Math.round(ms * 100) / 100;

export function summary(samples: number[]): { p50_ms: number; p95_ms: number; mean_ms: number; max_ms: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50_ms: round2(percentile(sorted, 50)),
    p95_ms: round2(percentile(sorted, 95)),
    mean_ms: round2(sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length),
    max_ms: round2(sorted[sorted.length - 1]),
  };
}


/**
 * The machine's floor: the median round trip of `SELECT 1` from Node, in µs. The same code measures
 * slower or faster by as much as this moves, so every result file records it.
 */
export async function machineFloorUs(url: string): Promise<number> {
  return onServer(url, async (client) => {
    for (let i = 0; i < 1000; i++) await client.query('SELECT 1');
    const samples: number[] = [];
    for (let i = 0; i < 3000; i++) {
      const started = performance.now();
      await client.query('SELECT 1');
      samples.push((performance.now() - started) * 1000);
    }
    return Math.round(samples.sort((a, b) => a - b)[1500]);
  });
}

/** A user at `code` with `roles` (created or updated in place) and a fresh token. */
export async function benchUser(dataSource: DataSource, username: string, code: string, roles: Role[], passwordHash: string): Promise<string> {
  const [row] = await dataSource.query(
    `INSERT INTO app_user (username, password_hash, jurisdiction_id, roles)
     SELECT $1, $2, id, $3::user_role[] FROM jurisdiction WHERE code = $4
     ON CONFLICT (username) DO UPDATE SET jurisdiction_id = EXCLUDED.jurisdiction_id, roles = EXCLUDED.roles, active = true
     RETURNING id, (extract(epoch FROM password_changed_at) * 1000)::float8 AS "passwordVersion"`,
    [username, passwordHash, roles, code],
  );
  check(row !== undefined, `no jurisdiction ${code} for ${username}`);
  return issueToken(row.id, row.passwordVersion).token;
}


export interface GqlResult {
  ms: number;
  data: any;
  sqlStatements: number | undefined;
}

// A plain keep-alive HTTP client: fetch (undici) costs several times more CPU per request, which on
// a 2-core machine the server would pay for.
/** Sends one request; `receivedAt` is the moment its answer's last byte arrived, before the client decodes it. */
export function post(agent: http.Agent, endpoint: URL, headers: Record<string, string>, body: string): Promise<{ status: number; text: string; receivedAt: number }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      endpoint,
      { method: 'POST', agent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const receivedAt = performance.now();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), receivedAt });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

export function gqlClient(endpoint: string) {
  const url = new URL(endpoint);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return async function gql(query: string, variables: Record<string, unknown>, token: string): Promise<GqlResult> {
    const body = JSON.stringify({ query, variables });
    const started = performance.now();
    const response = await post(agent, url, { authorization: `Bearer ${token}` }, body);
    // The API's latency: from sending the request to the answer's last byte (the client's decoding is its own).
    const ms = response.receivedAt - started;
    const json = JSON.parse(response.text) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { sqlStatements?: number } };
    if (response.status !== 200 || json.errors?.length) {
      throw new Error(`GraphQL request failed (HTTP ${response.status}): ${JSON.stringify(json.errors ?? json)}`);
    }
    return { ms, data: json.data, sqlStatements: json.extensions?.sqlStatements };
  };
}

/** Warms up, then sends `count` requests one at a time; `send(i)` makes request i (warm-up ones first). */
export async function sequential(
  warmup: number,
  count: number,
  send: (i: number) => Promise<GqlResult>,
): Promise<{ samples: number[]; sqlStatements: number | undefined; last: GqlResult }> {
  let last: GqlResult | undefined;
  for (let i = 0; i < warmup; i++) last = await send(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    last = await send(warmup + i);
    samples.push(last.ms);
  }
  return { samples, sqlStatements: last!.sqlStatements, last: last! };
}

// The clients of reads run on a thread of their own, as they would on another machine: their sending,
// parsing and garbage collection are not the server's, whose event loop then serves requests only.
const CLIENT_THREAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
(async () => {
  const { endpoint, token, bodies, clients, warmup, count, seconds } = workerData;
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  // Requests take the bodies, and the callers' tokens, in turn (one body: the same request over and over).
  const tokens = Array.isArray(token) ? token : [token];
  let sent = 0;
  const post = () => new Promise((resolve, reject) => {
    const turn = sent++;
    const body = bodies[turn % bodies.length];
    const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + tokens[turn % tokens.length] };
    const started = performance.now();
    const request = http.request(endpoint, { method: 'POST', agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ ms: performance.now() - started, status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
  let last;
  let statements = null;
  const once = async () => {
    last = await post();
    const json = JSON.parse(last.text);
    if (last.status !== 200 || json.errors) throw new Error('request failed (HTTP ' + last.status + '): ' + last.text);
    if (statements) statements.push(json.extensions && json.extensions.sqlStatements);
    return last.ms;
  };
  await Promise.all(Array.from({ length: clients }, async () => { for (let i = 0; i < warmup; i++) await once(); }));
  const samples = [];
  statements = [];
  const started = performance.now();
  const until = seconds ? started + seconds * 1000 : Infinity;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (seconds ? performance.now() < until : samples.length < count) samples.push(await once());
  }));
  parentPort.postMessage({ samples, statements, elapsedMs: performance.now() - started, warmupRequests: clients * warmup, last: last.text });
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

/** The machine's CPU time so far, in clock ticks: all of it and the part the hypervisor gave to others (steal). */
function cpuTicks(): { total: number; steal: number } | null {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Share of the machine's CPU time taken by the hypervisor for other guests since `from` (null where unknown). */
function stealSince(from: ReturnType<typeof cpuTicks>): number | null {
  const to = cpuTicks();
  if (!from || !to || to.total === from.total) return null;
  return Math.round(((to.steal - from.steal) / (to.total - from.total)) * 1000) / 10;
}

export interface ClientRun {
  /** Each measured request's time from sending to its answer's last byte, in ms. */
  samples: number[];
  /** Each measured request's SQL statement count, as its answer reports it. */
  statements: (number | undefined)[];
  elapsedMs: number;
  warmupRequests: number;
  /** How long the server's event loop was busy per request (warm-up included): 1000 / this caps requests/s. */
  serverBusyMsPerRequest: number;
  /** The last answer, decoded. */
  last: GqlResult;
  /** Percent of the machine's CPU time stolen by the hypervisor during the run (null where unknown). */
  stealPct: number | null;
}

/**
 * Sends one read from a client thread: `clients` connections each warm up with `warmup` requests, then
 * they send until `count` answers are in (or for `seconds`), each connection one request at a time.
 * With a list of variables, the requests take them in turn (warm-up ones first), and with a list of
 * tokens the callers too (request i is sent by token i modulo their number). Any error in an answer
 * fails the run.
 */
export function clientThread(
  endpoint: string,
  token: string | readonly string[],
  query: string,
  variables: Record<string, unknown> | readonly Record<string, unknown>[],
  run: { clients?: number; warmup: number; count?: number; seconds?: number },
): Promise<ClientRun> {
  const idle = performance.eventLoopUtilization();
  const ticks = cpuTicks();
  const bodies = (Array.isArray(variables) ? variables : [variables]).map((each) => JSON.stringify({ query, variables: each }));
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT_THREAD, { eval: true, workerData: { endpoint, token, bodies, clients: 1, ...run } });
    worker.once('message', (message: { samples: number[]; statements: (number | undefined)[]; elapsedMs: number; warmupRequests: number; last: string; error?: string }) => {
      const busy = performance.eventLoopUtilization(idle);
      void worker.terminate();
      if (message.error) return reject(new Error(message.error));
      const json = JSON.parse(message.last) as { data?: any; extensions?: { sqlStatements?: number } };
      resolve({
        samples: message.samples,
        statements: message.statements,
        elapsedMs: message.elapsedMs,
        warmupRequests: message.warmupRequests,
        serverBusyMsPerRequest: busy.active / (message.samples.length + message.warmupRequests),
        last: { ms: message.samples.at(-1) ?? 0, data: json.data, sqlStatements: json.extensions?.sqlStatements },
        stealPct: stealSince(ticks),
      });
    });
    worker.once('error', reject);
  });
}

/** A timed case as the reports write it: its percentiles, how many requests were timed, and its goal on p95. */
export function timedCase(name: string, samples: number[], goalP95Ms: number, extra: Record<string, unknown>) {
  const figures = summary(samples);
  return { name, ...figures, requests: samples.length, ...extra, goal: `p95 < ${goalP95Ms} ms`, met: figures.p95_ms < goalP95Ms };
}

/** `warmup` then `count` reads one at a time from a client thread (see clientThread). */
export async function sequentialReads(
  endpoint: string,
  token: string | readonly string[],
  query: string,
  variables: Record<string, unknown> | readonly Record<string, unknown>[],
  warmup: number,
  count: number,
): Promise<{ samples: number[]; sqlStatements: number | undefined; statements: (number | undefined)[]; last: GqlResult; stealPct: number | null }> {
  const run = await clientThread(endpoint, token, query, variables, { warmup, count });
  return { samples: run.samples, sqlStatements: run.last.sqlStatements, statements: run.statements, last: run.last, stealPct: run.stealPct };
}

/** The largest per-caller budget the configuration accepts. */
export const BUDGET_LIFTED = 1_000_000_000;
/** The largest query cost the configuration accepts. */
export const COST_LIMIT_LIFTED = 10_000_000;

/**
 * What every benchmark starts with: `--fresh` or not, the server (DATABASE_URL, default the local
 * PostgreSQL), the bench's own database on it, and the configuration and token key of a server in
 * production mode that logs errors only (stdout is kept for the JSON result).
 */
export function benchEnvironment(database: string, options: { limitsLifted?: boolean } = {}): { fresh: boolean; adminUrl: string; benchUrl: string; cfg: Config } {
  const fresh = process.argv.includes('--fresh');
  const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const benchUrl = withDatabase(adminUrl, database);
  const secret = crypto.randomBytes(48).toString('base64');
  // A benchmark is one caller sending thousands of requests a minute, some of them larger than a client
  // may send (the targets benchmark's 20 boards in one request): the per-caller budget and the cost
  // limit are lifted unless asked otherwise (bench/abuse.ts measures the server with them).
  const limits = options.limitsLifted === false ? {} : { RATE_LIMIT_COST: String(BUDGET_LIFTED), MAX_QUERY_COST: String(COST_LIMIT_LIFTED) };
  const cfg = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'error', DATABASE_URL: benchUrl, JWT_SECRET: secret, ...limits });
  setConfig(cfg);
  configureTokens({ secret, ttlSeconds: 3600 });
  return { fresh, adminUrl, benchUrl, cfg };
}

/**
 * Whether the kept data set in `database` can be reused: it exists (and `--fresh` was not given), and
 * once migrated its marker (`app_setting` under `markerKey`) passes `matches`. Otherwise the database is
 * made afresh, empty, for the benchmark to build.
 */
export async function keptDataSet(
  adminUrl: string,
  benchUrl: string,
  database: string,
  fresh: boolean,
  markerKey: string,
  matches: (marker: any) => boolean,
): Promise<boolean> {
  let reuse = !fresh && (await onServer(adminUrl, async (client) => ((await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).rowCount ?? 0) > 0));
  if (reuse) {
    const probe = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
    await probe.initialize();
    try {
      await probe.runMigrations({ transaction: 'each' });
      const [row] = await probe.query(`SELECT value FROM app_setting WHERE key = $1`, [markerKey]);
      reuse = row !== undefined && matches(row.value);
    } finally {
      await probe.destroy();
    }
  }
  if (!reuse) {
    log(`building ${database} from scratch`);
    await freshDatabase(adminUrl, database);
  }
  return reuse;
}

/** Prints a benchmark's JSON and saves it as the last run's figures, bench/results/<name>.json. */
export function saveResults(name: string, output: unknown): void {
  const json = `${JSON.stringify(output, null, 2)}\n`;
  const resultsDir = path.join(projectRoot(), 'bench', 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), json);
  progress.done();
  process.stdout.write(json);
}

/** The machine a benchmark ran on, as its report names it: cores and their model, memory, and the database server's version when given. */
export function machineLine(serverVersion?: string): string {
  const cpus = os.cpus();
  const memory = `${Math.round(os.totalmem() / 2 ** 30)} GiB memory`;
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${memory}${serverVersion ? `, PostgreSQL ${serverVersion}` : ''}`;
}

/** The machine's load average over 1, 5 and 15 minutes, to two decimals. */
export function loadAverage(): number[] {
  return os.loadavg().map((n) => Math.round(n * 100) / 100);
}
