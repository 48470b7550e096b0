import type { EntityManager } from 'typeorm';
import { actingRole } from '../access/actor';
import { Capability } from '../kernel/actor';
import { codeReached, requireActor, requireCapability, requireCodes } from '../access/scope';
import { loader, type Context } from '../kernel/context';
import { monthEnd, nextMonthStart, pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { asInstance } from '../graphql/roots';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { parentCodeOf } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import { figureFamilyLoader, figureKey, figureLoader, readFigures, type ObservedValue } from './coverage.loaders';
import { CoverageFigure, CoverageOrder, type FacilityCount, type FacilityStats } from './coverage.types';
import {
  BED_KEYS,
  COVERAGE_DEFINITIONS,
  coveredKey,
  currentFigures,
  metricsFor,
  unitCount,
  type CoverageMetric,
  type FacilityDayState,
} from '../facilities/coverage-metrics';
import { rollupRepository, type DatedDelta, type FigureDelta, type NodeValue, type UnitDatedDelta } from '../rollups/rollup.repository';
import { coverageFlips, flipDifference, type FacilityHistoryEntry } from '../facilities/coverage-timeline';

export const MAX_TREND_MONTHS = 120;

const rateOf = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

// a/b against c/d without floating point; a figure without units sorts after every figure with units.
function compareRates(a: CoverageFigure, b: CoverageFigure): number {
  if (a.denominator === 0 || b.denominator === 0) return (a.denominator === 0 ? 1 : 0) - (b.denominator === 0 ? 1 : 0);
  return b.numerator * a.denominator - a.numerator * b.denominator;
}

// A past day, or null for today's live figures.
function checkAsOf(asOf: string | null | undefined): string | null {
  if (asOf === null || asOf === undefined) return null;
  return pastDay(asOf, 'asOf') === todayInChina() ? null : asOf;
}

export const coverageService = {
  /** Dated figures (the people counts), of many nodes at the end of `day`, in one statement (callers check access). */
  async datedValues(db: EntityManager, nodeIds: readonly number[], keys: readonly string[], day: string): Promise<NodeValue[]> {
    return rollupRepository.valuesAsOfByPeriods(db, nodeIds, keys, day);
  },

  /** A node's coverage today or at the end of `asOf`: at once when a list read it ahead (`prefetch`). */
  coverage(ctx: Context, node: Jurisdiction, metric: CoverageMetric, asOf?: string | null): CoverageFigure | Promise<CoverageFigure> {
    requireReadable(ctx, node);
    const day = checkAsOf(asOf);
    const key = coveredKey(metric);
    const read = loader(ctx, readFigures).get(figureKey(node.id, key, day));
    if (read) return figureOf(node, metric, read, day);
    return loader(ctx, figureLoader)
      .load({ nodeIds: [node.id], key, asOf: day })
      .then(([value]) => figureOf(node, metric, value, day));
  },

  /**
   * The node's place among its siblings by rate (1 = best; equal rates share a place), or null when
   * the caller cannot see the siblings; at once when a list ranked them ahead (`prefetch`).
   */
  rank(ctx: Context, figure: CoverageFigure): Place | Promise<Place> | null {
    const node = figure.jurisdiction;
    const parentCode = parentCodeOf(node.code);
    if (node.parentId === null || parentCode === null || !codeReached(requireActor(ctx), parentCode)) return null;
    const key = rankingKey(node.parentId, figure.metric, figure.live ? null : figure.asOf);
    const ranked = loader(ctx, readRankings).get(key);
    if (ranked) return placeIn(ranked, node.id);
    // Every sibling of a listed node asks for the same ranking: rank them all once per request.
    const rankings = loader(ctx, siblingRankings);
    let ranking = rankings.get(key);
    if (!ranking) {
      ranking = rankSiblings(ctx, node.parentId, figure.metric, figure.live ? null : figure.asOf);
      rankings.set(key, ranking);
    }
    return ranking.then((done) => placeIn(done, node.id));
  },

  /**
   * Reads ahead, for a list of nodes about to be resolved, the coverage each will be asked for, and
   * with `ranked` their rankings among their siblings: one statement for the whole list (and its
   * other metrics), after which every node's figure and rank answer at once. Skips what the caller
   * may not read; the fields check again and refuse it.
   */
  async prefetch(ctx: Context, nodes: readonly Jurisdiction[], metric: CoverageMetric, asOf: string | null | undefined, ranked: boolean): Promise<void> {
    const actor = ctx.actor;
    if (!actor || !actingRole(actor, Capability.READ_COVERAGE) || !(metric in COVERAGE_DEFINITIONS)) return;
    const day = checkAsOf(asOf);
    const readable = nodes.filter((node) => codeReached(actor, node.code));
    const parents = ranked
      ? [...new Set(readable.filter((node) => node.parentId !== null && codeReached(actor, parentCodeOf(node.code) ?? '')).map((node) => node.parentId!))]
      : [];
    const siblings = await Promise.all(parents.map((parentId) => jurisdictionService.allChildren(ctx, parentId)));
    const toRead = new Map<number, Jurisdiction>(readable.map((node) => [node.id, node]));
    for (const list of siblings) for (const node of list) toRead.set(node.id, node);
    const figures = await figuresOf(ctx, [...toRead.values()], metric, day);
    const byId = new Map(figures.map((figure) => [figure.jurisdiction.id, figure]));
    parents.forEach((parentId, i) => {
      loader(ctx, readRankings).set(rankingKey(parentId, metric, day), ranking(siblings[i].map((node) => byId.get(node.id)!)));
    });
  },

  /** The node's children with their coverage, sorted and paged (offset cursors: a node has at most a few hundred children). */
  async childCoverage(
    ctx: Context,
    node: Jurisdiction,
    metric: CoverageMetric,
    args: { asOf?: string | null; order?: CoverageOrder | null; first?: number | null; after?: string | null },
  ): Promise<Page<CoverageFigure>> {
    requireReadable(ctx, node);
    const day = checkAsOf(args.asOf);
    const first = pageSize(args.first);
    const offset = Number(decodeCursor(args.after, (key) => /^[1-9]\d{0,5}$/.test(key)) ?? 0);
    const children = await jurisdictionService.allChildren(ctx, node.id);
    const figures = await figuresOf(ctx, children, metric, day);
    // Their ranks among themselves are asked for next: rank them now, once.
    loader(ctx, readRankings).set(rankingKey(node.id, metric, day), ranking(figures));
    const byCode = (a: CoverageFigure, b: CoverageFigure) => (a.jurisdiction.code < b.jurisdiction.code ? -1 : 1);
    const order = args.order ?? CoverageOrder.RATE_DESC;
    if (order === CoverageOrder.RATE_DESC) figures.sort((a, b) => compareRates(a, b) || b.numerator - a.numerator || byCode(a, b));
    if (order === CoverageOrder.RATE_ASC) figures.sort((a, b) => -compareRates(a, b) || a.numerator - b.numerator || byCode(a, b));
    const rows = figures.slice(offset, offset + first + 1).map((figure, i) => ({ figure, position: offset + i + 1 }));
    const page = toPage(rows, first, (row) => String(row.position), () => figures.length);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node.figure })), totalCount: figures.length };
  },

  /** Month-end figures from the month of `from` to the month of `to` (the last point is `to` itself). */
  async trend(ctx: Context, node: Jurisdiction, metric: CoverageMetric, from: string, to: string): Promise<CoverageFigure[]> {
    requireReadable(ctx, node);
    pastDay(from, 'from');
    pastDay(to, 'to');
    const today = todayInChina();
    if (from > to) throw new BadUserInputError('from', 'must not be after `to`');
    const days: string[] = [];
    for (let day = monthEnd(from); ; day = monthEnd(nextMonthStart(day))) {
      days.push(day < to ? day : to);
      if (day >= to) break;
      if (days.length >= MAX_TREND_MONTHS) throw new BadUserInputError('to', `a trend spans at most ${MAX_TREND_MONTHS} months`);
    }
    const observedAt = new Date();
    const values = await rollupRepository.valuesOnDays(ctx.db, node.id, coveredKey(metric), days);
    const denominator = unitCount(COVERAGE_DEFINITIONS[metric].unit, node);
    return days.map((day, i) => {
      const numerator = values[i];
      return { metric, jurisdiction: node, numerator, denominator, rate: rateOf(numerator, denominator), asOf: day, observedAt, live: day === today };
    });
  },

  /** The coverage of many nodes today (`asOf` null) or at the end of a past day, batched: callers check access. */
  async figuresOfNodes(ctx: Context, nodes: readonly Jurisdiction[], metric: CoverageMetric, asOf: string | null): Promise<CoverageFigure[]> {
    return figuresOf(ctx, nodes, metric, asOf === todayInChina() ? null : asOf);
  },

  /** Today's facility counts and beds of many nodes by roll-up key, batched: callers check access. */
  async facilityFiguresOfNodes(ctx: Context, nodes: readonly Jurisdiction[]): Promise<{ values: ReadonlyMap<string, number>; observedAt: Date }[]> {
    const loaded = await loader(ctx, figureFamilyLoader).loadMany(nodes.map((node) => node.id));
    return loaded.map((found) => {
      if (found instanceof Error) throw found;
      return found;
    });
  },

  /** Facilities of the node's subtree by type and status, and beds in operation, today. */
  async facilityStats(ctx: Context, node: Jurisdiction): Promise<FacilityStats> {
    requireReadable(ctx, node);
    const { values, observedAt } = await loader(ctx, figureFamilyLoader).load(node.id);
    const byTypeAndStatus: FacilityCount[] = [];
    for (const type of Object.values(FacilityType)) {
      for (const status of Object.values(FacilityStatus)) {
        const count = values.get(`facilities:${type}:${status}`) ?? 0;
        if (count !== 0) byTypeAndStatus.push({ type, status, count });
      }
    }
    const total = values.get(BED_KEYS.total) ?? 0;
    const nursing = values.get(BED_KEYS.nursing) ?? 0;
    const dementia = values.get(BED_KEYS.dementia) ?? 0;
    return {
      byTypeAndStatus,
      beds: { total, nursing, dementia, nursingShare: rateOf(nursing, total), dementiaShare: rateOf(dementia, total) },
      observedAt,
    };
  },
};

interface SiblingRanking {
  figures: CoverageFigure[];
  /** Node id → 1 + the number of siblings with a strictly better rate. */
  ranks: Map<number, number>;
}

export interface Place {
  rank: number;
  among: number;
}

const rankingKey = (parentId: number, metric: CoverageMetric, asOf: string | null) => `${parentId}|${metric}|${asOf ?? ''}`;
const placeIn = (ranking: SiblingRanking, nodeId: number): Place => ({ rank: ranking.ranks.get(nodeId)!, among: ranking.figures.length });

/** Per request: the rankings being made, by parent, metric and day. */
function siblingRankings(): Map<string, Promise<SiblingRanking>> {
  return new Map();
}

/** Per request: the rankings made, by parent, metric and day. */
function readRankings(): Map<string, SiblingRanking> {
  return new Map();
}

async function rankSiblings(ctx: Context, parentId: number, metric: CoverageMetric, asOf: string | null): Promise<SiblingRanking> {
  const siblings = await jurisdictionService.allChildren(ctx, parentId);
  const ranked = ranking(await figuresOf(ctx, siblings, metric, asOf));
  loader(ctx, readRankings).set(rankingKey(parentId, metric, asOf), ranked);
  return ranked;
}

/** Sorted best first, a node's rank is 1 + the position where its group of equal rates starts. */
function ranking(figures: CoverageFigure[]): SiblingRanking {
  const sorted = [...figures].sort(compareRates);
  const ranks = new Map<number, number>();
  let groupStart = 0;
  sorted.forEach((figure, i) => {
    if (i > 0 && compareRates(sorted[i - 1], figure) !== 0) groupStart = i;
    ranks.set(figure.jurisdiction.id, groupStart + 1);
  });
  return { figures, ranks };
}

function requireReadable(ctx: Context, node: Jurisdiction): void {
  requireCapability(ctx, Capability.READ_COVERAGE);
  requireCodes(ctx, [node.code]);
}

/** The figures of the nodes, kept for the request so that a node asked again answers at once. */
async function figuresOf(ctx: Context, nodes: readonly Jurisdiction[], metric: CoverageMetric, asOf: string | null): Promise<CoverageFigure[]> {
  const values = await loader(ctx, figureLoader).load({ nodeIds: nodes.map((node) => node.id), key: coveredKey(metric), asOf });
  return nodes.map((node, i) => figureOf(node, metric, values[i], asOf));
}

function figureOf(node: Jurisdiction, metric: CoverageMetric, value: ObservedValue, asOf: string | null): CoverageFigure {
  const denominator = unitCount(COVERAGE_DEFINITIONS[metric].unit, node);
  return asInstance(CoverageFigure, {
    metric,
    jurisdiction: node,
    numerator: value.value,
    denominator,
    rate: rateOf(value.value, denominator),
    asOf: value.day,
    observedAt: value.observedAt,
    live: asOf === null,
  });
}
