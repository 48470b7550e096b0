import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, FieldResolver, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { READ_COST, connectionCost } from '../graphql/limits';
import { prefetchSelected, selectsBelow } from '../graphql/lookahead';
import type { Page } from '../kernel/pagination';
import { JurisdictionLevel } from '../kernel/division-codes';
import type { Jurisdiction } from './jurisdiction.entity';
import { jurisdictionService } from './jurisdiction.service';
import { DescendantCounts, JurisdictionConnection, JurisdictionNode, JurisdictionRef } from './jurisdiction.types';

// The fields below a node that compare it with its siblings (coverage's rank): a node read alone for
// a query that selects none of them is read without its siblings.
const SIBLING_FIELDS: ReadonlySet<string> = new Set(['rank', 'rankedAmong']);

@Resolver(() => JurisdictionNode)
export class JurisdictionResolver {
  @Query(() => JurisdictionNode, {
    nullable: true,
    description: 'A node of the caller’s subtree by its division code. FORBIDDEN outside the subtree.',
  })
  jurisdiction(@Ctx() ctx: Context, @Arg('code') code: string, @Info() info: GraphQLResolveInfo): Promise<Jurisdiction> {
    return jurisdictionService.get(ctx, code, 'code', selectsBelow(info, SIBLING_FIELDS));
  }

  @Query(() => JurisdictionConnection, {
    complexity: connectionCost,
    description: 'Nodes below `under` (default: the caller’s home), in code order, filtered by level and name.',
  })
  jurisdictions(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true, description: 'Code of the node to list below; default the caller’s home.' })
    under: string | null,
    @Arg('level', () => JurisdictionLevel, { nullable: true }) level: JurisdictionLevel | null,
    @Arg('search', () => String, { nullable: true, description: 'Part of the name, matched literally.' }) search: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    return withPrefetch(ctx, info, jurisdictionService.list(ctx, { under, level, search, first, after }));
  }

  @FieldResolver(() => JurisdictionRef, { nullable: true, description: 'Null for a province.' })
  parent(@Ctx() ctx: Context, @Root() node: Jurisdiction) {
    return jurisdictionService.parent(ctx, node);
  }

  @FieldResolver(() => [JurisdictionRef], { description: 'Every ancestor, province first.' })
  ancestors(@Ctx() ctx: Context, @Root() node: Jurisdiction) {
    return jurisdictionService.ancestors(ctx, node);
  }

  @FieldResolver(() => JurisdictionConnection, { complexity: connectionCost })
  children(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Info() info: GraphQLResolveInfo,
  ) {
    return withPrefetch(ctx, info, jurisdictionService.children(ctx, node, first, after));
  }

  @FieldResolver(() => DescendantCounts, { complexity: READ_COST })
  descendantCounts(@Root() node: Jurisdiction): DescendantCounts {
    return jurisdictionService.descendantCounts(node);
  }
}

/** A page of nodes once the fields selected on them (a coverage figure each, say) are read for the whole page. */
async function withPrefetch(ctx: Context, info: GraphQLResolveInfo, loading: Promise<Page<Jurisdiction>>): Promise<Page<Jurisdiction>> {
  const page = await loading;
  await prefetchSelected(ctx, info, ['edges', 'node'], page.edges.map((edge) => edge.node));
  return page;
}
