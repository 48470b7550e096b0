import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { buildApiSchema, printApiSchema } from '../app/schema';

// npm run schema:emit (from the repository root): writes schema/schema.graphql from the resolvers.
async function main(): Promise<void> {
  const file = path.resolve('schema', 'schema.graphql');
  fs.writeFileSync(file, printApiSchema(await buildApiSchema()));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
