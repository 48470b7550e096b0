import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

// Bulk reads and writes of integer rows in PostgreSQL's COPY text format, for the set-wise paths that
// move millions of rows (the roll-up rebuild). Rows are parsed from and written to bytes directly:
// no string per row or field, so that millions of rows cost no garbage. Values are integers, integer
// arrays and plain ASCII words (keys): nothing that COPY would escape.

const TAB = 9;
const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;
const CHUNK = 1 << 20;

/** The fields of the row being read, as integers (a null reads as 0). */
export class CopyRow {
  /** Start and end offsets of each field in `bytes`. */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  bytes: Buffer = Buffer.alloc(0);
  constructor(columns: number) {
    this.starts = new Int32Array(columns);
    this.ends = new Int32Array(columns);
  }
  int(field: number): number {
    let at = this.starts[field];
    const end = this.ends[field];
    const negative = this.bytes[at] === MINUS;
    if (negative) at++;
    let n = 0;
    for (; at < end; at++) {
      const digit = this.bytes[at] - ZERO;
      if (digit < 0 || digit > 9) return 0; // \N
      n = n * 10 + digit;
    }
    return negative ? -n : n;
  }
}

/** Calls `row` for each row `query` returns, streaming; `columns` is the number of fields per row. */
export async function copyRows(client: PoolClient, query: string, columns: number, row: (fields: CopyRow) => void): Promise<void> {
  const fields = new CopyRow(columns);
  // Rows in `bytes` from `from` on, up to the last newline; returns where the unfinished row starts.
  const rows = (bytes: Buffer, from: number): number => {
    fields.bytes = bytes;
    let lineStart = from;
    for (let newline = bytes.indexOf(NEWLINE, lineStart); newline >= 0; newline = bytes.indexOf(NEWLINE, lineStart)) {
      let field = 0;
      fields.starts[0] = lineStart;
      for (let at = lineStart; at < newline; at++) {
        if (bytes[at] === TAB) {
          fields.ends[field] = at;
          fields.starts[++field] = at + 1;
        }
      }
      fields.ends[field] = newline;
      if (field !== columns - 1) throw new Error(`COPY row with ${field + 1} fields, expected ${columns}`);
      row(fields);
      lineStart = newline + 1;
    }
    return lineStart;
  };
  let rest: Buffer | null = null;
  for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT`)) as AsyncIterable<Buffer>) {
    let from = 0;
    if (rest) {
      // The row cut by the previous chunk's end: only it is joined, not the whole chunk.
      const newline = chunk.indexOf(NEWLINE);
      if (newline < 0) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      rows(Buffer.concat([rest, chunk.subarray(0, newline + 1)]), 0);
      from = newline + 1;
    }
    const unfinished = rows(chunk, from);
    rest = unfinished < chunk.length ? chunk.subarray(unfinished) : null;
  }
  if (rest) throw new Error('COPY output ended inside a row');
}

/** Rows in COPY text format, written into 1 MB buffers as they are made. */
export class CopyText {
  readonly chunks: Buffer[] = [];
  rows = 0;
  private buffer = Buffer.allocUnsafe(CHUNK);
  private at = 0;
  private readonly words = new Map<string, Buffer>();

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.chunks.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    this.at = 0;
  }

  int(value: number): this {
    this.room(21);
    let n = value;
    if (n < 0) {
      this.buffer[this.at++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    this.at += digits;
    for (let at = this.at - 1; at >= this.at - digits; at--) {
      this.buffer[at] = ZERO + (n % 10);
      n = Math.floor(n / 10);
    }
    return this;
  }

  /** An ASCII word (a key): encoded once, copied after. */
  word(text: string): this {
    let bytes = this.words.get(text);
    if (!bytes) {
      bytes = Buffer.from(text, 'ascii');
      this.words.set(text, bytes);
    }
    this.room(bytes.length);
    bytes.copy(this.buffer, this.at);
    this.at += bytes.length;
    return this;
  }

  /** An integer array literal of values[from, to). */
  ints(values: ArrayLike<number>, from: number, to: number): this {
    this.room(1);
    this.buffer[this.at++] = 123; // {
    for (let i = from; i < to; i++) {
      if (i > from) {
        this.room(1);
        this.buffer[this.at++] = 44; // ,
      }
      this.int(values[i]);
    }
    this.room(1);
    this.buffer[this.at++] = 125; // }
    return this;
  }

  tab(): this {
    this.room(1);
    this.buffer[this.at++] = TAB;
    return this;
  }

  end(): this {
    this.room(1);
    this.buffer[this.at++] = NEWLINE;
    this.rows++;
    return this;
  }

  /** Every chunk written, the last one included. */
  done(): Buffer[] {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(0);
    this.at = 0;
    return this.chunks;
  }
}

/** Writes the rows of `text` into `table (columns)`; returns how many went in. */
export async function copyInto(client: PoolClient, table: string, columns: readonly string[], text: CopyText): Promise<number> {
  const copy = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(text.done()), copy);
  return copy.rowCount;
}
