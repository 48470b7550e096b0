import type { AddressInfo } from 'node:net';
import type { Config } from '../src/config';
import { createServer } from '../src/app/server';
import { openDatabase } from '../src/db/database';
import { gqlClient } from './support';

/**
 * The server under test, as `src/main.ts` runs it: requests over the application role's pool (the
 * benchmark's own set-up writes as the owner), listening on a free port of 127.0.0.1.
 */
export async function benchServer(cfg: Config) {
  const database = await openDatabase(cfg, { applicationName: 'yiyang-bench-server', serve: { secret: cfg.jwtSecret! } });
  const server = await createServer(database.app!, cfg);
  await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
  return { database, dataSource: database.dataSource, server, endpoint, gql: gqlClient(endpoint) };
}
