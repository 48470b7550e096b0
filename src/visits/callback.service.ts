import { grantFor, requireReach, type Grant } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { careRulesService } from '../care/care-rules.service';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { parseText } from '../kernel/text';
import { byShareDescending, competitionRanks } from '../kernel/ranking';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { parseDayField } from '../procedures/procedure.rules';
import type { CallbackInput } from './callback.inputs';
import { callbackRepository, type CalledOrder, type CallbackFigureRow, type CallbackRow, type DrawRow } from './callback.repository';
import { CallbackKind, drawSample, newDrawSeed } from './callback.rules';
import type { CallbackFigures, CallbackRates, NodeCallbackFigures } from './callback.types';
import { figureNode, nodeRef } from './node-figures';

/** The longest day range the call-back figures take in one request: a year (a bound of the request, not a rule). */
export const MAX_FIGURE_DAYS = 366;

const DAY_MS = 86_400_000;
const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

/** The call-back's answer from the client, checked field by field against the order's visit day. */
function parseAnswer(input: CallbackInput, serviceDay: string) {
  const today = todayInChina();
  const calledOn = input.calledOn == null ? today : parseDayField(input.calledOn, 'input.calledOn', serviceDay);
  if (calledOn > today) throw new BadUserInputError('input.calledOn', `must not be after today (${today})`);
  if (calledOn < serviceDay) throw new BadUserInputError('input.calledOn', `must not be before the visit’s day (${serviceDay})`);
  const satisfaction = input.satisfaction ?? null;
  if (input.reached && satisfaction === null) throw new BadUserInputError('input.satisfaction', 'is required when the recipient was reached');
  if (!input.reached && satisfaction !== null) throw new BadUserInputError('input.satisfaction', 'must not be given when the recipient was not reached');
  const belowStandard = input.belowStandard ?? false;
  if (!input.reached && belowStandard) throw new BadUserInputError('input.belowStandard', 'needs the recipient reached: an unanswered call finds nothing');
  const note = parseText(input.note, 'input.note', { required: false, max: 2000 });
  return { calledOn, reached: input.reached, satisfaction, belowStandard, note };
}

/**
 * Records one call-back of a locked order reached by the caller: one of each kind per order (CONFLICT
 * after the first); found below standard, a VERIFIED order becomes VOID with VOIDED_ON_CALLBACK in the
 * same transaction. Only a decided order (VERIFIED or VOID) is called back.
 */
async function recordCallback(w: Write, order: CalledOrder, kind: CallbackKind, drawId: number | null, input: CallbackInput): Promise<number> {
  if (order.state !== 'VERIFIED' && order.state !== 'VOID') throw new ConflictError(`the order’s visit is not decided (${order.state}): only a decided visit is called back`, 'order');
  const answer = parseAnswer(input, order.serviceDay!);
  if (await callbackRepository.existing(w.tx, order.id, kind)) throw new ConflictError(`the order already has its ${kind === CallbackKind.PROVIDER ? 'provider’s' : 'online'} call-back`, 'order');
  const voidedOrder = answer.belowStandard && (await callbackRepository.voidOnCallback(w.tx, order.id));
  const id = await callbackRepository.insert(w.tx, {
    ...answer,
    order: { ...order, serviceDay: order.serviceDay! },
    kind,
    drawId,
    voidedOrder,
    userId: w.grant!.actor.userId,
  });
  w.detail({ kind, callback: id, reached: answer.reached, satisfaction: answer.satisfaction, belowStandard: answer.belowStandard, voidedOrder });
  return id;
}

/** The order when the grant reaches it (its village, and for a provider its organisation); FORBIDDEN whether or not it exists. */
function reachedOrder(grant: Grant, order: CalledOrder | null): CalledOrder {
  requireReach(grant, [order && { jurisdictionCode: order.villageCode, organisationId: order.organisationId }]);
  return order!;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

function figuresOf(rows: readonly CallbackFigureRow[]): CallbackFigures {
  const sum = (pick: (row: CallbackFigureRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const verifiedOrders = sum((r) => r.verifiedOrders);
  const providerCallbacks = sum((r) => r.providerCallbacks);
  const onlineCallbacks = sum((r) => r.onlineCallbacks);
  return {
    verifiedOrders,
    providerCallbacks,
    providerShare: share(providerCallbacks, verifiedOrders),
    drawnOrders: sum((r) => r.drawnOrders),
    onlineCallbacks,
    onlineShare: share(onlineCallbacks, verifiedOrders),
    voidedOnCallback: sum((r) => r.voidedOnCallback),
    dissatisfied: sum((r) => r.dissatisfied),
  };
}

/** Each child's figures in code order, with its rank among the children (by providerShare, then onlineShare; none without verified orders). */
function rankedChildren(rows: readonly CallbackFigureRow[]): NodeCallbackFigures[] {
  const children = rows.map((row) => ({ node: nodeRef(row), figures: figuresOf([row]), rank: null as number | null }));
  const ranks = competitionRanks(children, (a, b) => byShareDescending(a.figures.providerShare, b.figures.providerShare) || byShareDescending(a.figures.onlineShare, b.figures.onlineShare));
  children.forEach((child, i) => {
    child.rank = child.figures.verifiedOrders === 0 ? null : ranks[i];
  });
  return children;
}

export const callbackService = {
  /** The provider's call-back of its order (RECORD_CALLBACKS over the order's village and organisation). */
  async recordProvider(ctx: Context, rawOrder: string, input: CallbackInput): Promise<CallbackRow> {
    const spec = { action: 'callback.recordProvider', capability: Capability.RECORD_CALLBACKS };
    const id = await mutation(ctx, spec, async (w) => {
      const orderId = parseId(rawOrder, 'order', 'a work order');
      w.target('WorkOrder', [orderId]);
      const order = reachedOrder(w.grant!, await callbackRepository.lockOrder(w.tx, orderId));
      return recordCallback(w, order, CallbackKind.PROVIDER, null, input);
    });
    return callbackRepository.byId(ctx.db, id);
  },

  /** The county's online call-back of an order its draw picked (CALL_BACK_ONLINE over the order's village and the draw's county). */
  async recordOnline(ctx: Context, rawOrder: string, input: CallbackInput): Promise<CallbackRow> {
    const spec = { action: 'callback.recordOnline', capability: Capability.CALL_BACK_ONLINE };
    const id = await mutation(ctx, spec, async (w) => {
      const orderId = parseId(rawOrder, 'order', 'a work order');
      w.target('WorkOrder', [orderId]);
      const order = reachedOrder(w.grant!, await callbackRepository.lockOrder(w.tx, orderId));
      const draw = await callbackRepository.drawOf(w.tx, order.id);
      if (!draw) throw new BadUserInputError('order', 'was not drawn for an online call-back: draw its day first (drawCallbackSample)');
      requireReach(w.grant!, [{ jurisdictionCode: draw.county.code }]);
      w.at(draw.county.id);
      return recordCallback(w, order, CallbackKind.ONLINE, draw.id, input);
    });
    return callbackRepository.byId(ctx.db, id);
  },

  /**
   * Draws a county's online call-back sample of a day (CALL_BACK_ONLINE over the county): its VERIFIED
   * orders of that day ordered by SHA-256 of a new random seed and the order id, the first
   * ceil(onlineCallbackPercent × n / 100). Stored once per county and day: a later or concurrent call
   * answers the stored draw. The day must be over (before today).
   */
  async draw(ctx: Context, rawCounty: string, rawDay: string): Promise<DrawRow> {
    const spec = { action: 'callbackDraw.draw', capability: Capability.CALL_BACK_ONLINE };
    const found = await mutation(ctx, spec, async (w) => {
      const county = await jurisdictionService.get(w.ctx, rawCounty, 'county');
      w.at(county.id);
      w.target('CallbackDraw', []);
      if (county.level !== JurisdictionLevel.COUNTY) throw new BadUserInputError('county', 'must be a county: the district draws its own orders');
      const day = parseDayField(rawDay, 'day');
      const today = todayInChina();
      if (day >= today) throw new BadUserInputError('day', `must be before today (${today}): a day’s orders are drawn once the day is over`);
      const stored = await callbackRepository.drawAt(w.tx, county.id, day);
      if (stored) {
        w.target('CallbackDraw', [stored.id]);
        w.detail({ day, stored: true });
        return stored.id;
      }
      const rules = await careRulesService.rulesAt(w.ctx, county.code, day);
      if (!rules) throw new BadUserInputError('county', `has no care rules in force on ${day}: the share drawn is their onlineCallbackPercent`);
      const percent = rules.rules.onlineCallbackPercent;
      const populationIds = await callbackRepository.verifiedOrdersOn(w.tx, county.code, day);
      const seed = newDrawSeed();
      const orderIds = drawSample(seed, populationIds, percent);
      const inserted = await callbackRepository.insertDraw(w.tx, { countyId: county.id, countyCode: county.code, day, seed, percent, populationIds, orderIds, userId: w.grant!.actor.userId });
      const id = inserted ?? (await callbackRepository.drawAt(w.tx, county.id, day))!.id;
      w.target('CallbackDraw', [id]);
      w.detail(inserted === null ? { day, stored: true } : { day, seed, percent, population: populationIds.length, drawn: orderIds });
      return id;
    });
    return callbackRepository.drawById(ctx.db, found);
  },

  /** The county's stored draw of a day, or null (CALL_BACK_ONLINE over the county). */
  async drawOf(ctx: Context, rawCounty: string, rawDay: string): Promise<DrawRow | null> {
    grantFor(ctx, Capability.CALL_BACK_ONLINE);
    const county = await jurisdictionService.get(ctx, rawCounty, 'county');
    return callbackRepository.drawAt(ctx.db, county.id, parseDayField(rawDay, 'day'));
  },

  /** An order's call-backs, in the order recorded (READ_CALLBACKS over the order: a provider, its own). */
  async ofOrder(ctx: Context, rawOrder: string): Promise<CallbackRow[]> {
    const grant = grantFor(ctx, Capability.READ_CALLBACKS);
    const order = reachedOrder(grant, await callbackRepository.order(ctx.db, parseId(rawOrder, 'order', 'a work order')));
    return callbackRepository.ofOrder(ctx.db, order.id);
  },

  /** The call-back figures at a node of the subtree over `from`–`to` (at most a year), and each child's, in one statement. */
  async rates(ctx: Context, rawUnder: string | null | undefined, rawFrom: string, rawTo: string): Promise<CallbackRates> {
    grantFor(ctx, Capability.READ_OVERSIGHT_FIGURES);
    const node = rawUnder ? await jurisdictionService.get(ctx, rawUnder, 'under') : await jurisdictionService.home(ctx);
    const from = parseDayField(rawFrom, 'from');
    const to = parseDayField(rawTo, 'to', from);
    if (daysBetween(from, to) >= MAX_FIGURE_DAYS) throw new BadUserInputError('to', `must be less than ${MAX_FIGURE_DAYS} days after from`);
    const figured = figureNode(node);
    const [rows, rules] = await Promise.all([
      callbackRepository.figuresByChild(ctx.db, figured, from, to),
      careRulesService.rulesAt(ctx, node.code, to),
    ]);
    return {
      node: nodeRef(node),
      from,
      to,
      providerPercentRequired: rules?.rules.providerCallbackPercent ?? null,
      onlinePercentRequired: rules?.rules.onlineCallbackPercent ?? null,
      figures: figuresOf(rows),
      children: figured.childLength === null ? [] : rankedChildren(rows),
    };
  },
};
