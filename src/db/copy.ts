import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

// Bulk reads and writes in PostgreSQL's COPY text format, for the set-wise paths that move millions
// of rows (the roll-up rebuild). Only plain values go through here (integers, enum names, integer
// arrays): no field holds a tab, a newline or a backslash, so no field needs unescaping.

/** Calls `row` with the fields of each row `query` returns (`\N` is null), streaming. */
export async function copyRows(client: PoolClient, query: string, row: (fields: string[]) => void): Promise<void> {
  let rest = '';
  for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT`)) as AsyncIterable<Buffer>) {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop()!;
    for (const line of lines) row(line.split('\t'));
  }
  if (rest !== '') row(rest.split('\t'));
}

/** Writes the lines `chunks` yields (each a run of complete rows in COPY text format) into `table (columns)`. */
export async function copyInto(client: PoolClient, table: string, columns: readonly string[], chunks: Iterable<string>): Promise<number> {
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks, { objectMode: false }), copy);
  return copy.rowCount;
}

/** Groups lines into chunks of about `size` characters for `copyInto`. */
export function* chunked(lines: Iterable<string>, size = 1 << 20): Generator<string> {
  let chunk: string[] = [];
  let length = 0;
  for (const line of lines) {
    chunk.push(line);
    length += line.length;
    if (length >= size) {
      yield chunk.join('');
      chunk = [];
      length = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join('');
}
