import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { logger } from '../config/logger';

/**
 * Process-wide caches of what changes rarely and is read by nearly every request: the division tree
 * and who the holder of a token is. PostgreSQL keeps them true: a trigger on each cached table
 * sends `NOTIFY yiyang_cache, '<table>'` when a statement changes it (delivered on commit, and only
 * then), and the server LISTENs on a connection of its own and clears what the table feeds.
 *
 * - A cache is trusted only while that connection listens: before it is up, after it drops (until it
 *   is back, when everything is cleared since notices may have been missed), and in processes that
 *   never listen (the CLI), every read goes to the database.
 * - A read that began before a clear cannot fill the cache afterwards (`stamp` / `fill`), so a row
 *   read just before another transaction's commit is never kept past that commit's notice.
 * - A write made through the API clears the caches it touches as soon as it commits (`invalidate`),
 *   so its own process never answers from the old value; other processes follow on the notice.
 */

export const CACHE_CHANNEL = 'yiyang_cache';

/** A bounded map that forgets the least recently used entry first. */
class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  clear(): void {
    this.map.clear();
  }
}

export class CacheRegion<K, V> {
  private readonly entries: Lru<K, V>;
  private generation = 0;

  constructor(
    private readonly owner: SharedCaches,
    /** The tables whose changes clear this region. */
    readonly tables: readonly string[],
    capacity: number,
  ) {
    this.entries = new Lru(capacity);
  }

  get(key: K): V | undefined {
    return this.owner.trusted ? this.entries.get(key) : undefined;
  }

  /** Taken before reading the database; `fill` keeps the value only if nothing was cleared since. */
  stamp(): number {
    return this.generation;
  }

  fill(key: K, value: V, stamp: number): void {
    if (this.owner.trusted && stamp === this.generation) this.entries.set(key, value);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}

export class SharedCaches {
  /** Whether the listening connection is up, so that every committed change will be heard of. */
  trusted = false;
  private readonly regions = new Map<string, CacheRegion<unknown, unknown>>();
  private listener: Client | null = null;

  /** The region `name`, cleared by changes to `tables`; made on first use. */
  region<K, V>(name: string, tables: readonly string[], capacity: number): CacheRegion<K, V> {
    let region = this.regions.get(name);
    if (!region) {
      region = new CacheRegion<unknown, unknown>(this, tables, capacity);
      this.regions.set(name, region);
    }
    return region as CacheRegion<K, V>;
  }

  /** Clears every region fed by `table` (every region when null). */
  invalidate(table: string | null): void {
    for (const region of this.regions.values()) if (table === null || region.tables.includes(table)) region.clear();
  }

  /**
   * Resolves once every notice of a transaction committed before the call has been heard: the
   * listening connection answers a query only after delivering the notices queued before it.
   */
  async sync(): Promise<void> {
    if (this.listener) await this.listener.query('SELECT 1');
  }

  /** Listens on a connection of its own until `stop`; retries every second while it cannot. */
  async listen(dataSource: DataSource): Promise<{ stop(): Promise<void> }> {
    const { url } = dataSource.options as { url?: string };
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (): Promise<void> => {
      const client = new Client({ connectionString: url, application_name: 'yiyang-cache-listener' });
      client.on('notification', (message) => {
        if (message.channel === CACHE_CHANNEL) this.invalidate(message.payload ?? null);
      });
      const lost = (error?: Error) => {
        if (this.listener !== client) return;
        this.listener = null;
        this.trusted = false;
        this.invalidate(null);
        client.end().catch(() => undefined);
        if (stopped) return;
        logger().warn({ err: error }, 'cache listener lost its connection: caches are bypassed until it is back');
        retry = setTimeout(() => {
          retry = null;
          void connect();
        }, 1000);
        retry.unref();
      };
      client.on('error', lost);
      client.on('end', () => lost());
      this.listener = client;
      try {
        await client.connect();
        await client.query(`LISTEN ${CACHE_CHANNEL}`);
      } catch (error) {
        lost(error as Error);
        return;
      }
      if (stopped) {
        this.listener = null;
        await client.end().catch(() => undefined);
        return;
      }
      // Notices sent while nobody listened are lost: start from empty caches.
      this.invalidate(null);
      this.trusted = true;
    };

    await connect();
    return {
      stop: async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        const client = this.listener;
        this.listener = null;
        this.trusted = false;
        this.invalidate(null);
        await client?.end().catch(() => undefined);
      },
    };
  }
}

const byDataSource = new WeakMap<DataSource, SharedCaches>();

/** The caches of the database behind `dataSource` in this process (untrusted until a server listens). */
export function sharedCaches(dataSource: DataSource): SharedCaches {
  let caches = byDataSource.get(dataSource);
  if (!caches) {
    caches = new SharedCaches();
    byDataSource.set(dataSource, caches);
  }
  return caches;
}

/**
 * The values of `keys`: cached ones from `region`, the rest from `load` (in one call), which then
 * fill the region unless it was cleared while they were read. Keys `load` does not return are
 * missing from the result and are not cached.
 */
export async function throughCache<K, V>(region: CacheRegion<K, V>, keys: readonly K[], load: (missing: K[]) => Promise<Map<K, V>>): Promise<Map<K, V>> {
  const found = new Map<K, V>();
  const missing: K[] = [];
  for (const key of keys) {
    const value = region.get(key);
    if (value === undefined) missing.push(key);
    else found.set(key, value);
  }
  if (missing.length > 0) {
    const stamp = region.stamp();
    for (const [key, value] of await load(missing)) {
      region.fill(key, value, stamp);
      found.set(key, value);
    }
  }
  return found;
}

/**
 * Runs a write through the API that may change `table`, then clears what the table feeds in this
 * process the moment the write has committed (or failed); other servers follow on the notice.
 */
export async function changing<T>(dataSource: DataSource, table: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    sharedCaches(dataSource).invalidate(table);
  }
}

/**
 * `key`'s value from `region` at once when it holds it, else `load(key)` (a loader's): a cached value
 * does not wait for the loader's next batch, so the reads that follow from it join the batches being
 * formed (a desk's allocation summaries read their children's figures with its progress figures).
 */
export function cachedOr<K, V>(region: CacheRegion<K, V>, key: K, load: (key: K) => Promise<V>): Promise<V> {
  const value = region.get(key);
  return value === undefined ? load(key) : Promise.resolve(value);
}
