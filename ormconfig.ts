import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

// For the TypeORM CLI (migration:run / migration:revert / migration:show) against DATABASE_URL.
// The server and the tests apply migrations themselves.
const cfg = loadConfig();
if (!cfg.databaseUrl) {
  throw new Error('DATABASE_URL: the TypeORM CLI needs a running PostgreSQL server; set DATABASE_URL');
}
export default createDataSource({ url: cfg.databaseUrl });
