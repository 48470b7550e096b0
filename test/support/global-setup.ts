import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { setConfig, loadConfig } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded';
import { freePort } from '../../src/db/embedded-port';

declare global {
  var yiyangEmbedded: EmbeddedDatabase | undefined;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * One PostgreSQL for the run (DATABASE_URL's server, or a throw-away embedded cluster) and a template
 * database with every migration applied; each worker clones it (see harness.ts).
 */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  setConfig(loadConfig());
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yiyang-test-'));
    fs.chmodSync(dataDir, 0o755);
    globalThis.yiyangEmbedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false, database: 'postgres' });
    serverUrl = globalThis.yiyangEmbedded.url;
  }
  const run = `${Date.now().toString(36)}${crypto.randomBytes(3).toString('hex')}`;
  const template = `yiyang_test_${run}_template`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${template}"`);
  } finally {
    await admin.end();
  }
  const dataSource = createDataSource({ url: withDatabase(serverUrl, template), poolSize: 1 });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
  process.env.YIYANG_TEST_SERVER_URL = serverUrl;
  process.env.YIYANG_TEST_RUN = run;
}
