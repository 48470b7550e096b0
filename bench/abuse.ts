import './production-runtime';
import 'reflect-metadata';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { parse } from 'graphql';
import { Role } from '../src/kernel/actor';
import type { Config } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { openDatabase } from '../src/db/database';
import { operationCost } from '../src/graphql/limits';
import { buildApiSchema } from '../src/app/schema';
import { importDivisions } from '../src/jurisdictions/division-import.service';
import { createServer } from '../src/app/server';
import { hashPassword } from '../src/users/password';
import { benchEnvironment, benchUser, BUDGET_LIFTED, check, freshDatabase, gqlClient, loadAverage, log, machineFloorUs, onServer, progress, round2, saveResults, summary } from './support';

// npm run bench:abuse: ordinary reads while 4 clients, each signed in as a user of its own, send
// the heaviest document the limits accept as fast as they are answered; writes bench/results/abuse.json.
//
// The tree is one province (江苏, ~23,000 nodes) in a database of its own, rebuilt on every run.
// Candidates for "heaviest" are timed alone first; the slowest is the abusive document. Two runs
// under attack: with the per-caller budget as configured by default, and with the budget lifted
// (what the cost, alias, depth and token limits bound on their own).

const BENCH_DATABASE = 'yiyang_bench_abuse';
const PROVINCE = '32';
const ABUSERS = 4;
const ATTACK_SECONDS = 20;
const BASELINE_SECONDS = 10;
const WARMUP = 50;

const ME = '{ me { username roles } }';
const COVERAGE = `{ jurisdiction(code: "${PROVINCE}") { coverage(metric: VILLAGE_SERVICE) { numerator denominator rate } } }`;

const aliased = (count: number, selection: string) => Array.from({ length: count }, (_, i) => `a${i}: ${selection}`).join(' ');
const TREND = (from: string) => `coverageTrend(metric: VILLAGE_SERVICE, from: "${from}", to: "2026-11-30") { numerator denominator rate }`;

// Documents at the limits (30 aliases, cost up to MAX_QUERY_COST), each leaning on a different kind of work.
const CANDIDATES: Record<string, string> = {
  // The issue's flood, cut to what the alias limit allows.
  aliased_me: `{ ${aliased(30, 'me { jurisdiction { code name ancestors { code } } }')} }`,
  aliased_trends: `{ jurisdiction(code: "${PROVINCE}") { ${aliased(30, TREND('2017-01-01'))} } }`,
  aliased_people_counts: `{ ${aliased(30, `jurisdiction(code: "${PROVINCE}") { peopleCounts { total } }`)} }`,
  trend_per_row: `{ jurisdictions(under: "${PROVINCE}", first: 70) { edges { node { code ${TREND('2017-01-01')} } } } }`,
  page_of_figures: `{ jurisdictions(under: "${PROVINCE}", first: 100) { edges { node { code name coverage(metric: VILLAGE_SERVICE) { numerator denominator rate } peopleCounts { total } facilityStats { beds { nursing } } descendantCounts { villages } } } } }`,
  child_coverage: `{ ${aliased(25, `jurisdiction(code: "${PROVINCE}") { childCoverage(metric: VILLAGE_SERVICE, first: 100) { edges { node { numerator rate rank } } } }`)} }`,
};

// An abusive client: sends one document over and over on a keep-alive connection until told to stop,
// counting answers by HTTP status (429s included: it does not back off).
const ABUSER_THREAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { endpoint, token, body } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token };
let stop = false;
parentPort.on('message', () => { stop = true; });
const statuses = {};
const post = () => new Promise((resolve, reject) => {
  const request = http.request(endpoint, { method: 'POST', agent, headers }, (response) => {
    response.resume();
    response.on('end', () => resolve(response.statusCode));
    response.on('error', reject);
  });
  request.on('error', reject);
  request.end(body);
});
(async () => {
  while (!stop) {
    const status = await post();
    statuses[status] = (statuses[status] || 0) + 1;
  }
  parentPort.postMessage({ statuses });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

// An ordinary client: one read every INTERVAL_MS (or as soon as the last is answered, when that took
// longer), for `seconds`; each answer's time from sending to its last byte.
const READER_THREAD = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { endpoint, token, body, warmup, seconds, intervalMs } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + token };
const post = () => new Promise((resolve, reject) => {
  const started = performance.now();
  const request = http.request(endpoint, { method: 'POST', agent, headers }, (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => resolve({ ms: performance.now() - started, ok: response.statusCode === 200 && !JSON.parse(Buffer.concat(chunks).toString('utf8')).errors }));
    response.on('error', reject);
  });
  request.on('error', reject);
  request.end(body);
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
(async () => {
  for (let i = 0; i < warmup; i++) await post();
  const samples = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const answer = await post();
    if (answer.ok) samples.push(answer.ms); else failed++;
    await sleep(Math.max(0, intervalMs - answer.ms));
  }
  parentPort.postMessage({ samples, failed });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;
const INTERVAL_MS = 50;

function reads(endpoint: string, token: string, query: string, seconds: number): Promise<{ samples: number[]; failed: number }> {
  const worker = new Worker(READER_THREAD, { eval: true, workerData: { endpoint, token, body: JSON.stringify({ query }), warmup: WARMUP, seconds, intervalMs: INTERVAL_MS } });
  return new Promise((resolve, reject) => {
    worker.once('message', (message: { samples: number[]; failed: number; error?: string }) => {
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve(message);
    });
    worker.once('error', reject);
  });
}

function abuser(endpoint: string, token: string, query: string): { stop: () => Promise<Record<string, number>> } {
  const worker = new Worker(ABUSER_THREAD, { eval: true, workerData: { endpoint, token, body: JSON.stringify({ query }) } });
  const done = new Promise<Record<string, number>>((resolve, reject) => {
    worker.once('message', (message: { statuses: Record<string, number>; error?: string }) => (message.error ? reject(new Error(message.error)) : resolve(message.statuses)));
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const statuses = await done;
      await worker.terminate();
      return statuses;
    },
  };
}

async function main(): Promise<void> {
  const { adminUrl, benchUrl, cfg } = benchEnvironment(BENCH_DATABASE, { limitsLifted: false });
  const loadAtStart = loadAverage();
  const floorUs = await machineFloorUs(adminUrl);
  const serverVersion = await onServer(adminUrl, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version);

  await freshDatabase(adminUrl, BENCH_DATABASE);
  const builder = createDataSource({ url: benchUrl, statementTimeoutMs: 0, poolSize: 1, applicationName: 'yiyang-bench' });
  await builder.initialize();
  await builder.runMigrations({ transaction: 'each' });
  const imported = await importDivisions(builder, { under: PROVINCE, progress });
  check(imported.inserted > 10_000 && imported.rejected.length === 0, `the import inserted ${imported.inserted} nodes`);
  await builder.destroy();
  log(`tree of ${imported.inserted} nodes imported`);

  const schema = await buildApiSchema();
  const costs = Object.fromEntries(Object.entries(CANDIDATES).map(([name, query]) => [name, operationCost(schema, parse(query), null, {})]));
  for (const [name, cost] of Object.entries(costs)) check(cost !== null && cost <= cfg.maxQueryCost, `${name} costs ${cost}, over ${cfg.maxQueryCost}`);

  const results: Record<string, unknown>[] = [];
  const runs: Record<string, unknown> = {};
  let heaviest = '';
  // One server per configuration: as configured, then with the per-caller budget lifted.
  for (const [label, serverCfg] of [
    ['budget', cfg],
    ['no_budget', { ...cfg, rateLimitCost: BUDGET_LIFTED } as Config],
  ] as const) {
    const database = await openDatabase(serverCfg, { applicationName: 'yiyang-bench-server', serve: { secret: serverCfg.jwtSecret! } });
    // Served over the application role's pool, as main.ts serves.
    const server = await createServer(database.app!, serverCfg);
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
    try {
      const passwordHash = await hashPassword(crypto.randomBytes(16).toString('hex'));
      // Ordinary users: one reads `me`, another a coverage figure, 20 times a second each.
      const meReader = await benchUser(database.dataSource, `bench-me-reader-${label}@${PROVINCE}`, PROVINCE, [Role.ANALYST], passwordHash);
      const coverageReader = await benchUser(database.dataSource, `bench-coverage-reader-${label}@${PROVINCE}`, PROVINCE, [Role.ANALYST], passwordHash);
      const ordinary = (seconds: number) => Promise.all([reads(endpoint, meReader, ME, seconds), reads(endpoint, coverageReader, COVERAGE, seconds)]);
      const abusers: string[] = [];
      for (let i = 0; i < ABUSERS; i++) abusers.push(await benchUser(database.dataSource, `bench-abuser-${label}-${i}@${PROVINCE}`, PROVINCE, [Role.ANALYST], passwordHash));

      if (label === 'budget') {
        // Every candidate alone, each as a user of its own (13 of them fit in one budget).
        const gql = gqlClient(endpoint);
        const alone: Record<string, unknown> = {};
        let slowest = -1;
        for (const [name, query] of Object.entries(CANDIDATES)) {
          const timer = await benchUser(database.dataSource, `bench-timer-${name}@${PROVINCE}`, PROVINCE, [Role.ANALYST], passwordHash);
          for (let i = 0; i < 3; i++) await gql(query, {}, timer);
          const samples: number[] = [];
          for (let i = 0; i < 10; i++) samples.push((await gql(query, {}, timer)).ms);
          const figures = summary(samples);
          alone[name] = { cost: costs[name], ...figures };
          if (figures.p50_ms > slowest) [slowest, heaviest] = [figures.p50_ms, name];
          log(`${name}: cost ${costs[name]}, ${figures.p50_ms} ms alone`);
        }
        results.push(...Object.entries(alone).map(([name, figures]) => ({ name: `heaviest candidate alone: ${name}`, ...(figures as object) })));

        const baseline = await ordinary(BASELINE_SECONDS);
        results.push({ name: '{ me } alone', requests: baseline[0].samples.length, failed: baseline[0].failed, ...summary(baseline[0].samples) });
        results.push({ name: 'coverage read alone', requests: baseline[1].samples.length, failed: baseline[1].failed, ...summary(baseline[1].samples) });
      }

      const attackers = abusers.map((token) => abuser(endpoint, token, CANDIDATES[heaviest]));
      const started = performance.now();
      const answered = await ordinary(ATTACK_SECONDS);
      const statuses = await Promise.all(attackers.map((attacker) => attacker.stop()));
      const seconds = (performance.now() - started) / 1000;
      const total = (code: string) => statuses.reduce((sum, s) => sum + (s[code] ?? 0), 0);
      const abuse = { document: heaviest, cost: costs[heaviest], clients: ABUSERS, seconds: round2(seconds), answered_200: total('200'), refused_429: total('429'), other: statuses.reduce((sum, s) => sum + Object.entries(s).filter(([code]) => code !== '200' && code !== '429').reduce((a, [, n]) => a + n, 0), 0) };
      runs[label] = abuse;
      const note = label === 'budget' ? `under ${ABUSERS} abusive clients (per-caller budget ${cfg.rateLimitCost} per ${cfg.rateLimitWindowSeconds} s)` : `under ${ABUSERS} abusive clients, budget lifted`;
      results.push({ name: `{ me } ${note}`, requests: answered[0].samples.length, failed: answered[0].failed, ...summary(answered[0].samples), abusive: abuse });
      results.push({ name: `coverage read ${note}`, requests: answered[1].samples.length, failed: answered[1].failed, ...summary(answered[1].samples), abusive: abuse });
      log(`${label}: me p95 ${summary(answered[0].samples).p95_ms} ms, coverage p95 ${summary(answered[1].samples).p95_ms} ms; abusers ${JSON.stringify(abuse)}`);
    } finally {
      await server.stop();
      await database.close();
    }
  }

  saveResults('abuse', {
    benchmark: 'abuse',
    date: new Date().toISOString(),
    load_average_at_start: loadAtStart,
    load_average_at_end: loadAverage(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), PostgreSQL ${serverVersion}`,
    machine_floor_select_1_us: floorUs,
    runtime: `Node ${process.version}, graphql-js with NODE_ENV=production, server in-process, every client on a thread of its own`,
    limits: {
      max_query_cost: cfg.maxQueryCost,
      max_query_tokens: cfg.maxQueryTokens,
      max_query_depth: cfg.maxQueryDepth,
      rate_limit_cost: cfg.rateLimitCost,
      rate_limit_window_seconds: cfg.rateLimitWindowSeconds,
    },
    data: { province: PROVINCE, nodes: imported.inserted },
    heaviest_document: { name: heaviest, cost: costs[heaviest], query: CANDIDATES[heaviest] },
    before_the_limits: {
      source: 'reported on the code before these limits, same kind of machine: 5,000 aliases of me { jurisdiction { code } } (cost 15,000 under the old limit of 20,000)',
      one_document_ms: 8500,
      event_loop_blocked_up_to_ms: 3300,
      me_p50_ms_under_4_clients: 9500,
    },
    runs,
    results,
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
