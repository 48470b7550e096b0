import { Client } from 'pg';

/** Drops the run's databases and roles (on DATABASE_URL's server) or stops the throw-away embedded cluster. */
export default async function globalTeardown(): Promise<void> {
  if (globalThis.yiyangEmbedded) {
    await globalThis.yiyangEmbedded.stop();
    return;
  }
  const admin = new Client({ connectionString: process.env.YIYANG_TEST_SERVER_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `yiyang_test_${process.env.YIYANG_TEST_RUN}_%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    // The workers' application roles (roles outlive databases): nothing refers to them once those are gone.
    const roles = await admin.query(`SELECT rolname FROM pg_roles WHERE rolname LIKE $1`, [`yiyang_test_${process.env.YIYANG_TEST_RUN}_%`]);
    for (const { rolname } of roles.rows) await admin.query(`DROP ROLE IF EXISTS "${rolname}"`);
  } finally {
    await admin.end();
  }
}
