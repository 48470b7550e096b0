import { BOARD_LEVEL_ROWS } from '../graphql/limits';
import { asInstance } from '../graphql/roots';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { RATE_SCALE, readMetric, type MetricReading } from './target-figures';
import { MetricKind, MetricNature, TargetStatus, type TargetMetricDefinition } from './target-kinds';
import { nodesOf } from './target-nodes';
import { compare, headsUp, meets, type Ratio, type TargetRule } from './target-progress';
import { display, fromUnits, unitsOf } from './target-units';
import { allocationsOf } from './target.loaders';
import type { TargetRow } from './target.repository';
import { baselineDay, dayFor, definitionOf, evaluate, ruleOf } from './target.rules';
import { AllocationSummary, BoardOrder, BoardRow, TargetBoard, type TargetNode } from './target.types';

// A target's board (its children ranked on its metric) and its allocation summed up.

const SEVERITY: Record<TargetStatus, number> = { OVERDUE: 0, BEHIND: 1, AT_RISK: 2, ON_TRACK: 3, ACHIEVED: 4 };
const LAGGING = new Set([TargetStatus.OVERDUE, TargetStatus.BEHIND, TargetStatus.AT_RISK]);

interface NodeFigures {
  children: readonly Jurisdiction[];
  own: MetricReading;
  readings: MetricReading[];
  /** The readings by child id. */
  readingOf: ReadonlyMap<number, MetricReading>;
}

function nodeFigures(children: readonly Jurisdiction[], [own, ...readings]: MetricReading[]): NodeFigures {
  return { children, own, readings, readingOf: new Map(children.map((child, i) => [child.id, readings[i]])) };
}

/**
 * Per request: the figures of a jurisdiction and its children by metric and day, read once for every
 * board and allocation summary that needs them (a desk holds several targets on the same metric).
 */
function childFigureMemo(): Map<string, Promise<NodeFigures>> {
  return new Map();
}

function figuresOfChildren(ctx: Context, target: TargetNode, day: string): Promise<NodeFigures> {
  const memo = loader(ctx, childFigureMemo);
  const { row } = target;
  // A flow is summed from the target's start day; a stock is the same figure whatever the target.
  const from = definitionOf(row).nature === MetricNature.FLOW ? row.startsOn : '';
  const key = `${row.jurisdictionId}|${row.metric}|${row.facilityType ?? ''}|${day}|${from}`;
  let figures = memo.get(key);
  if (!figures) {
    figures = (async () => {
      const children = await jurisdictionService.allChildren(ctx, target.jurisdiction.id);
      return nodeFigures(children, await readMetric(ctx, definitionOf(row), row.facilityType, [target.jurisdiction, ...children], day, row.startsOn));
    })();
    memo.set(key, figures);
  }
  return figures;
}

async function figuresOfDescendants(ctx: Context, target: TargetNode, day: string, level: JurisdictionLevel): Promise<NodeFigures> {
  const children = await jurisdictionService.descendantsAt(ctx, target.jurisdiction, level, BOARD_LEVEL_ROWS);
  return nodeFigures(children, await readMetric(ctx, definitionOf(target.row), target.row.facilityType, [target.jurisdiction, ...children], day, target.row.startsOn));
}

/**
 * The figures a rate board's children without an allocation start from (their figure on the start
 * day), read beside today's figures and the allocations, not after them; null when today's serve.
 */
function startFigures(ctx: Context, target: TargetNode, definition: TargetMetricDefinition, day: string, level: JurisdictionLevel | null): Promise<MetricReading[]> | null {
  const start = baselineDay(definition, target.row.startsOn);
  if (definition.kind !== MetricKind.RATE || start === day) return null;
  const nodes = level ? jurisdictionService.descendantsAt(ctx, target.jurisdiction, level, BOARD_LEVEL_ROWS) : jurisdictionService.allChildren(ctx, target.jurisdiction.id);
  return nodes.then((children) => readMetric(ctx, definition, target.row.facilityType, children, start, target.row.startsOn));
}

interface Ranked {
  ratio: Ratio | null;
  row: BoardRow;
}

/** One board row per child: its figure against what it is held to (its allocation, or for a rate the target's threshold from its own baseline). */
async function boardRows(ctx: Context, target: TargetNode, day: string, level: JurisdictionLevel | null): Promise<{ own: MetricReading; rows: Ranked[] }> {
  const definition = definitionOf(target.row);
  const kind = definition.kind;
  const parentRule = ruleOf(target.row);
  const [{ children, own, readings }, allocated, startReadings] = await Promise.all([
    level ? figuresOfDescendants(ctx, target, day, level) : figuresOfChildren(ctx, target, day),
    allocationsOf(ctx, target.row.id),
    startFigures(ctx, target, definition, day, level),
  ]);
  const allocationOf = new Map(allocated.map((row) => [row.jurisdictionId, row]));
  const nodeOfAllocation = new Map((await nodesOf(ctx, allocated)).map((node) => [node.row.jurisdictionId, node]));
  const rows = children.map((child, i) => {
    const allocation = allocationOf.get(child.id) ?? null;
    const rule: TargetRule | null = allocation ?? (kind === MetricKind.RATE ? { ...parentRule, baseline: unitsOf((startReadings ?? readings)[i]) } : null);
    const reading = readings[i];
    const evaluation = rule ? evaluate(definition, rule, reading, day) : null;
    const value = reading.value === null ? null : display(kind, reading.value);
    const threshold = rule ? fromUnits(kind, rule.threshold) : null;
    return {
      ratio: reading.value,
      row: asInstance(BoardRow, {
        jurisdiction: child,
        target: allocation ? nodeOfAllocation.get(child.id)! : null,
        threshold,
        value,
        numerator: reading.numerator,
        denominator: reading.denominator,
        denominatorSource: reading.denominatorSource,
        expected: evaluation?.progress.expected ?? null,
        gap: evaluation?.progress.gap ?? null,
        variance: value === null || threshold === null ? null : value - threshold,
        status: evaluation?.progress.status ?? null,
        rank: null as number | null,
      }),
    };
  });
  return { own, rows };
}

/** Ranks the rows by value in the target's direction (ties share a place); rows without a figure are not ranked. */
function rank(rows: readonly Ranked[], up: boolean): void {
  const better = (a: Ratio, b: Ratio) => (up ? compare(b, a) : compare(a, b));
  const ranked = rows.filter((row) => row.ratio !== null).sort((a, b) => better(a.ratio!, b.ratio!));
  let place = 0;
  ranked.forEach((row, i) => {
    if (i === 0 || better(ranked[i - 1].ratio!, row.ratio!) !== 0) place = i + 1;
    row.row.rank = place;
  });
}

const byCode = (a: BoardRow, b: BoardRow) => (a.jurisdiction.code < b.jurisdiction.code ? -1 : 1);

const ORDERS: Record<BoardOrder, (a: BoardRow, b: BoardRow) => number> = {
  [BoardOrder.CODE]: byCode,
  [BoardOrder.BEST_FIRST]: (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || byCode(a, b),
  [BoardOrder.LAGGARDS_FIRST]: (a, b) =>
    (a.status === null ? 5 : SEVERITY[a.status]) - (b.status === null ? 5 : SEVERITY[b.status]) || (a.gap ?? Infinity) - (b.gap ?? Infinity) || byCode(a, b),
};

/**
 * The target's board at the end of `asOf`: every child of its jurisdiction (or every descendant at
 * `level`: a province's counties) with its figure, what it is held to (its allocation, or for a rate
 * the target's threshold from its own baseline), the expected value, status and rank; laggards first
 * by default. A constant number of statements whatever the number of children.
 */
export async function targetBoard(ctx: Context, target: TargetNode, asOf?: string | null, order?: BoardOrder | null, level?: JurisdictionLevel | null): Promise<TargetBoard> {
  const definition = definitionOf(target.row);
  const day = dayFor(definition, asOf);
  const parentRule = ruleOf(target.row);
  const { own, rows } = await boardRows(ctx, target, day, level ?? null);
  rank(rows, headsUp(parentRule, own.value));
  const sorted = rows.map((row) => row.row).sort(ORDERS[order ?? BoardOrder.LAGGARDS_FIRST]);
  return asInstance(TargetBoard, {
    target,
    asOf: day,
    observedAt: own.observedAt,
    progress: evaluate(definition, parentRule, own, day).progress,
    laggards: sorted.filter((row) => row.status !== null && LAGGING.has(row.status)).length,
    rows: sorted,
  });
}

/** The allocation summed up, or null for a target not allocated. */
export async function allocationSummary(ctx: Context, target: TargetNode): Promise<AllocationSummary | null> {
  const allocated = await allocationsOf(ctx, target.row.id);
  if (allocated.length === 0) return null;
  const definition = definitionOf(target.row);
  const { readingOf } = await figuresOfChildren(ctx, target, todayInChina());
  const readings = allocated.map((row) => readingOf.get(row.jurisdictionId)!);
  // Achieved is meeting the target (statusOn's first rule): nothing else of the status is needed here.
  const achieved = allocated.filter((row, i) => readings[i].value !== null && meets(row, readings[i].value!)).length;
  const { allocatedValue, achievedValue } = definition.kind !== MetricKind.RATE ? summedParts(allocated, readings) : weightedRates(allocated, readings);
  return {
    children: allocated.length,
    achieved,
    allocatedValue,
    achievedValue,
    variance: allocatedValue === null || achievedValue === null ? null : achievedValue - allocatedValue,
  };
}

/** A count or an amount: the parts allocated and achieved, added up. */
function summedParts(allocated: readonly TargetRow[], readings: readonly MetricReading[]) {
  return {
    allocatedValue: allocated.reduce((sum, row) => sum + row.threshold, 0) as number | null,
    achievedValue: readings.reduce((sum, reading) => sum + reading.numerator, 0) as number | null,
  };
}

/** A rate: the thresholds and the figures weighted by each child's units (null when there are none). */
function weightedRates(allocated: readonly TargetRow[], readings: readonly MetricReading[]) {
  const units = readings.reduce((sum, reading) => sum + reading.denominator, 0);
  if (units === 0) return { allocatedValue: null, achievedValue: null };
  return {
    allocatedValue: allocated.reduce((sum, row, i) => sum + row.threshold * readings[i].denominator, 0) / units / 100,
    achievedValue: (readings.reduce((sum, reading) => sum + reading.numerator, 0) * RATE_SCALE) / units / 100,
  };
}
