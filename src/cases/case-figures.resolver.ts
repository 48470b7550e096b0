import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { READ_COST, connectionCost } from '../graphql/limits';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { caseFiguresService } from './case-figures.service';
import { CaseFigures, CaseFiguresConnection, CaseFiguresOrder } from './case-figures.types';

@Resolver(() => JurisdictionNode)
export class JurisdictionCaseFiguresResolver {
  @FieldResolver(() => CaseFigures, {
    complexity: READ_COST,
    description: 'The open cases filed at the villages of the subtree today, by what they await: counts only.',
  })
  caseFigures(@Ctx() ctx: Context, @Root() node: Jurisdiction) {
    return caseFiguresService.ofNode(ctx, node);
  }

  @FieldResolver(() => CaseFiguresConnection, {
    complexity: connectionCost,
    description: 'The children with their case figures, ranked among themselves (fewest overdue, then fewest open, is 1); most overdue first by default.',
  })
  childCaseFigures(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('order', () => CaseFiguresOrder, { nullable: true, description: 'Default OVERDUE_DESC.' }) order: CaseFiguresOrder | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return caseFiguresService.children(ctx, node, { order, first, after });
  }
}

@Resolver(() => CaseFigures)
export class CaseFiguresResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Place among the siblings (1 = fewest overdue, then fewest open; equal figures share a place); null when the parent is outside the caller’s subtree.',
  })
  async rank(@Ctx() ctx: Context, @Root() figures: CaseFigures) {
    return (await caseFiguresService.place(ctx, figures))?.rank ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'How many siblings (the node included) the rank is among.' })
  async rankedAmong(@Ctx() ctx: Context, @Root() figures: CaseFigures) {
    return (await caseFiguresService.place(ctx, figures))?.among ?? null;
  }
}
