import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { logger } from '../config/logger';
import { insideTransaction } from './transaction';

/**
 * Process-wide caches of what is read by nearly every request: the division tree, who the holder of
 * a token is, today's figures of the nodes asked for. PostgreSQL keeps them true: a trigger on each
 * cached table sends `NOTIFY yiyang_cache, '<table>'` when a statement changes it (delivered on
 * commit, and only then), and the server LISTENs on a connection of its own and clears what the
 * table feeds. A table changed a few rows at a time names the nodes whose rows changed instead
 * (`'<table>:<id>,<id>,…'`): then only those nodes' entries are forgotten.
 *
 * - A cache is trusted only while that connection listens: before it is up, after it drops (until it
 *   is back, when everything is cleared since notices may have been missed), and in processes that
 *   never listen (the CLI), every read goes to the database.
 * - A read that began before a clear cannot fill the cache afterwards (`stamp` / `fill`), so a row
 *   read just before another transaction's commit is never kept past that commit's notice.
 * - A write made through the API answers only once its own server has heard the notices of what it
 *   changed (`mutation`, audit/mutation.ts, calls `sync`), so that the server never answers from the
 *   old value afterwards; other
 *   servers follow as their notices arrive.
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

  delete(key: K): void {
    this.map.delete(key);
  }

  clear(): void {
    this.map.clear();
  }

  get size(): number {
    return this.map.size;
  }
}

export class CacheRegion<K, V> {
  private readonly entries: Lru<K, V>;
  private generation = 0;
  /** Lookups answered from the region, and those that went to the database (the region untrusted included). */
  hits = 0;
  misses = 0;

  constructor(
    private readonly owner: SharedCaches,
    /** The tables whose changes clear this region. */
    readonly tables: readonly string[],
    capacity: number,
  ) {
    this.entries = new Lru(capacity);
  }

  /** The value kept for `key`, counted as a hit or a miss. */
  get(key: K): V | undefined {
    const value = this.peek(key);
    this.count(value !== undefined);
    return value;
  }

  /** The value kept for `key`, not counted: what a fresh read merges in, or a lookup `count` then decides. */
  peek(key: K): V | undefined {
    return this.owner.trusted ? this.entries.get(key) : undefined;
  }

  /** Counts one lookup, for an entry that holds several values and answers some of them only. */
  count(hit: boolean): void {
    if (hit) this.hits += 1;
    else this.misses += 1;
  }

  /** Entries kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** Taken before reading the database; `fill` keeps the value only if nothing was cleared since. */
  stamp(): number {
    return this.generation;
  }

  /** Keeps `value` read since `stamp`; never one read inside a transaction, which may yet roll back. */
  fill(key: K, value: V, stamp: number): void {
    if (this.owner.trusted && stamp === this.generation && !insideTransaction()) this.entries.set(key, value);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Forgets the entries of `keys`; a read in progress fills nothing, as after a clear. */
  forget(keys: readonly K[]): void {
    this.generation += 1;
    for (const key of keys) this.entries.delete(key);
  }
}

// Notices are counted by the table they name; a name that is not a table's, or past this many tables, as `other`.
const NOTICE_TABLE = /^[a-z_][a-z0-9_]{0,62}$/;
const NOTICE_TABLES_COUNTED = 64;

export class SharedCaches {
  /** Whether the listening connection is up, so that every committed change will be heard of. */
  trusted = false;
  private readonly regions = new Map<string, CacheRegion<unknown, unknown>>();
  /** Notices received on the listening connection, by the table they name (`all` for one that names none). */
  readonly noticesByTable = new Map<string, number>();
  private listener: Client | null = null;
  /** The sync query in flight (or answered), and the one waiting to be sent after it. */
  private lastSync: Promise<void> = Promise.resolve();
  private nextSync: Promise<void> | null = null;

  /** The region `name`, cleared by changes to `tables`; made on first use. */
  region<K, V>(name: string, tables: readonly string[], capacity: number): CacheRegion<K, V> {
    let region = this.regions.get(name);
    if (!region) {
      region = new CacheRegion<unknown, unknown>(this, tables, capacity);
      this.regions.set(name, region);
    }
    return region as CacheRegion<K, V>;
  }

  /** The regions made so far, by name. */
  regionsByName(): ReadonlyMap<string, CacheRegion<unknown, unknown>> {
    return this.regions;
  }

  /** Clears every region fed by `table` (every region when null), or only the entries of `keys` in them. */
  invalidate(table: string | null, keys?: readonly unknown[]): void {
    for (const region of this.regions.values()) {
      if (table !== null && !region.tables.includes(table)) continue;
      if (keys && table !== null) region.forget(keys);
      else region.clear();
    }
  }

  /** Acts on a notice: `<table>` clears what the table feeds, `<table>:<id>,<id>,…` those nodes' entries. */
  heard(payload: string): void {
    const colon = payload.indexOf(':');
    if (colon < 0) return this.invalidate(payload);
    const ids = payload.slice(colon + 1).split(',').map(Number);
    if (ids.every(Number.isSafeInteger)) this.invalidate(payload.slice(0, colon), ids);
    else this.invalidate(payload.slice(0, colon));
  }

  private countNotice(payload: string | undefined): void {
    const table = payload ? payload.split(':', 1)[0] : 'all';
    const known = this.noticesByTable.has(table) || (NOTICE_TABLE.test(table) && this.noticesByTable.size < NOTICE_TABLES_COUNTED);
    const label = known || table === 'all' ? table : 'other';
    this.noticesByTable.set(label, (this.noticesByTable.get(label) ?? 0) + 1);
  }

  /**
   * Resolves once every notice of a transaction committed before the call has been heard: the
   * listening connection answers a query only after delivering the notices queued before it. When
   * that connection fails meanwhile, the caches are already bypassed and cleared (`listen`).
   */
  sync(): Promise<void> {
    // One query at a time on the listening connection (a client runs its queries one by one): calls
    // made while one is in flight share the next, sent once it has answered, which is after their call.
    if (!this.nextSync) {
      const next = this.lastSync.then(() => {
        if (this.nextSync === next) this.nextSync = null;
        return this.listener?.query('SELECT 1').then(
          () => undefined,
          () => undefined,
        );
      });
      this.nextSync = next;
      this.lastSync = next;
    }
    return this.nextSync;
  }

  /** Listens on a connection of its own until `stop`; retries every second while it cannot. */
  async listen(dataSource: DataSource): Promise<{ stop(): Promise<void> }> {
    const { url } = dataSource.options as { url?: string };
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;

    const connect = async (): Promise<void> => {
      const client = new Client({ connectionString: url, application_name: 'yiyang-cache-listener' });
      client.on('notification', (message) => {
        if (message.channel === CACHE_CHANNEL) {
          this.countNotice(message.payload);
          if (message.payload) this.heard(message.payload);
          else this.invalidate(null);
        }
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
 * `key`'s value from `region` at once when it holds it, else `load(key)` (a loader's): a cached value
 * does not wait for the loader's next batch, so the reads that follow from it join the batches being
 * formed (a desk's allocation summaries read their children's figures with its progress figures).
 */
export function cachedOr<K, V>(region: CacheRegion<K, V>, key: K, load: (key: K) => Promise<V>): Promise<V> {
  const value = region.get(key);
  return value === undefined ? load(key) : Promise.resolve(value);
}
