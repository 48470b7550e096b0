import type { DataSource, EntityManager } from 'typeorm';
import { CACHE_CHANNEL, sharedCaches, type CacheRegion } from './shared-cache';

/** A process cache region: the tables whose change notices clear it, and how many entries it keeps. */
export interface RegionSpec {
  readonly tables: readonly string[];
  readonly capacity: number;
}

/**
 * Every cache region of the server, in one place. A region is cleared by the notices of the tables it
 * watches; each of those tables has a trigger that sends them (`notify_cache_change`, or
 * `notify_figure_change` naming the nodes whose figures changed) — test/db/cache-registry.test.ts
 * compares this list with the triggers of the migrated database, both ways. Adding a cached figure:
 * add its region here, the notice trigger in a migration, and read it through `cacheRegion`.
 */
export const CACHE_REGIONS = {
  // The division tree: nodes by id and by code, child lists, descendants at a level.
  'jurisdiction-by-id': { tables: ['jurisdiction'], capacity: 100_000 },
  'jurisdiction-by-code': { tables: ['jurisdiction'], capacity: 100_000 },
  'jurisdiction-children': { tables: ['jurisdiction'], capacity: 20_000 },
  'jurisdiction-descendants': { tables: ['jurisdiction'], capacity: 2_000 },
  // Who the holder of a token is (their account and home node).
  actors: { tables: ['app_user', 'jurisdiction'], capacity: 10_000 },
  // Today's stored figures of a node (coverage, facility counts, beds, people counts).
  'live-figures': { tables: ['rollup_value'], capacity: 20_000 },
  // Entitlement runs' totals per node, and per scheme.
  'subsidy-totals': { tables: ['entitlement_total', 'subsidy_scheme', 'jurisdiction'], capacity: 20_000 },
  'subsidy-totals-by-scheme': { tables: ['entitlement_total', 'subsidy_scheme', 'jurisdiction'], capacity: 2_000 },
  // Targets, their allocations, pages and counts.
  'targets-by-id': { tables: ['target', 'target_phase_span'], capacity: 20_000 },
  'target-allocations': { tables: ['target', 'target_phase_span'], capacity: 5_000 },
  'target-pages': { tables: ['target', 'target_phase_span'], capacity: 5_000 },
  'target-counts': { tables: ['target', 'target_phase_span'], capacity: 5_000 },
  // The overdue supervision items of a subtree.
  'overdue-supervision-items': { tables: ['supervision_item', 'jurisdiction'], capacity: 5_000 },
  // The working-day arrangements entered along a node's path (calendar/calendar.cache.ts).
  'working-calendars': { tables: ['working_calendar_year', 'jurisdiction'], capacity: 20_000 },
  // A node's elderly population of a year, recorded or summed from its children (coverage/population.loaders.ts).
  'elderly-population': { tables: ['elderly_population', 'jurisdiction'], capacity: 20_000 },
  // The review procedure in force at a node on a day (its own or its nearest ancestor's).
  'review-procedures': { tables: ['review_procedure', 'jurisdiction'], capacity: 20_000 },
} as const satisfies Record<string, RegionSpec>;

export type RegionName = keyof typeof CACHE_REGIONS;

/** Every table some region watches. */
export const CACHED_TABLES: readonly string[] = [...new Set(Object.values(CACHE_REGIONS).flatMap((spec) => spec.tables))].sort();

/** The region `name` of the caches of `dataSource`'s database in this process. */
export function cacheRegion<K, V>(dataSource: DataSource, name: RegionName): CacheRegion<K, V> {
  const spec: RegionSpec = CACHE_REGIONS[name];
  return sharedCaches(dataSource).region<K, V>(name, spec.tables, spec.capacity);
}

// pg_trigger.tgtype bits: the events a trigger fires on.
const EVENTS = { INSERT: 4, DELETE: 8, UPDATE: 16, TRUNCATE: 32 } as const;

/**
 * Where the registry and the database disagree: a watched table whose notice triggers miss an event
 * (a change the caches would never hear of), or a table that sends notices no region watches. The
 * notice triggers are those whose function sends on the cache channel.
 */
export async function registryProblems(db: EntityManager, regions: Record<string, RegionSpec> = CACHE_REGIONS): Promise<string[]> {
  const rows: { table: string; events: number }[] = await db.query(
    `SELECT c.relname AS "table", bit_or(t.tgtype)::int AS events
     FROM pg_trigger t
     JOIN pg_class c ON c.oid = t.tgrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = current_schema()
     JOIN pg_proc p ON p.oid = t.tgfoid
     WHERE NOT t.tgisinternal AND p.prosrc LIKE '%' || $1 || '%'
     GROUP BY c.relname`,
    [CACHE_CHANNEL],
  );
  const noticed = new Map(rows.map((row) => [row.table, row.events]));
  const watched = new Set(Object.values(regions).flatMap((spec) => spec.tables));
  const problems: string[] = [];
  for (const table of [...watched].sort()) {
    const events = noticed.get(table) ?? 0;
    const missing = Object.entries(EVENTS).filter(([, bit]) => (events & bit) === 0).map(([event]) => event);
    if (missing.length > 0) problems.push(`${table} is watched by a cache region but sends no notice on ${missing.join(', ')}`);
  }
  for (const table of [...noticed.keys()].sort()) {
    if (!watched.has(table)) problems.push(`${table} sends cache notices but no region watches it`);
  }
  return problems;
}
