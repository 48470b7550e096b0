import { denied, grantFor, requireCodes, requireReach, type Grant } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { thisMonthInChina } from '../kernel/dates';
import type { JurisdictionLevel } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { asInstance } from '../graphql/roots';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { checkMonth, RUN_STATEMENT_TIMEOUT } from '../policies/entitlement-run.service';
import { fundersOf, parseArrangement, splitBy } from './arrangement';
import { settlementRepository, type ContractRow, type ShareRow, type StatementRow, type TownRow, type VoucherGroup } from './settlement.repository';
import { SettlementItem, SettlementQuarter, SettlementShare, SettlementState, SettlementStatement, SettlementTown, SettlementVillage } from './settlement.types';

/** Statements, items and villages listed at most. */
export const MAX_SETTLEMENT_ROWS = 500;

/**
 * Splits each village's vouchers among its funders so that the split of the statement's total by the cost
 * shares (largest remainder) is exactly the sum of the village splits it shows: per arrangement, villages in
 * code order, each village gets the split of the running total less the split of the total before it.
 */
export function villageShares(groups: readonly VoucherGroup[], lineages: Map<string, Map<JurisdictionLevel, number>>) {
  const byArrangement = new Map<string, VoucherGroup[]>();
  for (const group of groups) byArrangement.set(group.weights, [...(byArrangement.get(group.weights) ?? []), group]);
  const shares = new Map<string, { villageCode: string; funderId: number; amountFen: number }>();
  for (const [weights, villages] of byArrangement) {
    const arrangement = parseArrangement(weights);
    let running = 0;
    let before = splitBy(0, arrangement);
    for (const village of [...villages].sort((a, b) => (a.villageCode < b.villageCode ? -1 : 1))) {
      running += village.fen;
      const now = splitBy(running, arrangement);
      fundersOf(arrangement, village.villageCode, lineages).forEach((funderId, i) => {
        const key = `${village.villageCode}:${funderId}`;
        const share = shares.get(key) ?? { villageCode: village.villageCode, funderId, amountFen: 0 };
        share.amountFen += now[i] - before[i];
        shares.set(key, share);
      });
      before = now;
    }
  }
  return [...shares.values()].filter((s) => s.amountFen !== 0);
}

const shareOf = (row: ShareRow) => asInstance(SettlementShare, { code: row.code, name: row.name, level: row.level, amountFen: Number(row.amountFen) }) as SettlementShare;

function viewOf(row: StatementRow, towns: readonly TownRow[], funders: readonly ShareRow[], within: string): SettlementStatement {
  return asInstance(SettlementStatement, {
    ...row,
    state: row.state as SettlementState,
    towns: towns.filter((t) => t.statementId === row.id).map((t) => asInstance(SettlementTown, t)),
    funders: funders.filter((f) => f.statementId === row.id).map(shareOf),
    within,
  }) as SettlementStatement;
}

/** How a statement is reached: from its purchasing level and from each of its towns (a town checks its part); a provider its own. */
const placed = (row: StatementRow, towns: readonly TownRow[]) => ({
  jurisdictionCode: row.code,
  organisationId: row.organisationId,
  codes: [row.code, ...towns.filter((t) => t.statementId === row.id).map((t) => t.code)],
});

function settledMonth(raw: string): string {
  const month = checkMonth(raw);
  if (month > thisMonthInChina()) throw new BadUserInputError('month', 'must not be after this month');
  return month;
}

export const settlementService = {
  /**
   * Prepares (or prepares again) the contract's statement of the month: its unsettled charges and
   * reversals, each town's part and the funders' shares. A statement prepared again starts its checks over;
   * an approved one is kept.
   */
  async prepare(ctx: Context, rawContract: string, rawMonth: string): Promise<SettlementStatement> {
    return mutation(ctx, { action: 'settlement.prepare', capability: Capability.PREPARE_SETTLEMENTS }, async ({ tx, grant, target, at, detail }) => {
      const contractId = parseId(rawContract, 'contract', 'a contract');
      const month = settledMonth(rawMonth);
      const contract = await settlementRepository.lockContract(tx, contractId);
      requireReach(grant!, [contract && { jurisdictionCode: contract.code }]);
      // A provider's month may hold a hundred thousand orders: its statements are no request's few rows.
      await tx.query(`SET LOCAL statement_timeout = '${RUN_STATEMENT_TIMEOUT}'`);
      const id = await settlementRepository.openStatement(tx, contract!, month, grant!.actor.userId);
      if (id === null) throw new ConflictError('the month’s statement of this contract is approved: it is kept as it is', 'month');
      target('SettlementStatement', [id]);
      at(contract!.jurisdictionId);
      await settlementRepository.gather(tx, id, contract!.id, month);
      await this.splitShares(tx, id, contract!);
      const view = await this.load(tx, id, grant!);
      detail({ contract: contractId, month, orders: view.orders, voucherFen: view.voucherFen });
      return view;
    });
  },

  async splitShares(tx: Context['db'], statementId: number, contract: ContractRow): Promise<void> {
    const groups = await settlementRepository.voucherGroups(tx, statementId, `${contract.level}:1`);
    if (groups.length === 0) return;
    const lineages = await settlementRepository.lineages(tx, [...new Set(groups.map((g) => g.villageCode))]);
    await settlementRepository.insertShares(tx, statementId, villageShares(groups, lineages));
  },

  /** The statement as the grant may see it (its items and villages narrowed to the caller's subtree). */
  async load(db: Context['db'], id: number, grant: Grant): Promise<SettlementStatement> {
    const [row] = await settlementRepository.statements(db, [id]);
    const [towns, funders] = await Promise.all([settlementRepository.towns(db, [id]), settlementRepository.funders(db, [id])]);
    return viewOf(row, towns, funders, grant.code);
  },

  /** Loads a statement for a change (row-locked unless `lock` is false), refused the same way whether it is out of reach or missing. */
  async forChange(
    tx: Context['db'],
    grant: Grant,
    rawId: string,
    reachedAt: (row: StatementRow, towns: TownRow[]) => string[],
    lock = true,
  ): Promise<{ row: StatementRow; towns: TownRow[] }> {
    const id = parseId(rawId, 'statement', 'a statement');
    const [row] = await settlementRepository.statements(tx, [id], lock);
    const towns = row ? await settlementRepository.towns(tx, [id]) : [];
    requireReach(grant, [row && { jurisdictionCode: row.code, organisationId: row.organisationId, codes: reachedAt(row, towns) }], { at: (place) => place.codes });
    return { row, towns };
  },

  /** A town's civil-affairs office confirms its part of a DRAFT statement (由各鎮核實上報數據). */
  async checkTown(ctx: Context, rawId: string, town: string): Promise<SettlementStatement> {
    return mutation(ctx, { action: 'settlement.checkTown', capability: Capability.REVIEW_SETTLEMENTS }, async ({ tx, grant, target, at, detail }) => {
      if (typeof town !== 'string' || !/^\d{9}$/.test(town)) throw new BadUserInputError('town', 'must be a town’s 9-digit division code');
      requireCodes(ctx, [town]);
      // A statement the town has no part in is not the town's to see: refused as one out of reach.
      const { row } = await this.forChange(tx, grant!, rawId, (_, towns) => (towns.some((t) => t.code === town) ? [town] : []));
      target('SettlementStatement', [row.id]);
      at(row.jurisdictionId);
      if (row.state !== SettlementState.DRAFT) throw new ConflictError(`the statement is ${row.state}: only a draft is checked`, 'statement');
      if (!(await settlementRepository.checkTown(tx, row.id, town, grant!.actor.userId))) throw new ConflictError(`town ${town} has already checked its part`, 'town');
      detail({ town });
      return this.load(tx, row.id, grant!);
    });
  },

  /** The purchasing level's civil-affairs office reviews a draft every town has checked. */
  async review(ctx: Context, rawId: string): Promise<SettlementStatement> {
    return mutation(ctx, { action: 'settlement.review', capability: Capability.REVIEW_SETTLEMENTS }, async ({ tx, grant, target, at }) => {
      const { row } = await this.forChange(tx, grant!, rawId, (r) => [r.code]);
      target('SettlementStatement', [row.id]);
      at(row.jurisdictionId);
      if (row.state !== SettlementState.DRAFT) throw new ConflictError(`the statement is already ${row.state}`, 'statement');
      const unchecked = await settlementRepository.uncheckedTowns(tx, row.id);
      if (unchecked.length > 0) throw new ConflictError(`towns ${unchecked.join(', ')} have not checked their part`, 'statement');
      await settlementRepository.markReviewed(tx, row.id, grant!.actor.userId);
      return this.load(tx, row.id, grant!);
    });
  },

  /** Finance approves a reviewed statement (never its reviewer): it is kept, and its vouchers become the funders' payables. */
  async approve(ctx: Context, rawId: string): Promise<SettlementStatement> {
    return mutation(ctx, { action: 'settlement.approve', capability: Capability.APPROVE_SETTLEMENTS }, async ({ tx, grant, target, at, detail }) => {
      // The contract's lock before the statement's, in the order a preparation takes them (else the two deadlock):
      // one contract's statements settle one at a time.
      const { row: first } = await this.forChange(tx, grant!, rawId, (r) => [r.code], false);
      await settlementRepository.lockContract(tx, first.contractId);
      await tx.query(`SET LOCAL statement_timeout = '${RUN_STATEMENT_TIMEOUT}'`);
      const [row] = await settlementRepository.statements(tx, [first.id], true);
      target('SettlementStatement', [row.id]);
      at(row.jurisdictionId);
      if (row.reviewedById === grant!.actor.userId) throw denied('you reviewed this statement: another person approves it');
      if (row.state !== SettlementState.REVIEWED) throw new ConflictError(`the statement is ${row.state}: only a reviewed statement is approved`, 'statement');
      if (!(await settlementRepository.approve(tx, row, grant!.actor.userId))) {
        throw new ConflictError('a statement approved since settled some of these orders: prepare this one again', 'statement');
      }
      detail({ voucherFen: Number(row.voucherFen), orders: row.orders });
      return this.load(tx, row.id, grant!);
    });
  },

  /** One statement, reached from its purchasing level or one of its towns (a provider: its own). */
  async statement(ctx: Context, rawId: string): Promise<SettlementStatement> {
    const grant = grantFor(ctx, Capability.READ_SETTLEMENTS);
    const id = parseId(rawId, 'id', 'a statement');
    const [row] = await settlementRepository.statements(ctx.db, [id]);
    const [towns, funders] = row ? await Promise.all([settlementRepository.towns(ctx.db, [id]), settlementRepository.funders(ctx.db, [id])]) : [[], []];
    requireReach(grant, [row && placed(row, towns)], { at: (p) => p.codes });
    return viewOf(row, towns, funders, grant.organisationId === null ? grant.code : '');
  },

  /** Statements under a node (default: the caller's home), newest month first; a provider's own only. */
  async statements(ctx: Context, under: string | null, rawMonth: string | null, state: SettlementState | null, first: number): Promise<SettlementStatement[]> {
    const grant = grantFor(ctx, Capability.READ_SETTLEMENTS);
    if (!Number.isInteger(first) || first < 1 || first > MAX_SETTLEMENT_ROWS) throw new BadUserInputError('first', `must be from 1 to ${MAX_SETTLEMENT_ROWS}`);
    const month = rawMonth == null ? null : checkMonth(rawMonth);
    const node = await jurisdictionService.get(ctx, under ?? grant.code, 'under');
    const rows = await settlementRepository.statementsUnder(ctx.db, node.code, grant.organisationId, month, state, first);
    const ids = rows.map((r) => r.id);
    const [towns, funders] = ids.length === 0 ? [[], []] : await Promise.all([settlementRepository.towns(ctx.db, ids), settlementRepository.funders(ctx.db, ids)]);
    return rows.map((row) => viewOf(row, towns, funders, grant.organisationId === null ? grant.code : ''));
  },

  /** The statement's items within the caller's subtree (a provider: all, its own orders), in posting order. */
  async items(ctx: Context, statement: SettlementStatement, after: string | null, first: number): Promise<SettlementItem[]> {
    if (!Number.isInteger(first) || first < 1 || first > MAX_SETTLEMENT_ROWS) throw new BadUserInputError('first', `must be from 1 to ${MAX_SETTLEMENT_ROWS}`);
    if (after !== null && !/^\d{1,18}$/.test(after)) throw new BadUserInputError('after', 'must be a posting id');
    const rows = await settlementRepository.items(ctx.db, statement.id, statement.within, after, first);
    return rows.map((row) => asInstance(SettlementItem, row) as SettlementItem);
  },

  /** Each village's vouchers and their split, within the caller's subtree. */
  async villages(ctx: Context, statement: SettlementStatement): Promise<SettlementVillage[]> {
    const rows = await settlementRepository.villageShares(ctx.db, statement.id, statement.within);
    const byVillage = new Map<string, ShareRow[]>();
    for (const row of rows) byVillage.set(row.villageCode, [...(byVillage.get(row.villageCode) ?? []), row]);
    return [...byVillage].map(([code, shares]) =>
      asInstance(SettlementVillage, { code, voucherFen: shares.reduce((sum, s) => sum + Number(s.amountFen), 0), shares: shares.map(shareOf) }) as SettlementVillage,
    );
  },

  /** What each funding level under the node owes providers for the quarter (资金结算每季一次): approved statements of its months. */
  async quarter(ctx: Context, at: string, year: number, quarter: number): Promise<SettlementQuarter> {
    grantFor(ctx, Capability.READ_SETTLEMENT_FIGURES);
    requireCodes(ctx, [at]);
    if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new BadUserInputError('year', 'must be from 2000 to 2100');
    if (!Number.isInteger(quarter) || quarter < 1 || quarter > 4) throw new BadUserInputError('quarter', 'must be 1, 2, 3 or 4');
    const node = await jurisdictionService.get(ctx, at, 'at');
    const from = `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`;
    const to = quarter === 4 ? `${year + 1}-01-01` : `${year}-${String(quarter * 3 + 1).padStart(2, '0')}-01`;
    const { statements, funders } = await settlementRepository.quarter(ctx.db, node.code, from, to);
    const shares = funders.map(shareOf);
    return asInstance(SettlementQuarter, { code: node.code, year, quarter, statements, totalFen: shares.reduce((sum, s) => sum + s.amountFen, 0), funders: shares }) as SettlementQuarter;
  },
};
