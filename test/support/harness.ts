import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadConfig, setConfig, type Config } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { prepareAppRole } from '../../src/db/roles';
import { sharedCaches } from '../../src/db/shared-cache';
import { createServer, type Server } from '../../src/app/server';
import { configureTokens } from '../../src/users/token';

export interface GraphQLResponse<T = any> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: string[]; extensions: { code: string; field?: string; [k: string]: unknown } }[] | undefined;
  extensions: { sqlStatements?: number } | undefined;
}

export interface Harness {
  /** The owner's connection to this worker's database: fixtures, emptying tables, looking at what was stored. */
  db: DataSource;
  /** The server's own pool, connected as the application role, as in a real start. */
  app: DataSource;
  /** This worker's database, for processes the test starts itself (as the owner). */
  databaseUrl: string;
  /** The same database as the application role. */
  appDatabaseUrl: string;
  url: string;
  /** The server's own `/metrics` listener (METRICS_PORT), on a free port of 127.0.0.1; null when it has none. */
  metricsUrl: string | null;
  config: Config;
  /** Sends one GraphQL operation over HTTP, as the holder of `token` (or anonymously). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>;
}

/**
 * The token secret of the tests' servers. The application role's password derives from it, so a
 * server process a test starts with it shares the role with the harness's own server.
 */
export const TEST_TOKEN_SECRET = 'test-secret-0123456789-0123456789-abcdef';

/** Every table a test may fill, parents first; the harness empties them all before each test. */
export const TABLES: { table: string; identity: boolean }[] = [
  { table: 'jurisdiction', identity: true },
  { table: 'organisation', identity: true },
  { table: 'caregiver', identity: true },
  { table: 'app_user', identity: true },
  { table: 'login_throttle', identity: false },
  { table: 'audit_entry', identity: true },
  { table: 'app_setting', identity: false },
  { table: 'facility', identity: true },
  { table: 'facility_event', identity: true },
  { table: 'facility_diners', identity: false },
  { table: 'village_facility_designation', identity: false },
  { table: 'rollup_value', identity: false },
  { table: 'rollup_history', identity: false },
  { table: 'rollup_change', identity: false },
  { table: 'rollup_change_period', identity: false },
  { table: 'person', identity: true },
  { table: 'person_category', identity: true },
  { table: 'ability_assessment', identity: true },
  { table: 'subsidy_scheme', identity: true },
  { table: 'subsidy_scheme_version', identity: true },
  { table: 'subsidy_funding', identity: false },
  { table: 'subsidy_tier', identity: true },
  { table: 'subsidy_floor', identity: true },
  { table: 'entitlement_run', identity: true },
  { table: 'entitlement_line', identity: false },
  { table: 'entitlement_total', identity: false },
  { table: 'target', identity: true },
  { table: 'target_phase_span', identity: false },
  { table: 'supervision_item', identity: true },
  { table: 'supervision_note', identity: true },
  { table: 'notice', identity: true },
  { table: 'working_calendar_year', identity: true },
  { table: 'review_procedure', identity: true },
  { table: 'intake_window', identity: true },
  { table: 'application_case', identity: true },
  { table: 'application_case_scheme', identity: false },
  { table: 'application_material', identity: true },
  { table: 'application_history', identity: true },
  { table: 'enrolment', identity: true },
  { table: 'enrolment_review', identity: true },
  { table: 'person_move', identity: true },
  { table: 'person_fact_change', identity: false },
  { table: 'elderly_population', identity: true },
  { table: 'caregiver_ban', identity: true },
  { table: 'service_supervision_phone', identity: false },
  { table: 'provider_entry', identity: true },
  { table: 'provider_qualification', identity: true },
  { table: 'provider_ban', identity: true },
  { table: 'provider_ban_lift', identity: true },
  { table: 'service_contract', identity: true },
  { table: 'service_contract_area', identity: false },
  { table: 'service_contract_price', identity: false },
  { table: 'service_contract_coverage', identity: false },
  { table: 'care_rules', identity: true },
  { table: 'person_home_place', identity: false },
  { table: 'service_card', identity: true },
  { table: 'work_order', identity: true },
  { table: 'visit_event', identity: true },
  // care_month goes with person (its key), and care_figure with care_month (kept by its triggers, as case_figure).
  { table: 'care_month_close', identity: false },
  { table: 'callback_draw', identity: true },
  { table: 'order_callback', identity: true },
  { table: 'oversight_visit', identity: true },
  { table: 'ledger_account', identity: true },
  { table: 'ledger_credit_run', identity: true },
  { table: 'ledger_posting', identity: true },
  { table: 'ledger_line', identity: false },
  { table: 'ledger_adjustment', identity: true },
  { table: 'ledger_figure', identity: false },
  { table: 'ledger_unsettled', identity: false },
  { table: 'ledger_rules', identity: true },
  { table: 'settlement_statement', identity: true },
  { table: 'settlement_item', identity: false },
  { table: 'settlement_town', identity: false },
  { table: 'settlement_share', identity: false },
  { table: 'facility_subsidy_payment_share', identity: false },
  { table: 'facility_subsidy_payment', identity: true },
  { table: 'budget_line', identity: true },
  { table: 'lottery_fund_rule', identity: true },
];

async function workerDatabaseUrl(): Promise<string> {
  const server = process.env.YIYANG_TEST_SERVER_URL;
  const run = process.env.YIYANG_TEST_RUN;
  if (!server || !run) throw new Error('the test database was not prepared: run the tests through jest (globalSetup)');
  const name = `yiyang_test_${run}_w${process.env.JEST_WORKER_ID ?? '1'}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}" TEMPLATE "yiyang_test_${run}_template"`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A real server on this worker's own database (migrated), reached over HTTP. Every test starts on
 * empty tables and builds what it needs with the factories.
 */
export function useHarness(env: Record<string, string> = {}): Harness {
  const harness = {} as Harness;
  let server: Server;

  beforeAll(async () => {
    // Suites send thousands of operations as a few users: the per-caller budget is out of their way
    // (test/graphql/rate-limit.test.ts sets a small one).
    const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_COST: '1000000000', ...env });
    setConfig(config);
    configureTokens({ secret: TEST_TOKEN_SECRET, ttlSeconds: config.tokenTtlSeconds });
    const databaseUrl = await workerDatabaseUrl();
    const db = createDataSource({ url: databaseUrl, poolSize: 4, statementTimeoutMs: config.statementTimeoutMs, applicationName: 'yiyang-owner' });
    await db.initialize();
    const appDatabaseUrl = await prepareAppRole(db, { configured: null, secret: TEST_TOKEN_SECRET });
    const app = createDataSource({ url: appDatabaseUrl, poolSize: config.dbPoolSize, statementTimeoutMs: config.statementTimeoutMs });
    await app.initialize();
    server = await createServer(app, config);
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = server.httpServer.address() as AddressInfo;
    const metricsServer = server.metricsServer;
    if (metricsServer) await new Promise<void>((resolve) => metricsServer.listen(0, '127.0.0.1', resolve));
    Object.assign(harness, {
      db,
      app,
      databaseUrl,
      appDatabaseUrl,
      config,
      url: `http://127.0.0.1:${port}`,
      metricsUrl: metricsServer ? `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}` : null,
      async gql(query: string, variables?: Record<string, unknown>, token?: string | null) {
        const response = await fetch(`${harness.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: GraphQLResponse['errors']; extensions?: GraphQLResponse['extensions'] };
        return { status: response.status, data: body.data, errors: body.errors, extensions: body.extensions };
      },
    });
  });

  beforeEach(async () => {
    await harness.db.query(`TRUNCATE ${TABLES.map(({ table }) => table).join(', ')} RESTART IDENTITY CASCADE`);
    // Ids start again at 1: the server must have heard that the tree and the users are gone.
    await sharedCaches(harness.app).sync();
  });

  afterAll(async () => {
    await server?.stop();
    if (harness.app?.isInitialized) await harness.app.destroy();
    if (harness.db?.isInitialized) await harness.db.destroy();
  });

  return harness;
}

/** The codes of the errors in a response, in order. */
export function errorCodes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((e) => e.extensions.code);
}

/**
 * Empties the server's caches of the tree and of signed-in users, so that the next request reads
 * everything it needs from the database: statement counts are then the cold (largest) ones. The
 * notices of what the test has just written are heard first, so that none arrives later to empty
 * what the next requests cache.
 */
export async function forgetCaches(h: Harness): Promise<void> {
  await sharedCaches(h.app).sync();
  sharedCaches(h.app).invalidate(null);
}
