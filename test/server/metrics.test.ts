import { Role } from '../../src/kernel/actor';
import { transactionSlotsFor } from '../../src/db/transaction';
import { nationalIdCheck } from '../../src/elderly/national-id';
import { createUser, smallTree } from '../support/factories';
import { errorCodes, forgetCaches, useHarness, type Harness } from '../support/harness';
import { eventually } from '../support/processes';

const PRODUCTION = { NODE_ENV: 'production', LOG_LEVEL: 'silent', DATABASE_URL: 'postgres://unused@127.0.0.1/unused', JWT_SECRET: 'x'.repeat(40) };
const METRICS_TOKEN = 'metrics-token-0123456789-abcdefghijklmnop';

type Labels = Record<string, string>;

/** The samples of a scrape in Prometheus's text format, by name and labels. */
class Scrape {
  private readonly samples = new Map<string, number>();
  readonly names = new Set<string>();
  readonly labelValues: string[] = [];

  constructor(readonly text: string) {
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Labels = {};
      for (const [, name, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[name] = value;
        this.labelValues.push(value);
      }
      this.names.add(match[1]);
      this.samples.set(Scrape.key(match[1], labels), Number(match[3]));
    }
  }

  private static key(name: string, labels: Labels): string {
    return `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;
  }

  /** A sample's value; 0 for a series not yet reported (a counter that never moved). */
  value(name: string, labels: Labels = {}): number {
    return this.samples.get(Scrape.key(name, labels)) ?? 0;
  }

  has(name: string, labels: Labels = {}): boolean {
    return this.samples.has(Scrape.key(name, labels));
  }
}

async function scrape(url: string, token?: string): Promise<{ status: number; scrape: Scrape | null; contentType: string | null }> {
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await response.text();
  return { status: response.status, scrape: response.status === 200 ? new Scrape(text) : null, contentType: response.headers.get('content-type') };
}

async function metricsOf(h: Harness): Promise<Scrape> {
  const { status, scrape: found } = await scrape(h.url);
  expect(status).toBe(200);
  return found!;
}

/** How much each series of `name` moved between two scrapes. */
function moved(before: Scrape, after: Scrape, name: string, labels: Labels = {}): number {
  return after.value(name, labels) - before.value(name, labels);
}

describe('/metrics outside production', () => {
  const h = useHarness();
  beforeEach(() => smallTree(h.db));

  it('is served in Prometheus text format on the main port, with Node process metrics', async () => {
    const { status, contentType, scrape: found } = await scrape(h.url);
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(found!.names).toContain('process_cpu_user_seconds_total');
    expect(found!.names).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts requests by type, root field and outcome, each with its latency', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    const before = await metricsOf(h);
    expect(errorCodes(await h.gql(`{ me { username } }`, {}, user.token))).toEqual([]);
    expect(errorCodes(await h.gql(`{ jurisdiction(code: "110101") { code } }`, {}, user.token))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await h.gql(`{ jurisdiction(code: "32101") { code } }`, {}, user.token))).toEqual(['BAD_USER_INPUT']);
    // Two root fields, one refused: the request's outcome is its first error, each field has its own.
    expect(errorCodes(await h.gql(`{ me { username } other: jurisdiction(code: "110101") { code } }`, {}, user.token))).toEqual(['FORBIDDEN']);
    // Refused before Apollo runs: a forged token.
    expect(errorCodes(await h.gql(`{ me { username } }`, {}, 'forged'))).toEqual(['UNAUTHENTICATED']);
    const after = await metricsOf(h);

    const requests = (labels: Labels) => moved(before, after, 'yiyang_graphql_requests_total', labels);
    expect(requests({ type: 'query', outcome: 'OK' })).toBe(1);
    expect(requests({ type: 'query', outcome: 'FORBIDDEN' })).toBe(2);
    expect(requests({ type: 'query', outcome: 'BAD_USER_INPUT' })).toBe(1);
    expect(requests({ type: 'unknown', outcome: 'UNAUTHENTICATED' })).toBe(1);

    for (const labels of [
      { type: 'query', outcome: 'OK' },
      { type: 'query', outcome: 'FORBIDDEN' },
      { type: 'query', outcome: 'BAD_USER_INPUT' },
      { type: 'unknown', outcome: 'UNAUTHENTICATED' },
    ]) {
      const count = moved(before, after, 'yiyang_graphql_request_duration_seconds_count', labels);
      expect([labels, count]).toEqual([labels, requests(labels)]);
      expect(moved(before, after, 'yiyang_graphql_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(count);
      expect(moved(before, after, 'yiyang_graphql_request_duration_seconds_sum', labels)).toBeGreaterThan(0);
      // Buckets are cumulative: none holds more than the next.
      const buckets = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'].map((le) =>
        after.value('yiyang_graphql_request_duration_seconds_bucket', { ...labels, le }),
      );
      expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    }

    const fields = (labels: Labels) => moved(before, after, 'yiyang_graphql_root_field_duration_seconds_count', labels);
    expect(fields({ type: 'query', field: 'me', outcome: 'OK' })).toBe(2);
    expect(fields({ type: 'query', field: 'jurisdiction', outcome: 'FORBIDDEN' })).toBe(2);
    expect(fields({ type: 'query', field: 'jurisdiction', outcome: 'BAD_USER_INPUT' })).toBe(1);
  });

  it('counts a mutation under its type, and the notices its write caused', async () => {
    const admin = await createUser(h.db, '321012', [Role.CIVIL_AFFAIRS_ADMIN]);
    const before = await metricsOf(h);
    const res = await h.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { username } }`, {
      input: { username: 'worker@321012100001', password: 'worker-password-1', jurisdictionCode: '321012100001', roles: ['VILLAGE_WORKER'] },
    }, admin.token);
    expect(errorCodes(res)).toEqual([]);
    // A new account changes no cached value, so its write does not wait for its notices: they follow within milliseconds.
    let after = await metricsOf(h);
    await eventually('the notice of the insert into app_user', async () => {
      after = await metricsOf(h);
      return moved(before, after, 'yiyang_cache_notices_total', { table: 'app_user' }) >= 1;
    }, 10_000);
    expect(moved(before, after, 'yiyang_graphql_requests_total', { type: 'mutation', outcome: 'OK' })).toBe(1);
    expect(moved(before, after, 'yiyang_graphql_root_field_duration_seconds_count', { type: 'mutation', field: 'createUser', outcome: 'OK' })).toBe(1);
    expect(moved(before, after, 'yiyang_cache_notices_total', { table: 'target' })).toBe(0);
  });

  it('counts cache hits and misses per region', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST]);
    await forgetCaches(h);
    const TOWN = `{ jurisdiction(code: "321012100") { name } }`;
    const before = await metricsOf(h);
    const cold = await h.gql(TOWN, {}, user.token);
    const afterCold = await metricsOf(h);
    const warm = await h.gql(TOWN, {}, user.token);
    const afterWarm = await metricsOf(h);
    expect(warm.data).toEqual(cold.data);

    // Each request looks its caller up once: a miss, then a hit.
    expect(moved(before, afterCold, 'yiyang_cache_misses_total', { region: 'actors' })).toBe(1);
    expect(moved(before, afterCold, 'yiyang_cache_hits_total', { region: 'actors' })).toBe(0);
    expect(moved(afterCold, afterWarm, 'yiyang_cache_hits_total', { region: 'actors' })).toBe(1);
    expect(moved(afterCold, afterWarm, 'yiyang_cache_misses_total', { region: 'actors' })).toBe(0);
    expect(moved(before, afterCold, 'yiyang_cache_misses_total', { region: 'jurisdiction-by-code' })).toBeGreaterThanOrEqual(1);
    expect(moved(afterCold, afterWarm, 'yiyang_cache_hits_total', { region: 'jurisdiction-by-code' })).toBeGreaterThanOrEqual(1);
    // The warm request read nothing from the database: no region missed.
    expect(warm.extensions?.sqlStatements).toBe(0);
    for (const region of ['actors', 'jurisdiction-by-code', 'jurisdiction-by-id']) {
      expect([region, moved(afterCold, afterWarm, 'yiyang_cache_misses_total', { region })]).toEqual([region, 0]);
    }
    expect(afterWarm.value('yiyang_cache_entries', { region: 'actors' })).toBe(1);
    expect(afterWarm.value('yiyang_cache_trusted')).toBe(1);
  });

  it('reports the database pool, the transaction slots and whether the database answers', async () => {
    const found = await metricsOf(h);
    expect(found.value('yiyang_db_pool_connections', { state: 'max' })).toBe(h.config.dbPoolSize);
    expect(found.has('yiyang_db_pool_connections', { state: 'idle' })).toBe(true);
    expect(found.has('yiyang_db_pool_connections', { state: 'in_use' })).toBe(true);
    expect(found.value('yiyang_db_pool_connections', { state: 'idle' }) + found.value('yiyang_db_pool_connections', { state: 'in_use' })).toBeLessThanOrEqual(h.config.dbPoolSize);
    expect(found.has('yiyang_db_pool_waiting')).toBe(true);
    expect(found.has('yiyang_db_pool_waits_total')).toBe(true);
    expect(found.has('yiyang_db_pool_wait_seconds_total')).toBe(true);
    expect(found.has('yiyang_db_pool_wait_timeouts_total')).toBe(true);
    expect(found.value('yiyang_db_transaction_slots', { state: 'max' })).toBe(transactionSlotsFor(h.config.dbPoolSize));
    expect(found.value('yiyang_db_transaction_slots', { state: 'in_use' })).toBe(0);
    expect(found.has('yiyang_db_transaction_slots_waiting')).toBe(true);
    expect(found.has('yiyang_db_transaction_slot_waits_total')).toBe(true);
    expect(found.value('yiyang_database_up')).toBe(1);
  });

  it('counts the waits for a pooled connection when every one is busy', async () => {
    const held = await Promise.all(Array.from({ length: h.config.dbPoolSize }, () => h.app.createQueryRunner()));
    const before = await metricsOf(h);
    try {
      for (const runner of held) await runner.connect();
      expect((await metricsOf(h)).value('yiyang_db_pool_connections', { state: 'in_use' })).toBe(h.config.dbPoolSize);
      const waiting = h.app.query('SELECT 1');
      let during = await metricsOf(h);
      for (let tries = 0; tries < 100 && during.value('yiyang_db_pool_waiting') === 0; tries += 1) during = await metricsOf(h);
      expect(during.value('yiyang_db_pool_waiting')).toBe(1);
      await held[0].release();
      await waiting;
    } finally {
      for (const runner of held) if (!runner.isReleased) await runner.release();
    }
    const after = await metricsOf(h);
    expect(moved(before, after, 'yiyang_db_pool_waits_total')).toBe(1);
    expect(moved(before, after, 'yiyang_db_pool_wait_seconds_total')).toBeGreaterThan(0);
    expect(moved(before, after, 'yiyang_db_pool_wait_timeouts_total')).toBe(0);
    expect(after.value('yiyang_db_pool_waiting')).toBe(0);
  });

  it('puts no user, token, national ID or client-chosen operation name in a label', async () => {
    const user = await createUser(h.db, '321012', [Role.ANALYST], 'zhang.wei@321012');
    const nationalId = `32101219491001123${nationalIdCheck('32101219491001123')}`;
    const operationName = `ID_${nationalId}`;
    expect(errorCodes(await h.gql(`query ${operationName} { me { username } }`, {}, user.token))).toEqual([]);
    expect(errorCodes(await h.gql(`query ${operationName}($c: String!) { jurisdiction(code: $c) { code } }`, { c: nationalId }, user.token))).toEqual(['BAD_USER_INPUT']);
    // A field named after it does not pass validation, and is not counted by its name.
    expect(errorCodes(await h.gql(`{ ${operationName} }`, {}, user.token))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const found = await metricsOf(h);
    for (const secret of [nationalId, operationName, user.username, 'zhang.wei', user.token, user.token.split('.')[2]]) {
      expect([secret, found.text.includes(secret)]).toEqual([secret, false]);
    }
    // Every label value is one of the schema's names, an error code, a type, a region, a table or a number.
    for (const value of found.labelValues) expect([value, /^[A-Za-z0-9_.+\-/]*$/.test(value) && value.length <= 64]).toEqual([value, true]);
    expect(moved(new Scrape(''), found, 'yiyang_graphql_requests_total', { type: 'unknown', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
  });
});

describe('/metrics in production, configured with neither a port nor a token', () => {
  const h = useHarness(PRODUCTION);

  it('is not served on the public port', async () => {
    expect((await scrape(h.url)).status).toBe(404);
    expect(h.metricsUrl).toBeNull();
  });
});

describe('/metrics in production with METRICS_TOKEN', () => {
  const h = useHarness({ ...PRODUCTION, METRICS_TOKEN });

  it('answers 401 without the token, or with another one, and the metrics with it', async () => {
    const anonymous = await fetch(`${h.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect((await anonymous.text())).not.toContain('yiyang_');
    expect((await scrape(h.url, `${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(h.url, METRICS_TOKEN.slice(1))).status).toBe(401);
    const { status, scrape: found } = await scrape(h.url, METRICS_TOKEN);
    expect(status).toBe(200);
    expect(found!.value('yiyang_database_up')).toBe(1);
  });
});

describe('/metrics in production with METRICS_PORT', () => {
  const h = useHarness({ ...PRODUCTION, METRICS_PORT: '0' });

  it('is served on its own listener only', async () => {
    expect((await scrape(h.url)).status).toBe(404);
    const { status, scrape: found } = await scrape(h.metricsUrl!);
    expect(status).toBe(200);
    expect(found!.value('yiyang_db_pool_connections', { state: 'max' })).toBe(h.config.dbPoolSize);
    expect((await fetch(`${h.metricsUrl}/graphql`)).status).toBe(404);
  });
});
