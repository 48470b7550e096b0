import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { config } from '../config';
import { BadUserInputError } from './errors';
import { text } from './messages';

export const DEFAULT_PAGE_SIZE = 20;

@ObjectType({ simpleResolvers: true, description: 'Where a page ends; pass endCursor as `after` for the next page.' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The sort key inside a cursor, or BAD_USER_INPUT naming the argument. */
export function decodeCursor(cursor: string | null | undefined, valid: (key: string) => boolean, field = 'after'): string | null {
  if (cursor === null || cursor === undefined) return null;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!valid(key) || encodeCursor(key) !== cursor) throw new BadUserInputError(field, text('NOT_A_CURSOR'));
  return key;
}

/** A validated page size: 1 to the configured cap (MAX_PAGE_SIZE). */
export function pageSize(first: number | null | undefined, field = 'first'): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  const max = config().maxPageSize;
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadUserInputError(field, text('PAGE_SIZE', { max }));
  }
  return first;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: number | Promise<number>;
}

/** A page from rows fetched with LIMIT first + 1; `totalCount` is computed only when asked for. */
export function toPage<T>(rows: readonly T[], first: number, keyOf: (row: T) => string, totalCount: () => Promise<number> | number): Page<T> {
  const nodes = rows.slice(0, first);
  return pageOf(
    nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node })),
    rows.length > first,
    totalCount,
  );
}

function pageOf<T>(edges: Page<T>['edges'], hasNextPage: boolean, totalCount: () => Promise<number> | number): Page<T> {
  let counted: Promise<number> | number | undefined;
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      counted ??= totalCount();
      return counted;
    },
  };
}

/**
 * The arguments every list takes, as a page: how many, and after which cursor. An `@ArgsType` for
 * lists whose filters are an argument class (extend it), and the type a list's service takes.
 */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

/** What a list's cursors hold: which keys are valid, and the key as its search takes it. */
export interface CursorKey<K> {
  valid: (key: string) => boolean;
  parse: (key: string) => K;
}

/** A record id (a positive 32-bit serial) as the key. */
export const ID_KEY: CursorKey<number> = { valid: (key) => /^[1-9]\d{0,9}$/.test(key), parse: Number };

/** A position in the list (the count of rows up to the cursor) as the key, for a list ordered by more than a key. */
export const POSITION_KEY: CursorKey<number> = { valid: (key) => /^[1-9]\d{0,6}$/.test(key), parse: Number };

/** Text as the key (a division code, a username), valid as `valid` says. */
export const textKey = (valid: (key: string) => boolean): CursorKey<string> => ({ valid, parse: (key) => key });

export interface KeysetList<R, K, N> {
  key: CursorKey<K>;
  /** Up to `limit` rows after the key (from the start without one), in the list's order. */
  search: (after: K | null, limit: number) => Promise<readonly R[]>;
  /** Every match; called only when `totalCount` is asked for and the page does not already hold them all. */
  count: () => Promise<number> | number;
  /** The cursor of a row: its key, or for a position key `String(position)` (`after` is the position before the page). */
  cursorOf: (row: R, index: number, after: K | null) => string;
  /** The nodes the page shows for its rows, in order (default the rows themselves). */
  nodes?: (rows: readonly R[]) => Promise<N[]> | N[];
}

/**
 * The one page of a list: validates `first` and `after`, searches one row more than the page to know
 * whether another follows, and counts every match only when `totalCount` is asked for (a first page
 * with room to spare holds them all: its length is the count).
 */
export async function keysetPage<R, K, N = R>(args: PageArgs, list: KeysetList<R, K, N>): Promise<Page<N>> {
  const first = pageSize(args.first);
  const raw = decodeCursor(args.after, list.key.valid);
  const after = raw === null ? null : list.key.parse(raw);
  const rows = await list.search(after, first + 1);
  const shown = rows.slice(0, first);
  const nodes = list.nodes ? await list.nodes(shown) : (shown as unknown as N[]);
  const edges = nodes.map((node, i) => ({ cursor: encodeCursor(list.cursorOf(shown[i], i, after)), node }));
  const complete = after === null && rows.length <= first;
  return pageOf(edges, rows.length > first, () => (complete ? rows.length : list.count()));
}

/** The Edge and Connection object types for a node type (Relay cursor connections). */
export function connectionTypes<T extends object>(NodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field({ description: 'Opaque; pass as `after` to continue after this node.' })
    cursor: string;

    @Field(() => NodeType)
    node: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class Connection {
    // Counted only when asked for: the page holds a promise until then, so the field keeps a resolver.
    @Field(() => Int, { simple: false, description: 'All matches, not only this page.' })
    totalCount: number;

    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }

  return { Edge, Connection };
}
