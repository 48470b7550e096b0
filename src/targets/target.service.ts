import { requireAccess, requireCapability } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { allocationSummary, targetBoard } from './target-boards';
import { readMetric } from './target-figures';
import { MetricKind, TARGET_METRICS, TargetComparator, type TargetMetric } from './target-kinds';
import { nodesOf, refOf } from './target-nodes';
import { fromUnits, parseHigh, toUnits, unitsOf } from './target-units';
import type { CreateTargetInput, TargetAllocationInput } from './target.inputs';
import { allocationsOf, targetByIdLoader, targetCount, targetPage } from './target.loaders';
import { targetRepository, type NewTarget, type TargetRow } from './target.repository';
import {
  allocationOf,
  baselineDay,
  checkAllocationSum,
  checkDay,
  checkStricter,
  chosenChildren,
  dayFor,
  definitionOf,
  evaluate,
  monthEnds,
  parsePhases,
  UNIT,
} from './target.rules';
import type { AllocationSummary, BoardOrder, TargetBoard, TargetNode, TargetProgress, TargetRef } from './target.types';

const TITLE = { required: true, max: 200 };

export interface TargetListArgs extends PageArgs {
  under?: string | null;
  metric?: TargetMetric | null;
  allocated?: boolean | null;
}

/** A target of the caller's subtree under `capability`; FORBIDDEN for one outside it and for an id that names none. */
async function reachedTarget(ctx: Context, capability: Capability, rawId: string, field: string): Promise<TargetRow> {
  const row = await loader(ctx, targetByIdLoader).load(parseId(rawId, field, 'a target'));
  requireAccess(ctx, capability, [row]);
  return row!;
}

/** The target `input` describes, checked field by field; its baseline by default the figure of its start day. */
async function newTarget(ctx: Context, input: CreateTargetInput, node: Jurisdiction): Promise<NewTarget> {
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
  return { jurisdictionId: node.id, allocatedFrom: null, title, metric: input.metric, facilityType, comparator, threshold, thresholdHigh, baseline, startsOn, deadline, responsibleUnit, phases };
}

export const targetService = {
  /** A target of the caller's subtree. */
  async get(ctx: Context, rawId: string): Promise<TargetNode> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const row = await reachedTarget(ctx, Capability.READ_TARGETS, rawId, 'id');
    return (await nodesOf(ctx, [row]))[0];
  },

  /** The targets set at nodes of the subtree below `under` (default: the caller's home), newest first. */
  async list(ctx: Context, args: TargetListArgs): Promise<Page<TargetNode>> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const filter = { underCode: under.code, metric: args.metric ?? null, allocated: args.allocated ?? null };
    return keysetPage(args, {
      key: ID_KEY,
      search: (before, limit) => targetPage(ctx, filter, before, limit),
      count: () => targetCount(ctx, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => nodesOf(ctx, rows),
    });
  },

  /** Sets a target for a jurisdiction of the subtree. */
  async create(ctx: Context, input: CreateTargetInput): Promise<TargetNode> {
    const id = await mutation(ctx, { action: 'target.create', capability: Capability.MANAGE_TARGETS }, async ({ tx, ctx, grant, target, at, detail }) => {
      const node = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(node.id);
      target('Target', []);
      const created = await newTarget(ctx, input, node);
      checkStricter(created, (await targetRepository.ofNodes(tx, [node.id])).filter((row) => row.allocatedFrom !== null));
      const id = await targetRepository.insert(tx, created, grant!.actor.userId);
      target('Target', [id]);
      detail({ metric: input.metric, comparator: created.comparator, threshold: input.threshold, deadline: created.deadline });
      return id;
    });
    return targetService.get(ctx, String(id));
  },

  /**
   * Allocates a target to children of its jurisdiction: one target per child, replacing the previous
   * allocation (children left out lose theirs). For a count the allocations must add up to the
   * target's threshold; for a rate each child gets its own threshold or the target's.
   */
  async allocate(ctx: Context, rawId: string, allocations: readonly TargetAllocationInput[]): Promise<TargetNode> {
    const id = await mutation(ctx, { action: 'target.allocate', capability: Capability.MANAGE_TARGETS }, async ({ tx, ctx, grant, target: named, at, detail }) => {
      const reached = await reachedTarget(ctx, Capability.MANAGE_TARGETS, rawId, 'id');
      at(reached.jurisdictionId);
      named('Target', [reached.id]);
      const target = (await targetRepository.lock(tx, reached.id))!;
      const definition = definitionOf(target);
      const kind = definition.kind;
      if (kind !== MetricKind.RATE && target.comparator === TargetComparator.BETWEEN) {
        throw new BadUserInputError('allocations', 'a count or amount target with a range cannot be split: set a threshold to allocate');
      }
      const chosen = chosenChildren(allocations, await jurisdictionService.allChildren(ctx, target.jurisdictionId));
      const baselineNeeded = allocations.some((allocation) => allocation.baseline === null || allocation.baseline === undefined);
      const readings = baselineNeeded ? await readMetric(ctx, definition, target.facilityType, chosen, baselineDay(definition, target.startsOn), target.startsOn) : [];
      const rows = allocations.map((allocation, i) => allocationOf(target, allocation, chosen[i], readings[i], `allocations[${i}]`));
      checkAllocationSum(target, rows);
      await targetRepository.replaceAllocations(tx, target.id, rows, grant!.actor.userId);
      detail({ allocations: rows.map((row, i) => ({ code: chosen[i].code, threshold: fromUnits(kind, row.threshold) })) });
      return target.id;
    });
    return targetService.get(ctx, String(id));
  },

  /** The target this one was allocated from, as a reference (it may belong to a level above the caller). */
  async allocatedFrom(ctx: Context, target: TargetNode): Promise<TargetRef | null> {
    if (target.row.allocatedFrom === null) return null;
    const parent = await loader(ctx, targetByIdLoader).load(target.row.allocatedFrom);
    return parent ? refOf(ctx, parent) : null;
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
  allocationSummary(ctx: Context, target: TargetNode): Promise<AllocationSummary | null> {
    return allocationSummary(ctx, target);
  },

  /** The target's board at the end of `asOf` (target-boards.ts). */
  board(ctx: Context, target: TargetNode, asOf?: string | null, order?: BoardOrder | null, level?: JurisdictionLevel | null): Promise<TargetBoard> {
    return targetBoard(ctx, target, asOf, order, level);
  },
};
