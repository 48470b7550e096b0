import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { codeReached } from '../access/scope';
import { cacheRegion } from '../db/cache-registry';
import { cachedOr, sharedCaches, throughCache } from '../db/shared-cache';
import { insideTransaction } from '../db/transaction';
import { loader, type Context } from '../kernel/context';
import { asInstance } from '../graphql/roots';
import { parentCodeOf, type JurisdictionLevel } from '../kernel/division-codes';
import { COVERAGE_KEY_PREFIX, figuresToKeep, liveFigures } from '../rollups/live-figures';
import type { Jurisdiction } from './jurisdiction.entity';
import { jurisdictionRepository } from './jurisdiction.repository';
import { JurisdictionNode } from './jurisdiction.types';

// The tree changes only when divisions are imported: nodes and children lists are kept across
// requests (db/shared-cache.ts), and shared, so frozen.

const nodesById = (dataSource: DataSource) => cacheRegion<number, Jurisdiction>(dataSource, 'jurisdiction-by-id');
const nodesByCode = (dataSource: DataSource) => cacheRegion<string, Jurisdiction>(dataSource, 'jurisdiction-by-code');
const childLists = (dataSource: DataSource) =>
  cacheRegion<number, readonly Jurisdiction[]>(dataSource, 'jurisdiction-children');

// Instances of the GraphQL type, which its field resolvers take as they are (graphql/roots.ts).
export const frozenNodes = (rows: Jurisdiction[]) => rows.map((row) => Object.freeze(asInstance(JurisdictionNode, row)));

export function jurisdictionByIdLoader(ctx: Context): DataLoader<number, Jurisdiction | null> {
  return new DataLoader(async (ids) => {
    const byId = await throughCache(nodesById(ctx.dataSource), ids, async (missing) => {
      const rows = frozenNodes(await jurisdictionRepository.byIds(ctx.db, missing));
      return new Map(rows.map((row) => [row.id, row]));
    });
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Nodes by code; one asked for alone is read with its figures and, for its rank, its siblings'. */
export const jurisdictionByCodeLoader = (ctx: Context) => byCodeLoader(ctx, true);

/** Nodes by code; one asked for alone is read with its figures only, for a query that ranks nothing. */
export const jurisdictionAloneByCodeLoader = (ctx: Context) => byCodeLoader(ctx, false);

function byCodeLoader(ctx: Context, withSiblings: boolean): DataLoader<string, Jurisdiction | null> {
  return new DataLoader(async (codes) => {
    const byCode = await throughCache(nodesByCode(ctx.dataSource), codes, async (missing) => {
      // Where nothing read is kept (inside a transaction, or while the caches are bypassed): the node alone.
      if (missing.length === 1 && sharedCaches(ctx.dataSource).trusted && !insideTransaction()) return withFigures(ctx, missing[0], withSiblings);
      const rows = frozenNodes(await jurisdictionRepository.byCodes(ctx.db, missing));
      return new Map(rows.map((row) => [row.code, row]));
    });
    return codes.map((code) => byCode.get(code) ?? null);
  });
}

/**
 * One node asked for alone (a page about one node) is read with all of today's figures and, when its
 * rank is wanted and the caller can see its parent, with its siblings and their coverage, in one
 * statement: its coverage, facility figures and rank among its siblings then come from the caches.
 * Keeps the siblings as the parent's children and everyone's figures, unless a notice cleared those
 * regions during the read.
 */
async function withFigures(ctx: Context, code: string, withSiblings: boolean): Promise<Map<string, Jurisdiction>> {
  const parentCode = parentCodeOf(code);
  const siblings = withSiblings && parentCode !== null && ctx.actor !== null && codeReached(ctx.actor, parentCode);
  const lists = childLists(ctx.dataSource);
  const kept = liveFigures(ctx.dataSource);
  const stamps = { list: lists.stamp(), figures: kept.stamp() };
  const rows = await jurisdictionRepository.withFigures(ctx.db, code, siblings, COVERAGE_KEY_PREFIX);
  const family: Jurisdiction[] = [];
  for (const { figures, ...node } of rows) {
    family.push(node);
    kept.fill(node.id, figuresToKeep(figures, node.code === code, kept.peek(node.id)), stamps.figures);
  }
  const nodes = frozenNodes(family);
  const asked = nodes.find((node) => node.code === code);
  if (!asked) return new Map();
  if (siblings) lists.fill(asked.parentId!, nodes, stamps.list);
  return new Map([[code, asked]]);
}

const descendantLists = (dataSource: DataSource) =>
  cacheRegion<string, readonly Jurisdiction[]>(dataSource, 'jurisdiction-descendants');

/** Every strict descendant of `code` at `level` in code order (at most `limit`), kept across requests like the children lists. */
export async function descendantsAtLevel(ctx: Context, code: string, level: JurisdictionLevel, limit: number): Promise<readonly Jurisdiction[]> {
  const key = `${code}|${level}|${limit}`;
  const found = await throughCache(descendantLists(ctx.dataSource), [key], async () =>
    new Map([[key, frozenNodes(await jurisdictionRepository.descendantsAt(ctx.db, code, level, limit))]]),
  );
  return found.get(key)!;
}

/** A node's children: at once from the server's cache, else through allChildrenLoader. */
export function childrenOf(ctx: Context, parentId: number): Promise<readonly Jurisdiction[]> {
  return cachedOr(childLists(ctx.dataSource), parentId, (id) => loader(ctx, allChildrenLoader).load(id));
}

/** All children of many parents in one statement (siblings to rank, children to compare). */
export function allChildrenLoader(ctx: Context): DataLoader<number, readonly Jurisdiction[]> {
  return new DataLoader(async (parentIds) => {
    const byParent = await throughCache(childLists(ctx.dataSource), parentIds, async (missing) => {
      const rows = frozenNodes(await jurisdictionRepository.allChildrenOf(ctx.db, missing));
      const lists = new Map<number, Jurisdiction[]>(missing.map((id) => [id, []]));
      for (const row of rows) lists.get(row.parentId!)?.push(row);
      return lists;
    });
    return parentIds.map((id) => byParent.get(id) ?? []);
  });
}

export interface ChildrenKey {
  parentId: number;
  afterCode: string | null;
  /** Rows to fetch: the page size plus one, to know whether another page follows. */
  limit: number;
}

const childrenKey = (key: ChildrenKey) => `${key.parentId}|${key.afterCode ?? ''}|${key.limit}`;

/**
 * Pages of children for many parents at once: cut from a cached list of all the children, or one
 * statement per distinct (after, limit) in a batch. A first page that holds every child is that list.
 */
export function childrenLoader(ctx: Context): DataLoader<ChildrenKey, readonly Jurisdiction[], string> {
  return new DataLoader(
    async (keys) => {
      const lists = childLists(ctx.dataSource);
      const pages = new Map<string, readonly Jurisdiction[]>();
      const groups = new Map<string, ChildrenKey[]>();
      for (const key of keys) {
        const list = lists.get(key.parentId);
        if (list) {
          const start = key.afterCode === null ? 0 : list.findIndex((child) => child.code > key.afterCode!);
          pages.set(childrenKey(key), start < 0 ? [] : list.slice(start, start + key.limit));
          continue;
        }
        const group = `${key.afterCode ?? ''}|${key.limit}`;
        const members = groups.get(group);
        if (members) members.push(key);
        else groups.set(group, [key]);
      }
      for (const group of groups.values()) {
        const { afterCode, limit } = group[0];
        const stamp = lists.stamp();
        const rows = frozenNodes(await jurisdictionRepository.childrenOf(ctx.db, group.map((key) => key.parentId), afterCode, limit));
        const byParent = new Map<number, Jurisdiction[]>(group.map((key) => [key.parentId, []]));
        for (const row of rows) byParent.get(row.parentId!)!.push(row);
        for (const key of group) {
          const page = byParent.get(key.parentId)!;
          pages.set(childrenKey(key), page);
          if (afterCode === null && page.length < limit) lists.fill(key.parentId, page, stamp);
        }
      }
      return keys.map((key) => pages.get(childrenKey(key)) ?? []);
    },
    { cacheKeyFn: childrenKey },
  );
}
