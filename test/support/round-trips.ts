import { Client } from 'pg';

type Query = (this: Client, ...args: unknown[]) => unknown;

/**
 * The round trips to the database `send` makes, as seen on every client of this process (the pool's
 * and the cache listener's): a statement starts a round trip unless it goes out behind answers still
 * awaited on a pipelined connection. Each round trip is listed as its statements' first words.
 */
export async function roundTrips(send: () => Promise<unknown>): Promise<string[]> {
  const original = Client.prototype.query as unknown as Query;
  const awaited = new WeakMap<Client, number>();
  const trips: string[][] = [];
  Client.prototype.query = function (this: Client & { pipeline?: boolean }, ...args: unknown[]) {
    const result = original.apply(this, args);
    const config = args[0] as string | { text?: string };
    const words = (typeof config === 'string' ? config : (config.text ?? '')).trim().split(/\s+/).slice(0, 3).join(' ');
    const pending = awaited.get(this) ?? 0;
    if (this.pipeline && pending > 0) trips[trips.length - 1].push(words);
    else trips.push([words]);
    if (result instanceof Promise) {
      awaited.set(this, pending + 1);
      const answered = () => awaited.set(this, (awaited.get(this) ?? 1) - 1);
      result.then(answered, answered);
    }
    return result;
  } as unknown as typeof Client.prototype.query;
  try {
    await send();
  } finally {
    Client.prototype.query = original as unknown as typeof Client.prototype.query;
  }
  return trips.map((statements) => statements.join(' | '));
}
