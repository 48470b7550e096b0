import { startEmbeddedPostgres } from '../../src/db/embedded';

// A separate process for the embedded-database tests: `write` stores a row and then waits to be
// killed; `read` starts the same cluster, prints the rows as JSON and stops cleanly.
async function main(): Promise<void> {
  const [mode, dataDir, port] = process.argv.slice(2);
  const db = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true, database: 'keep' });
  const { Client } = await import('pg');
  const client = new Client({ connectionString: db.url });
  await client.connect();
  if (mode === 'write') {
    await client.query(`CREATE TABLE IF NOT EXISTS kept (note text)`);
    await client.query(`INSERT INTO kept VALUES ($1)`, [`written by ${process.pid}`]);
    await client.end();
    process.stdout.write('ready\n');
    setInterval(() => {}, 1000);
    return;
  }
  const { rows } = await client.query(`SELECT note FROM kept ORDER BY note`);
  await client.end();
  await db.stop();
  process.stdout.write(`${JSON.stringify(rows.map((r) => r.note))}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
