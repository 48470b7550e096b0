import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
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
  const edges = nodes.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  let counted: Promise<number> | number | undefined;
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      counted ??= totalCount();
      return counted;
    },
  };
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
