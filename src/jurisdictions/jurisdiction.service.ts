import { requireActor, requireCodes } from '../access/scope';
import { loader, type Context } from '../kernel/context';
import { BadUserInputError, LimitExceededError, NotFoundError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { JurisdictionLevel, LEVELS, levelOfCode, pathOfCode } from '../kernel/division-codes';
import type { Jurisdiction } from './jurisdiction.entity';
import {
  allChildrenLoader,
  childrenLoader,
  childrenOf,
  descendantsAtLevel,
  jurisdictionAloneByCodeLoader,
  jurisdictionByCodeLoader,
  jurisdictionByIdLoader,
} from './jurisdiction.loaders';
import { jurisdictionRepository } from './jurisdiction.repository';
import type { DescendantCounts, JurisdictionRef } from './jurisdiction.types';
import { text } from '../kernel/messages';

export interface JurisdictionListArgs {
  under?: string | null;
  level?: JurisdictionLevel | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

const isCode = (key: string) => levelOfCode(key) !== null;

/** A division code from the client, or BAD_USER_INPUT naming the argument. */
export function parseCode(code: string, field: string): string {
  const trimmed = code.trim();
  if (levelOfCode(trimmed) === null) {
    throw new BadUserInputError(field, 'must be a division code of 2, 4, 6, 9 or 12 digits');
  }
  return trimmed;
}

function ref(node: Jurisdiction): JurisdictionRef {
  return { code: node.code, name: node.name, level: node.level };
}

export const jurisdictionService = {
  /**
   * The node with this code in the caller's subtree; FORBIDDEN outside it whether or not it exists.
   * `siblings: false` says that nothing will rank it among its siblings, which a node read alone then
   * is read without.
   */
  async get(ctx: Context, rawCode: string, field = 'code', siblings = true): Promise<Jurisdiction> {
    const code = parseCode(rawCode, field);
    requireCodes(ctx, [code]);
    // Inside the subtree a code may name no node: that much the caller may learn.
    const node = await loader(ctx, siblings ? jurisdictionByCodeLoader : jurisdictionAloneByCodeLoader).load(code);
    if (!node) throw new NotFoundError(text('JURISDICTION', { code }));
    return node;
  },

  /** Nodes below `under` (default: the caller's home), filtered by level and name, in code order. */
  async list(ctx: Context, args: JurisdictionListArgs): Promise<Page<Jurisdiction>> {
    const under = args.under ? await this.get(ctx, args.under, 'under') : await this.home(ctx);
    const first = pageSize(args.first);
    const afterCode = decodeCursor(args.after, isCode);
    const search = args.search?.trim() || null;
    if (search !== null && search.length > 50) throw new BadUserInputError('search', 'must be at most 50 characters');
    const filter = { underCode: under.code, level: args.level ?? null, nameContains: search };
    const rows = await jurisdictionRepository.search(ctx.db, filter, afterCode, first + 1);
    return toPage(rows, first, (row) => row.code, () =>
      search === null ? countBelow(under, filter.level ?? 'ALL') : jurisdictionRepository.count(ctx.db, filter),
    );
  },

  /** The caller's home jurisdiction. */
  async home(ctx: Context): Promise<Jurisdiction> {
    const actor = requireActor(ctx);
    const node = await loader(ctx, jurisdictionByIdLoader).load(actor.jurisdictionId);
    if (!node) throw new NotFoundError(text('JURISDICTION', { code: actor.jurisdictionCode }));
    return node;
  },

  /** The node with this code wherever it lies, for facts that may point outside the caller's subtree (a person's 户籍). */
  async byCodeAnywhere(ctx: Context, code: string): Promise<Jurisdiction | null> {
    return loader(ctx, jurisdictionByCodeLoader).load(code);
  },

  /** The nodes with these codes wherever they lie, in one batch; codes that name no node are missing from the map. */
  async byCodesAnywhere(ctx: Context, codes: readonly string[]): Promise<Map<string, Jurisdiction>> {
    const found = new Map<string, Jurisdiction>();
    for (const node of await loader(ctx, jurisdictionByCodeLoader).loadMany(codes)) {
      // A failed lookup must not pass for an unknown code.
      if (node instanceof Error) throw node;
      if (node) found.set(node.code, node);
    }
    return found;
  },

  async byId(ctx: Context, id: number): Promise<Jurisdiction | null> {
    return loader(ctx, jurisdictionByIdLoader).load(id);
  },

  /** A page of the node's children in code order (batched across sibling nodes of a list). */
  async children(ctx: Context, node: Jurisdiction, first?: number | null, after?: string | null): Promise<Page<Jurisdiction>> {
    const size = pageSize(first);
    const afterCode = decodeCursor(after, isCode);
    const rows = await loader(ctx, childrenLoader).load({ parentId: node.id, afterCode, limit: size + 1 });
    // A first page that holds every child is the whole list: ranking them needs no second read.
    if (afterCode === null && rows.length <= size) loader(ctx, allChildrenLoader).prime(node.id, rows);
    return toPage(rows, size, (row) => row.code, () => countBelow(node, childLevel(node.level)));
  },

  /**
   * Every descendant of the node at `level` in code order, unpaged (a board of a province's counties);
   * the node's children when `level` is the next level down. LIMIT_EXCEEDED beyond `max` nodes.
   */
  async descendantsAt(ctx: Context, node: Jurisdiction, level: JurisdictionLevel, max: number, field = 'level'): Promise<readonly Jurisdiction[]> {
    if (LEVELS.indexOf(level) <= LEVELS.indexOf(node.level)) throw new BadUserInputError(field, `must be a level below ${node.level}`);
    if (level === childLevel(node.level)) return jurisdictionService.allChildren(ctx, node.id);
    const count = countBelow(node, level);
    if (count > max) throw new LimitExceededError(`${field}: ${node.name} has ${count} nodes at ${level}; at most ${max} are listed at once`, { field });
    return descendantsAtLevel(ctx, node.code, level, max);
  },

  /** Every child of the node in code order, unpaged (batched across nodes); for ranking and comparing siblings. */
  async allChildren(ctx: Context, nodeId: number): Promise<readonly Jurisdiction[]> {
    return childrenOf(ctx, nodeId);
  },

  async parent(ctx: Context, node: Jurisdiction): Promise<JurisdictionRef | null> {
    if (node.parentId === null) return null;
    const parent = await loader(ctx, jurisdictionByIdLoader).load(node.parentId);
    return parent && ref(parent);
  },

  /** Every ancestor, province first: a breadcrumb of code, name and level. */
  async ancestors(ctx: Context, node: Jurisdiction): Promise<JurisdictionRef[]> {
    const codes = pathOfCode(node.code).slice(0, -1);
    const nodes = await loader(ctx, jurisdictionByCodeLoader).loadMany(codes);
    return nodes.filter((n): n is Jurisdiction => n !== null && !(n instanceof Error)).map(ref);
  },

  /** The node and every ancestor, province first (ancestors may lie above the caller's home: policies set there apply below). */
  async lineage(ctx: Context, node: Jurisdiction): Promise<Jurisdiction[]> {
    const nodes = await loader(ctx, jurisdictionByCodeLoader).loadMany(pathOfCode(node.code));
    return nodes.filter((n): n is Jurisdiction => n !== null && !(n instanceof Error));
  },

  descendantCounts(node: Jurisdiction): DescendantCounts {
    return {
      cities: node.cityCount,
      counties: node.countyCount,
      towns: node.townCount,
      villages: node.villageCount,
      total: node.cityCount + node.countyCount + node.townCount + node.villageCount,
    };
  },
};

// Every child sits exactly one level down, so a node's children are its descendants of that level.
function childLevel(level: JurisdictionLevel): JurisdictionLevel | null {
  return LEVELS[LEVELS.indexOf(level) + 1] ?? null;
}

function countBelow(node: Jurisdiction, level: JurisdictionLevel | null | 'ALL'): number {
  const counts = jurisdictionService.descendantCounts(node);
  switch (level) {
    case 'ALL':
      return counts.total;
    case null:
    case JurisdictionLevel.PROVINCE:
      return 0;
    case JurisdictionLevel.CITY:
      return counts.cities;
    case JurisdictionLevel.COUNTY:
      return counts.counties;
    case JurisdictionLevel.TOWN:
      return counts.towns;
    case JurisdictionLevel.VILLAGE:
      return counts.villages;
  }
}
