import { Client } from 'pg';

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
