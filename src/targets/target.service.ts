import { codeInScope } from '../access/actor';
import { Capability } from '../kernel/actor';
import { requireActor, requireCapability } from '../access/scope';
import { audited } from '../audit/audit.service';
import { changing } from '../db/shared-cache';
import { loader, type Context } from '../kernel/context';
import { isDay, monthEnd, nextMonthStart, pastDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ForbiddenError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { parseId } from '../kernel/ids';
import { asInstance } from '../graphql/roots';
import { parseText } from '../kernel/text';
import type { JurisdictionLevel } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { RATE_SCALE, readMetric, type MetricReading } from './target-figures';
import { MetricKind, MetricNature, TARGET_METRICS, TargetComparator, TargetPhase, TargetStatus, type TargetMetric, type TargetMetricDefinition } from './target-kinds';
import { compare, expectedOn, headsUp, meets, statusOn, toNumber, type Ratio, type TargetRule } from './target-progress';
import type { CreateTargetInput, PhaseSpanInput, TargetAllocationInput } from './target.inputs';
import { allocationsOf, targetByIdLoader, targetCount, targetPage } from './target.loaders';
import { targetRepository, type NewTarget, type PhaseSpan, type TargetRow } from './target.repository';
import { AllocationSummary, BoardOrder, BoardRow, TargetBoard, TargetNode, TargetProgress, type TargetRef } from './target.types';

export const MAX_SERIES_MONTHS = 120;
/** A board lists at most this many nodes (every county of a province, every town of a city). */
export const MAX_BOARD_ROWS = 3000;
const EARLIEST_DAY = '2000-01-01';
const LATEST_DAY = '2100-12-31';
const TITLE = { required: true, max: 200 };
const UNIT = { required: false, max: 200 };
// A count target's threshold fits a GraphQL Int.
const MAX_COUNT = 2_147_483_647;

// ---------------------------------------------------------------------------------------------
// Units: a rate is stored in hundredths of a percent and shown in percent; a count as it is.

function toUnits(kind: MetricKind, value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw new BadUserInputError(field, 'must be a number of at least 0');
  if (kind === MetricKind.COUNT) {
    if (!Number.isInteger(value) || value > MAX_COUNT) throw new BadUserInputError(field, 'must be a whole number for a count');
    return value;
  }
  if (kind === MetricKind.AMOUNT) {
    if (!Number.isSafeInteger(value)) throw new BadUserInputError(field, 'must be a whole number of fen');
    return value;
  }
  if (value > 100) throw new BadUserInputError(field, 'is a percentage: at most 100');
  const units = Math.round(value * 100);
  if (Math.abs(units - value * 100) > 1e-6) throw new BadUserInputError(field, 'is a percentage with at most two decimals');
  return units;
}

const fromUnits = (kind: MetricKind, units: number) => (kind === MetricKind.RATE ? units / 100 : units);
const display = (kind: MetricKind, value: Ratio) => (kind === MetricKind.RATE ? toNumber(value) / 100 : toNumber(value));

/** A figure as a baseline in units: a rate to the nearest hundredth of a percent, nothing to divide by as 0. */
function unitsOf(reading: MetricReading): number {
  if (reading.value === null) return 0;
  const { num, den } = reading.value;
  return Number((2n * num + den) / (2n * den));
}

// ---------------------------------------------------------------------------------------------

const definitionOf = (row: Pick<TargetRow, 'metric'>) => TARGET_METRICS[row.metric];

/** A target's rule alone (a row is one too), for copies that change a part of it. */
const ruleOf = (row: Pick<TargetRow, 'comparator' | 'threshold' | 'thresholdHigh' | 'baseline' | 'startsOn' | 'deadline'>): TargetRule => ({
  comparator: row.comparator,
  threshold: row.threshold,
  thresholdHigh: row.thresholdHigh,
  baseline: row.baseline,
  startsOn: row.startsOn,
  deadline: row.deadline,
});

type Bounds = Pick<TargetRow, 'comparator' | 'threshold' | 'thresholdHigh'>;

/** The values a target accepts, in units: [lowest, highest], null where open. */
function accepted(target: Bounds): [number | null, number | null] {
  switch (target.comparator) {
    case TargetComparator.AT_LEAST:
      return [target.threshold, null];
    case TargetComparator.AT_MOST:
      return [null, target.threshold];
    case TargetComparator.EQUAL:
      return [target.threshold, target.threshold];
    case TargetComparator.BETWEEN:
      return [target.threshold, target.thresholdHigh];
  }
}

const SIGNS: Record<TargetComparator, string> = {
  [TargetComparator.AT_LEAST]: '≥',
  [TargetComparator.AT_MOST]: '≤',
  [TargetComparator.EQUAL]: '=',
  [TargetComparator.BETWEEN]: 'between',
};

function describe(kind: MetricKind, target: Bounds & Pick<TargetRow, 'deadline'>): string {
  const unit = kind === MetricKind.RATE ? '%' : '';
  const high = target.comparator === TargetComparator.BETWEEN ? ` and ${fromUnits(kind, target.thresholdHigh!)}${unit}` : '';
  return `${SIGNS[target.comparator]} ${fromUnits(kind, target.threshold)}${unit}${high} by ${target.deadline}`;
}

/**
 * A level's own target on a metric it holds an allocation of must be at least as strict: every value
 * it accepts is one the allocation accepts, by the allocation's deadline or sooner. Refuses a looser one
 * naming the field that makes it so.
 */
function checkStricter(own: NewTarget, given: readonly TargetRow[]): void {
  const kind = definitionOf(own).kind;
  const [low, high] = accepted(own);
  for (const allocation of given) {
    if (allocation.metric !== own.metric || allocation.facilityType !== own.facilityType) continue;
    const [floor, ceiling] = accepted(allocation);
    const why = `is looser than the target allocated to this jurisdiction, 「${allocation.title}」 (${describe(kind, allocation)})`;
    if ((floor !== null && low === null) || (ceiling !== null && high === null)) throw new BadUserInputError('input.comparator', why);
    if (floor !== null && low! < floor) throw new BadUserInputError('input.threshold', why);
    if (ceiling !== null && high! > ceiling) {
      throw new BadUserInputError(own.comparator === TargetComparator.BETWEEN ? 'input.thresholdHigh' : 'input.threshold', why);
    }
    if (own.deadline > allocation.deadline) throw new BadUserInputError('input.deadline', why);
  }
}

function toNode(row: TargetRow, jurisdiction: Jurisdiction): TargetNode {
  const definition = definitionOf(row);
  const kind = definition.kind;
  return asInstance(TargetNode, {
    id: String(row.id),
    title: row.title,
    jurisdiction,
    metric: row.metric,
    metricKind: kind,
    metricNature: definition.nature,
    metricHistory: definition.history,
    facilityType: row.facilityType,
    comparator: row.comparator,
    threshold: fromUnits(kind, row.threshold),
    thresholdHigh: row.thresholdHigh === null ? null : fromUnits(kind, row.thresholdHigh),
    baseline: fromUnits(kind, row.baseline),
    startsOn: row.startsOn,
    deadline: row.deadline,
    phases: row.phases,
    responsibleUnit: row.responsibleUnit,
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    row,
  });
}

async function nodesOf(ctx: Context, rows: readonly TargetRow[]): Promise<TargetNode[]> {
  const nodes = await Promise.all(rows.map((row) => jurisdictionService.byId(ctx, row.jurisdictionId)));
  return rows.map((row, i) => toNode(row, nodes[i]!));
}

function requireReader(ctx: Context): void {
  requireCapability(ctx, Capability.READ_TARGETS);
}

/** A target of the caller's subtree; FORBIDDEN for one outside it and for an id that names none. */
async function visibleTarget(ctx: Context, rawId: string, field: string): Promise<TargetRow> {
  const id = parseId(rawId, field, 'a target');
  const row = await loader(ctx, targetByIdLoader).load(id);
  if (!row || !codeInScope(requireActor(ctx), row.jurisdictionCode)) throw new ForbiddenError();
  return row;
}

/** The day a progress figure describes: today (live), or a past day of a metric that keeps its history. */
function dayFor(definition: TargetMetricDefinition, asOf: string | null | undefined, field = 'asOf'): string {
  const today = todayInChina();
  if (asOf === null || asOf === undefined) return today;
  const day = pastDay(asOf, field);
  if (day < today && !definition.history) {
    throw new BadUserInputError(field, `${definition.metric} is kept live only: the figures of past days are not stored`);
  }
  return day;
}

function checkDay(day: string, field: string): string {
  if (!isDay(day) || day < EARLIEST_DAY || day > LATEST_DAY) throw new BadUserInputError(field, `must be a day from ${EARLIEST_DAY} to ${LATEST_DAY}`);
  return day;
}

function parsePhases(phases: readonly PhaseSpanInput[], startsOn: string, deadline: string): PhaseSpan[] {
  const order = Object.values(TargetPhase);
  let previous: PhaseSpanInput | null = null;
  phases.forEach((span, i) => {
    const field = `input.phases[${i}]`;
    checkDay(span.startsOn, `${field}.startsOn`);
    checkDay(span.endsOn, `${field}.endsOn`);
    if (span.endsOn < span.startsOn) throw new BadUserInputError(`${field}.endsOn`, 'must not be before startsOn');
    if (span.startsOn < startsOn || span.endsOn > deadline) throw new BadUserInputError(field, `must lie within the target’s span (${startsOn} to ${deadline})`);
    if (previous) {
      if (order.indexOf(span.phase) <= order.indexOf(previous.phase)) throw new BadUserInputError(`${field}.phase`, `must come after ${previous.phase}, each phase once in plan order`);
      if (span.startsOn <= previous.endsOn) throw new BadUserInputError(`${field}.startsOn`, `must be after ${previous.phase} ends (${previous.endsOn})`);
    }
    previous = span;
  });
  return phases.map((span) => ({ phase: span.phase, startsOn: span.startsOn, endsOn: span.endsOn }));
}

interface Evaluation {
  progress: TargetProgress;
  /** The value in units (a ratio), for ranking. */
  value: Ratio | null;
  up: boolean;
}

function evaluate(definition: TargetMetricDefinition, rule: TargetRule, reading: MetricReading, day: string): Evaluation {
  const kind = definition.kind;
  const expected = expectedOn(rule, day);
  const up = headsUp(rule, reading.value);
  const value = reading.value === null ? null : display(kind, reading.value);
  const expectedValue = display(kind, expected);
  return {
    value: reading.value,
    up,
    progress: {
      asOf: day,
      observedAt: reading.observedAt,
      value,
      numerator: reading.numerator,
      denominator: reading.denominator,
      expected: expectedValue,
      gap: value === null ? null : up ? value - expectedValue : expectedValue - value,
      status: statusOn(rule, reading.value, day, { expected, up }),
    },
  };
}

/** Month-ends from the month of `from` to the month of `to` (the last point is `to` itself). */
function monthEnds(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = monthEnd(from); ; day = monthEnd(nextMonthStart(day))) {
    days.push(day < to ? day : to);
    if (day >= to) break;
    if (days.length >= MAX_SERIES_MONTHS) throw new BadUserInputError('to', `a series spans at most ${MAX_SERIES_MONTHS} months`);
  }
  return days;
}

const SEVERITY: Record<TargetStatus, number> = { OVERDUE: 0, BEHIND: 1, AT_RISK: 2, ON_TRACK: 3, ACHIEVED: 4 };
const LAGGING = new Set([TargetStatus.OVERDUE, TargetStatus.BEHIND, TargetStatus.AT_RISK]);

export const targetService = {
  /** A target of the caller's subtree. */
  async get(ctx: Context, rawId: string): Promise<TargetNode> {
    requireReader(ctx);
    const row = await visibleTarget(ctx, rawId, 'id');
    return (await nodesOf(ctx, [row]))[0];
  },

  /** The targets set at nodes of the subtree below `under` (default: the caller's home), newest first. */
  async list(
    ctx: Context,
    args: { under?: string | null; metric?: TargetMetric | null; allocated?: boolean | null; first?: number | null; after?: string | null },
  ): Promise<Page<TargetNode>> {
    requireReader(ctx);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const first = pageSize(args.first);
    const before = decodeCursor(args.after, (key) => /^[1-9]\d{0,9}$/.test(key));
    const filter = { underCode: under.code, metric: args.metric ?? null, allocated: args.allocated ?? null };
    const rows = await targetPage(ctx, filter, before === null ? null : Number(before), first + 1);
    // A first page with room to spare holds every target: its length is the count.
    const total = () => (before === null && rows.length <= first ? rows.length : targetCount(ctx, filter));
    const page = toPage(await nodesOf(ctx, rows), first, (node) => node.id, total);
    return page;
  },

  /** Sets a target for a jurisdiction of the subtree. */
  async create(ctx: Context, input: CreateTargetInput): Promise<TargetNode> {
    const id = await changing(ctx.dataSource, () => audited(ctx, 'target.create', Capability.MANAGE_TARGETS, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_TARGETS);
      const node = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = node.id;
      draft.targetType = 'Target';
      const definition = TARGET_METRICS[input.metric];
      const title = parseText(input.title, 'input.title', TITLE)!;
      const facilityType = input.facilityType ?? null;
      if (definition.needsFacilityType && !facilityType) throw new BadUserInputError('input.facilityType', `is required for ${input.metric}`);
      if (!definition.needsFacilityType && facilityType) throw new BadUserInputError('input.facilityType', `applies to OPERATING_FACILITIES only`);
      const startsOn = checkDay(input.startsOn, 'input.startsOn');
      const deadline = checkDay(input.deadline, 'input.deadline');
      if (deadline <= startsOn) throw new BadUserInputError('input.deadline', 'must be after startsOn');
      const comparator = input.comparator ?? TargetComparator.AT_LEAST;
      const threshold = toUnits(definition.kind, input.threshold, 'input.threshold');
      const thresholdHigh = parseHigh(definition.kind, comparator, threshold, input.thresholdHigh, 'input.thresholdHigh');
      const phases = parsePhases(input.phases ?? [], startsOn, deadline);
      const responsibleUnit = parseText(input.responsibleUnit, 'input.responsibleUnit', UNIT);
      const baseline =
        input.baseline === null || input.baseline === undefined
          ? unitsOf((await readMetric(ctx, definition, facilityType, [node], baselineDay(definition, startsOn), startsOn))[0])
          : toUnits(definition.kind, input.baseline, 'input.baseline');
      const target: NewTarget = {
        jurisdictionId: node.id,
        allocatedFrom: null,
        title,
        metric: input.metric,
        facilityType,
        comparator,
        threshold,
        thresholdHigh,
        baseline,
        startsOn,
        deadline,
        responsibleUnit,
        phases,
      };
      checkStricter(target, (await targetRepository.ofNodes(tx, [node.id])).filter((row) => row.allocatedFrom !== null));
      const created = await targetRepository.insert(tx, target, actor.userId);
      draft.targetIds = [String(created)];
      draft.detail = { metric: input.metric, comparator, threshold: input.threshold, deadline };
      return created;
    }));
    return targetService.get(ctx, String(id));
  },

  /**
   * Allocates a target to children of its jurisdiction: one target per child, replacing the previous
   * allocation (children left out lose theirs). For a count the allocations must add up to the
   * target's threshold; for a rate each child gets its own threshold or the target's.
   */
  async allocate(ctx: Context, rawId: string, allocations: readonly TargetAllocationInput[]): Promise<TargetNode> {
    const id = await changing(ctx.dataSource, () => audited(ctx, 'target.allocate', Capability.MANAGE_TARGETS, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_TARGETS);
      const visible = await visibleTarget(ctx, rawId, 'id');
      draft.jurisdictionId = visible.jurisdictionId;
      draft.targetType = 'Target';
      draft.targetIds = [String(visible.id)];
      const target = (await targetRepository.lock(tx, visible.id))!;
      const definition = definitionOf(target);
      const kind = definition.kind;
      if (kind !== MetricKind.RATE && target.comparator === TargetComparator.BETWEEN) {
        throw new BadUserInputError('allocations', 'a count or amount target with a range cannot be split: set a threshold to allocate');
      }
      const children = new Map((await jurisdictionService.allChildren(ctx, target.jurisdictionId)).map((child) => [child.code, child]));
      const seen = new Set<string>();
      const chosen = allocations.map((allocation, i) => {
        const field = `allocations[${i}]`;
        const child = children.get(allocation.jurisdictionCode.trim());
        if (!child) throw new BadUserInputError(`${field}.jurisdictionCode`, 'must be a child of the target’s jurisdiction');
        if (seen.has(child.code)) throw new BadUserInputError(`${field}.jurisdictionCode`, `${child.code} is allocated twice`);
        seen.add(child.code);
        return child;
      });
      const baselineNeeded = allocations.some((allocation) => allocation.baseline === null || allocation.baseline === undefined);
      const readings = baselineNeeded ? await readMetric(ctx, definition, target.facilityType, chosen, baselineDay(definition, target.startsOn), target.startsOn) : [];
      const rows: NewTarget[] = allocations.map((allocation, i) => {
        const field = `allocations[${i}]`;
        let threshold = target.threshold;
        if (allocation.threshold !== null && allocation.threshold !== undefined) threshold = toUnits(kind, allocation.threshold, `${field}.threshold`);
        else if (kind !== MetricKind.RATE) throw new BadUserInputError(`${field}.threshold`, 'is required: a count or amount target is split into parts');
        const thresholdHigh =
          target.comparator === TargetComparator.BETWEEN
            ? parseHigh(kind, target.comparator, threshold, allocation.thresholdHigh ?? fromUnits(kind, target.thresholdHigh!), `${field}.thresholdHigh`)
            : parseHigh(kind, target.comparator, threshold, allocation.thresholdHigh, `${field}.thresholdHigh`);
        const baseline =
          allocation.baseline === null || allocation.baseline === undefined ? unitsOf(readings[i]) : toUnits(kind, allocation.baseline, `${field}.baseline`);
        return {
          jurisdictionId: chosen[i].id,
          allocatedFrom: target.id,
          title: target.title,
          metric: target.metric,
          facilityType: target.facilityType,
          comparator: target.comparator,
          threshold,
          thresholdHigh,
          baseline,
          startsOn: target.startsOn,
          deadline: target.deadline,
          responsibleUnit: parseText(allocation.responsibleUnit, `${field}.responsibleUnit`, UNIT),
          phases: [],
        };
      });
      if (kind !== MetricKind.RATE && rows.length > 0) {
        const sum = rows.reduce((total, row) => total + row.threshold, 0);
        if (sum !== target.threshold) {
          throw new BadUserInputError('allocations', `the allocations add up to ${sum}, not the target’s ${target.threshold}`);
        }
      }
      await targetRepository.replaceAllocations(tx, target.id, rows, actor.userId);
      draft.detail = { allocations: rows.map((row, i) => ({ code: chosen[i].code, threshold: fromUnits(kind, row.threshold) })) };
      return target.id;
    }));
    return targetService.get(ctx, String(id));
  },

  /** The target this one was allocated from, as a reference (it may belong to a level above the caller). */
  async allocatedFrom(ctx: Context, target: TargetNode): Promise<TargetRef | null> {
    if (target.row.allocatedFrom === null) return null;
    const parent = await loader(ctx, targetByIdLoader).load(target.row.allocatedFrom);
    if (!parent) return null;
    const node = (await jurisdictionService.byId(ctx, parent.jurisdictionId))!;
    const kind = definitionOf(parent).kind;
    return {
      id: String(parent.id),
      title: parent.title,
      jurisdiction: { code: node.code, name: node.name, level: node.level },
      metric: parent.metric,
      comparator: parent.comparator,
      threshold: fromUnits(kind, parent.threshold),
      deadline: parent.deadline,
    };
  },

  /** The targets allocated from this one, in code order (batched across a list of targets). */
  async allocations(ctx: Context, target: TargetNode): Promise<TargetNode[]> {
    return nodesOf(ctx, await allocationsOf(ctx, target.row.id));
  },

  /** The target's progress at the end of `asOf` (default today, live). */
  async progress(ctx: Context, target: TargetNode, asOf?: string | null): Promise<TargetProgress> {
    const definition = definitionOf(target.row);
    const day = dayFor(definition, asOf);
    const [reading] = await readMetric(ctx, definition, target.row.facilityType, [target.jurisdiction], day, target.row.startsOn);
    return evaluate(definition, target.row, reading, day).progress;
  },

  /** Month-end progress from the month of `from` to the month of `to`, for charts. */
  async series(ctx: Context, target: TargetNode, from: string, to: string): Promise<TargetProgress[]> {
    const definition = definitionOf(target.row);
    dayFor(definition, from, 'from');
    dayFor(definition, to, 'to');
    if (from > to) throw new BadUserInputError('from', 'must not be after `to`');
    const days = monthEnds(from, to);
    const readings = await Promise.all(days.map((day) => readMetric(ctx, definition, target.row.facilityType, [target.jurisdiction], day, target.row.startsOn)));
    return days.map((day, i) => evaluate(definition, target.row, readings[i][0], day).progress);
  },

  /** The allocation summed up, or null for a target not allocated. */
  async allocationSummary(ctx: Context, target: TargetNode): Promise<AllocationSummary | null> {
    const allocated = await allocationsOf(ctx, target.row.id);
    if (allocated.length === 0) return null;
    const definition = definitionOf(target.row);
    const day = todayInChina();
    const { readingOf } = await figuresOfChildren(ctx, target, day);
    const readings = allocated.map((row) => readingOf.get(row.jurisdictionId)!);
    // Achieved is meeting the target (statusOn's first rule): nothing else of the status is needed here.
    const achieved = allocated.filter((row, i) => readings[i].value !== null && meets(row, readings[i].value!)).length;
    let allocatedValue: number | null;
    let achievedValue: number | null;
    if (definition.kind !== MetricKind.RATE) {
      allocatedValue = allocated.reduce((sum, row) => sum + row.threshold, 0);
      achievedValue = readings.reduce((sum, reading) => sum + reading.numerator, 0);
    } else {
      const units = readings.reduce((sum, reading) => sum + reading.denominator, 0);
      allocatedValue = units > 0 ? allocated.reduce((sum, row, i) => sum + row.threshold * readings[i].denominator, 0) / units / 100 : null;
      achievedValue = units > 0 ? (readings.reduce((sum, reading) => sum + reading.numerator, 0) * RATE_SCALE) / units / 100 : null;
    }
    return {
      children: allocated.length,
      achieved,
      allocatedValue,
      achievedValue,
      variance: allocatedValue === null || achievedValue === null ? null : achievedValue - allocatedValue,
    };
  },

  /**
   * The target's board at the end of `asOf`: every child of its jurisdiction (or every descendant at
   * `level`: a province's counties) with its figure, what it
   * is held to (its allocation, or for a rate the target's threshold from its own baseline), the
   * expected value, status and rank; laggards first by default. A constant number of statements
   * whatever the number of children.
   */
  async board(ctx: Context, target: TargetNode, asOf?: string | null, order?: BoardOrder | null, level?: JurisdictionLevel | null): Promise<TargetBoard> {
    const definition = definitionOf(target.row);
    const kind = definition.kind;
    const day = dayFor(definition, asOf);
    const parentRule = ruleOf(target.row);
    const allocations = allocationsOf(ctx, target.row.id);
    // A child without an allocation is held to a rate target's threshold from its own baseline, its
    // figure on the start day: read beside today's figures and the allocations, not after them.
    const start = baselineDay(definition, target.row.startsOn);
    const startFigures =
      kind === MetricKind.RATE && start !== day
        ? (level ? jurisdictionService.descendantsAt(ctx, target.jurisdiction, level, MAX_BOARD_ROWS) : jurisdictionService.allChildren(ctx, target.jurisdiction.id)).then(
            (nodes) => readMetric(ctx, definition, target.row.facilityType, nodes, start, target.row.startsOn),
          )
        : null;
    const [{ children, own, readings }, allocated, startReadings] = await Promise.all([
      level ? figuresOfDescendants(ctx, target, day, level) : figuresOfChildren(ctx, target, day),
      allocations,
      startFigures,
    ]);
    const allocationOf = new Map(allocated.map((row) => [row.jurisdictionId, row]));
    const baselines = new Map<number, number>();
    if (kind === MetricKind.RATE) {
      children.forEach((child, i) => baselines.set(child.id, unitsOf((startReadings ?? readings)[i])));
    }
    const allocatedNodes = await nodesOf(ctx, allocated);
    const nodeOfAllocation = new Map(allocatedNodes.map((node) => [node.row.jurisdictionId, node]));
    const rows = children.map((child, i) => {
      const allocation = allocationOf.get(child.id) ?? null;
      const rule: TargetRule | null = allocation
        ? allocation
        : kind === MetricKind.RATE
          ? { ...parentRule, baseline: baselines.get(child.id)! }
          : null;
      const reading = readings[i];
      const evaluation = rule ? evaluate(definition, rule, reading, day) : null;
      const value = reading.value === null ? null : display(kind, reading.value);
      const threshold = rule ? fromUnits(kind, rule.threshold) : null;
      return {
        ratio: reading.value,
        up: evaluation?.up ?? headsUp(parentRule, reading.value),
        row: asInstance(BoardRow, {
          jurisdiction: child,
          target: allocation ? nodeOfAllocation.get(child.id)! : null,
          threshold,
          value,
          numerator: reading.numerator,
          denominator: reading.denominator,
          expected: evaluation?.progress.expected ?? null,
          gap: evaluation?.progress.gap ?? null,
          variance: value === null || threshold === null ? null : value - threshold,
          status: evaluation?.progress.status ?? null,
          rank: null as number | null,
        }),
      };
    });
    // Rank by value in the target's direction; rows without a figure are not ranked.
    const up = headsUp(parentRule, own.value);
    const better = (a: Ratio, b: Ratio) => (up ? compare(b, a) : compare(a, b));
    const ranked = rows.filter((row) => row.ratio !== null).sort((a, b) => better(a.ratio!, b.ratio!));
    let place = 0;
    ranked.forEach((row, i) => {
      if (i === 0 || better(ranked[i - 1].ratio!, row.ratio!) !== 0) place = i + 1;
      row.row.rank = place;
    });
    const byCode = (a: BoardRow, b: BoardRow) => (a.jurisdiction.code < b.jurisdiction.code ? -1 : 1);
    const sorted = rows.map((row) => row.row);
    const chosen = order ?? BoardOrder.LAGGARDS_FIRST;
    if (chosen === BoardOrder.CODE) sorted.sort(byCode);
    if (chosen === BoardOrder.BEST_FIRST) sorted.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || byCode(a, b));
    if (chosen === BoardOrder.LAGGARDS_FIRST) {
      sorted.sort(
        (a, b) =>
          (a.status === null ? 5 : SEVERITY[a.status]) - (b.status === null ? 5 : SEVERITY[b.status]) ||
          (a.gap ?? Infinity) - (b.gap ?? Infinity) ||
          byCode(a, b),
      );
    }
    const progress = evaluate(definition, parentRule, own, day).progress;
    return asInstance(TargetBoard, {
      target,
      asOf: day,
      observedAt: own.observedAt,
      progress,
      laggards: sorted.filter((row) => row.status !== null && LAGGING.has(row.status)).length,
      rows: sorted,
    });
  },
};

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
  const children = await jurisdictionService.descendantsAt(ctx, target.jurisdiction, level, MAX_BOARD_ROWS);
  return nodeFigures(children, await readMetric(ctx, definitionOf(target.row), target.row.facilityType, [target.jurisdiction, ...children], day, target.row.startsOn));
}

/** The day a default baseline is read on: the start day when it is past and the metric keeps history, today otherwise. */
function baselineDay(definition: TargetMetricDefinition, startsOn: string): string {
  const today = todayInChina();
  return definition.history && startsOn < today ? startsOn : today;
}

function parseHigh(kind: MetricKind, comparator: TargetComparator, threshold: number, high: number | null | undefined, field: string): number | null {
  if (comparator !== TargetComparator.BETWEEN) {
    if (high !== null && high !== undefined) throw new BadUserInputError(field, 'applies to BETWEEN only');
    return null;
  }
  if (high === null || high === undefined) throw new BadUserInputError(field, 'is required for BETWEEN');
  const units = toUnits(kind, high, field);
  if (units < threshold) throw new BadUserInputError(field, 'must not be below threshold');
  return units;
}

