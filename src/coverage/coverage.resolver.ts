import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { READ_COST, connectionCost, seriesCost } from '../graphql/limits';
import { FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { prefetchField } from '../graphql/lookahead';
import { coverageService, type Place } from './coverage.service';
import { CoverageConnection, CoverageFigure, CoverageOrder, FacilityStats } from './coverage.types';
import { CoverageMetric } from '../facilities/coverage-metrics';

// A list of nodes (a county's towns) reads every node's coverage, and their ranks, in one go.
prefetchField<Jurisdiction>('Jurisdiction', 'coverage', (ctx, nodes, args, subfields) =>
  coverageService.prefetch(ctx, nodes, args.metric as CoverageMetric, args.asOf as string | null, subfields.has('rank') || subfields.has('rankedAmong')),
);

const placeField = (place: Place | Promise<Place> | null, part: keyof Place) => (place instanceof Promise ? place.then((done) => done[part]) : (place?.[part] ?? null));

@Resolver(() => JurisdictionNode)
export class JurisdictionCoverageResolver {
  @FieldResolver(() => CoverageFigure, {
    complexity: READ_COST,
    description: 'Covered units of all units in the subtree: live (every committed change included), or as of the end of a past day.',
  })
  coverage(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('metric', () => CoverageMetric) metric: CoverageMetric,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'A past day; default today (live).' }) asOf: string | null,
  ) {
    return coverageService.coverage(ctx, node, metric, asOf);
  }

  @FieldResolver(() => CoverageConnection, {
    complexity: connectionCost,
    description: 'The children with their coverage, ranked among themselves; sorted by rate (default best first) or code.',
  })
  childCoverage(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('metric', () => CoverageMetric) metric: CoverageMetric,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'A past day; default today (live).' }) asOf: string | null,
    @Arg('order', () => CoverageOrder, { nullable: true, description: 'Default RATE_DESC.' }) order: CoverageOrder | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return coverageService.childCoverage(ctx, node, metric, { asOf, order, first, after });
  }

  @FieldResolver(() => [CoverageFigure], {
    complexity: seriesCost,
    description: 'Month-end figures from the month of `from` to the month of `to` (at most 120 months; the last point is `to`).',
  })
  coverageTrend(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('metric', () => CoverageMetric) metric: CoverageMetric,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
  ) {
    return coverageService.trend(ctx, node, metric, from, to);
  }

  @FieldResolver(() => FacilityStats, { complexity: READ_COST, description: 'Facilities of the subtree by type and status, and beds in operation (live).' })
  facilityStats(@Ctx() ctx: Context, @Root() node: Jurisdiction) {
    return coverageService.facilityStats(ctx, node);
  }
}

@Resolver(() => CoverageFigure)
export class CoverageResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: 'Place among the siblings by rate (1 = best, equal rates share a place); null for a node whose parent is outside the caller’s subtree.',
  })
  rank(@Ctx() ctx: Context, @Root() figure: CoverageFigure) {
    return placeField(coverageService.rank(ctx, figure), 'rank');
  }

  @FieldResolver(() => Int, { nullable: true, description: 'How many siblings (the node included) the rank is among.' })
  rankedAmong(@Ctx() ctx: Context, @Root() figure: CoverageFigure) {
    return placeField(coverageService.rank(ctx, figure), 'among');
  }
}

@Resolver(() => FacilityStats)
export class FacilityStatsResolver {
  @FieldResolver(() => Int, { description: 'Facilities of this type and status; leave either out to count them all.' })
  count(
    @Root() stats: FacilityStats,
    @Arg('type', () => FacilityType, { nullable: true }) type: FacilityType | null | undefined,
    @Arg('status', () => FacilityStatus, { nullable: true }) status: FacilityStatus | null | undefined,
  ): number {
    return stats.byTypeAndStatus
      .filter((row) => (type == null || row.type === type) && (status == null || row.status === status))
      .reduce((total, row) => total + row.count, 0);
  }
}
