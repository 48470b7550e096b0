import { grantFor, requireCapability, requireCodes, requireReach } from '../access/scope';
import type { Enrolled } from '../cases/enrolment-hooks';
import { mutation } from '../audit/mutation';
import { carePlanService } from '../care/care-plan.service';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { addMonths, thisMonthInChina } from '../kernel/dates';
import { CODE_LENGTH, pathOfCode } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { competitionRanks } from '../kernel/ranking';
import { asInstance } from '../graphql/roots';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { complianceRepository, type CareMonthRow, type ComplianceSums } from './compliance.repository';
import { CareCompliance, CareMonthRun, ComplianceBasis, ComplianceOrder, RecipientCareMonth } from './compliance.types';

/** Recipients whose requirements are computed and stored in one round: a month of 100,000 is 20 of them. */
export const PLAN_BATCH = 5000;

const ZERO: Omit<ComplianceSums, 'code' | 'closed'> = { recipients: 0, met: 0, required: 0, owed: 0, verified: 0, minutes: 0, voidOrders: 0 };

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The codes of the node and of its ancestors. */
const lineOf = (code: string) => pathOfCode(code);

function figuresOf(node: Jurisdiction, month: string, sums: Omit<ComplianceSums, 'code' | 'closed'>, basis: ComplianceBasis, closed: boolean): CareCompliance {
  return asInstance(CareCompliance, {
    jurisdiction: node,
    month,
    basis,
    closed,
    recipients: sums.recipients,
    recipientsMet: sums.met,
    metShare: share(sums.met, sums.recipients),
    requiredVisits: sums.required,
    makeUpVisits: sums.owed,
    verifiedVisits: sums.verified,
    verifiedMinutes: sums.minutes,
    verifiedHours: Math.round((sums.minutes * 100) / 60) / 100,
    voidOrders: sums.voidOrders,
    voidRate: share(sums.voidOrders, sums.verified + sums.voidOrders),
    rank: null,
    rankedAmong: null,
  }) as CareCompliance;
}

/**
 * Each node's figures in the month: as closed where a close covers the node (at it or above it) unless
 * `live`, else live. Two statements whatever the number of nodes: their sums, and the closes along their paths.
 */
async function figuresOfNodes(ctx: Context, nodes: readonly Jurisdiction[], month: string, live: boolean, read: () => Promise<ComplianceSums[]>): Promise<CareCompliance[]> {
  if (nodes.length === 0) return [];
  const [rows, closes] = await Promise.all([
    read(),
    complianceRepository.closesAt(ctx.db, [...new Set(nodes.flatMap((node) => lineOf(node.code)))], month),
  ]);
  const closedCodes = new Set(closes.map((close) => close.code));
  const sums = new Map(rows.map((row) => [`${row.code}|${row.closed}`, row]));
  return nodes.map((node) => {
    const closed = lineOf(node.code).some((code) => closedCodes.has(code));
    const basis = closed && !live ? ComplianceBasis.CLOSED : ComplianceBasis.LIVE;
    const figures = figuresOf(node, month, sums.get(`${node.code}|${basis === ComplianceBasis.CLOSED}`) ?? ZERO, basis, closed);
    figures.live = live;
    return figures;
  });
}

/** Better first: a higher share met (none last), then a lower void rate. */
function byRank(a: CareCompliance, b: CareCompliance): number {
  const shareOf = (f: CareCompliance) => f.metShare ?? -1;
  const voidOf = (f: CareCompliance) => f.voidRate ?? 0;
  return shareOf(b) - shareOf(a) || voidOf(a) - voidOf(b);
}
const byCode = (a: CareCompliance, b: CareCompliance) => (a.jurisdiction.code < b.jurisdiction.code ? -1 : a.jurisdiction.code > b.jurisdiction.code ? 1 : 0);

/** The figures with their competition ranks among themselves. */
function rankAll(figures: CareCompliance[]): CareCompliance[] {
  const ranks = competitionRanks(figures, byRank);
  figures.forEach((figure, i) => {
    figure.rank = ranks[i];
    figure.rankedAmong = figures.length;
  });
  return figures;
}

function requireFigures(ctx: Context, node: Jurisdiction): void {
  requireCapability(ctx, Capability.READ_COMPLIANCE_FIGURES);
  requireCodes(ctx, [node.code]);
}

const monthOf = (row: CareMonthRow | null, closed: boolean) =>
  row === null
    ? { required: 0, owed: 0, verified: 0, minutes: 0, voidOrders: 0 }
    : closed
      ? { required: row.closedRequired!, owed: row.closedOwed!, verified: row.closedVerified!, minutes: row.closedMinutes!, voidOrders: row.closedVoid! }
      : { required: row.required, owed: row.owed, verified: row.verified, minutes: row.minutes, voidOrders: row.voidOrders };

const served = (m: { required: number; owed: number; verified: number }) => m.required + m.owed > 0 && m.verified >= m.required + m.owed;

/** Stores the requirement of every recipient enrolled in the month at or below the node, in batches, and the make-up they are owed. */
async function storeRequirements(ctx: Context, code: string, month: string): Promise<void> {
  let after: number | null = null;
  for (;;) {
    const page = await carePlanService.requirementsUnder(ctx, code, month, after, PLAN_BATCH);
    if (page.length === 0) break;
    await complianceRepository.storeRequirements(
      ctx.db,
      month,
      page.map((r) => ({ personId: r.personId, villageCode: r.villageCode, required: r.requirement?.visitsPerMonth ?? 0, makeUp: r.requirement?.makeUpNextMonth ?? false })),
    );
    after = page[page.length - 1].personId;
    if (page.length < PLAN_BATCH) break;
  }
  await complianceRepository.unplanOthers(ctx.db, code, month);
  await complianceRepository.storeOwed(ctx.db, code, month);
}

async function run(ctx: Context, node: Jurisdiction, month: string, closed: boolean): Promise<CareMonthRun> {
  const totals = await complianceRepository.planned(ctx.db, node.code, month);
  return asInstance(CareMonthRun, { jurisdiction: node, month, enrolled: totals.enrolled, requiredVisits: totals.required, makeUpVisits: totals.owed, closed }) as CareMonthRun;
}

export const complianceService = {
  /** The node's figures in the month (READ_COMPLIANCE_FIGURES over it): as closed once closed there, unless `live`. */
  async ofNode(ctx: Context, at: string, month: string, live: boolean): Promise<CareCompliance> {
    const node = await jurisdictionService.get(ctx, at, 'at', false);
    requireFigures(ctx, node);
    const [figures] = await figuresOfNodes(ctx, [node], month, live, () => complianceRepository.ofNodes(ctx.db, [node.code], month));
    return figures;
  },

  /** The node's children with their figures, ranked among themselves; laggards first unless sorted by code. */
  async children(ctx: Context, parent: CareCompliance, order: ComplianceOrder | null): Promise<CareCompliance[]> {
    const node = parent.jurisdiction;
    requireFigures(ctx, node);
    const children = await jurisdictionService.allChildren(ctx, node.id);
    if (children.length === 0) return [];
    const childLength = CODE_LENGTH[children[0].level];
    const figures = rankAll(
      await figuresOfNodes(ctx, children, parent.month, parent.live ?? false, () => complianceRepository.ofChildren(ctx.db, node.code, childLength, parent.month)),
    );
    return order === ComplianceOrder.CODE ? figures.sort(byCode) : figures.sort((a, b) => -byRank(a, b) || byCode(a, b));
  },

  /** For targets: recipients served as required and recipients to serve, per node, in the month of `day`. No access check: the target's reader has made it. */
  async metShares(ctx: Context, nodes: readonly Jurisdiction[], day: string): Promise<{ numerator: number; denominator: number }[]> {
    const month = day.slice(0, 7);
    const figures = await figuresOfNodes(ctx, nodes, month, false, () => complianceRepository.ofNodes(ctx.db, nodes.map((node) => node.code), month));
    return figures.map((f) => ({ numerator: f.recipientsMet, denominator: f.recipients }));
  },

  /** A recipient's month (READ_CARE_COMPLIANCE over their village): as closed once closed, unless `live`. Out of reach is FORBIDDEN whether or not they exist. */
  async recipientMonth(ctx: Context, rawId: string, month: string, live: boolean): Promise<RecipientCareMonth> {
    const grant = grantFor(ctx, Capability.READ_CARE_COMPLIANCE);
    const personId = parseId(rawId, 'person', 'a person');
    const found = await complianceRepository.recipientMonth(ctx.db, personId, month);
    requireReach(grant, [found && { jurisdictionCode: found.villageCode }], { denial: text('PERSON_NOT_IN_SCOPE') });
    const row = found!.month;
    const closed = row?.closedAt != null && !live;
    const figures = monthOf(row, closed);
    const { visits, distinctItems } = found!;
    const next = found!.next;
    const nextFigures = monthOf(next, false);
    return asInstance(RecipientCareMonth, {
      personId,
      villageCode: row?.villageCode ?? found!.villageCode,
      month,
      basis: closed ? ComplianceBasis.CLOSED : ComplianceBasis.LIVE,
      planned: row?.enrolled ?? false,
      requiredVisits: figures.required,
      makeUpOwed: figures.owed,
      verifiedVisits: figures.verified,
      verifiedMinutes: figures.minutes,
      voidOrders: figures.voidOrders,
      met: served(figures),
      shortfall: Math.max(0, figures.required - figures.verified),
      makeUpAllowed: row?.makeUp ?? false,
      madeUpNextMonth: nextFigures.owed > 0 ? served(nextFigures) : null,
      distinctItemsThisYear: distinctItems,
      visits,
    }) as RecipientCareMonth;
  },

  /**
   * Plans the month at or below the node (PLAN_CARE_MONTHS over it): every enrolled recipient's required
   * visits (the facts of the month's last day, the rules in force at their village) and the make-up owed
   * for the month before as closed. Planning again recomputes; a closed month is CONFLICT (re-close it).
   */
  async plan(ctx: Context, under: string, month: string): Promise<CareMonthRun> {
    return mutation(ctx, { action: 'careMonth.plan', capability: Capability.PLAN_CARE_MONTHS }, async (w) => {
      const node = await jurisdictionService.get(w.ctx, under, 'under', false);
      w.target('Jurisdiction', [node.code]);
      w.at(node.id);
      await complianceRepository.lockMonth(w.tx, node.code, month);
      if ((await complianceRepository.closesAround(w.tx, node.code, lineOf(node.code), month)).length > 0) {
        throw new ConflictError(`${month} is closed at or around ${node.code}: re-close it to recompute`);
      }
      await storeRequirements(w.ctx, node.code, month);
      const result = await run(w.ctx, node, month, false);
      w.detail({ month, enrolled: result.enrolled, requiredVisits: result.requiredVisits });
      return result;
    });
  },

  /**
   * After an approval enrols a person (in the approving transaction): each month from the enrolment's first
   * that is already planned in their county, and not closed at, above or below their village, is planned
   * again at the village, so that the new recipient counts at once instead of at the next plan.
   */
  async planNewRecipient({ ctx, personId, fromMonth }: Enrolled): Promise<void> {
    for (const { villageCode, month } of await complianceRepository.plannedMonthsAroundVillageOf(ctx.db, personId, fromMonth)) {
      await complianceRepository.lockMonth(ctx.db, villageCode, month);
      if ((await complianceRepository.closesAround(ctx.db, villageCode, lineOf(villageCode), month)).length > 0) continue;
      await storeRequirements(ctx, villageCode, month);
    }
  },

  /**
   * Closes the month at or below the node (PLAN_CARE_MONTHS over it): plans it with the month-end facts,
   * stores every recipient's final figures, and passes the shortfall on to the month after where the
   * rules allow a make-up. A month closed at, above or below the node is CONFLICT unless `reclose`.
   */
  async close(ctx: Context, under: string, month: string, reclose: boolean): Promise<CareMonthRun> {
    return mutation(ctx, { action: reclose ? 'careMonth.reclose' : 'careMonth.close', capability: Capability.PLAN_CARE_MONTHS }, async (w) => {
      if (month > thisMonthInChina()) throw new BadUserInputError('month', `must not be after this month (${thisMonthInChina()}): a month is closed once it has begun`);
      const node = await jurisdictionService.get(w.ctx, under, 'under', false);
      w.target('Jurisdiction', [node.code]);
      w.at(node.id);
      await complianceRepository.lockMonth(w.tx, node.code, month);
      const closes = await complianceRepository.closesAround(w.tx, node.code, lineOf(node.code), month);
      if (closes.length > 0 && !reclose) throw new ConflictError(`${month} is already closed at or around ${node.code} (re-close to recompute)`);
      if (closes.length === 0 && reclose) throw new ConflictError(`${month} is not closed at or around ${node.code}: close it first`);
      await storeRequirements(w.ctx, node.code, month);
      await complianceRepository.closeMonths(w.tx, node.code, month);
      await complianceRepository.recordClose(w.tx, node.code, month, w.ctx.actor!.userId);
      // The month after owes what this one fell short of, where it is planned already.
      await complianceRepository.storeOwed(w.tx, node.code, addMonths(month, 1));
      const result = await run(w.ctx, node, month, true);
      w.detail({ month, reclose, enrolled: result.enrolled, requiredVisits: result.requiredVisits });
      return result;
    });
  },
};
