import { actingRole } from '../access/actor';
import { denied, grantFor, requireCodes, requireReach } from '../access/scope';
import { recordReads } from '../audit/audit.service';
import { mutation } from '../audit/mutation';
import type { EnrolmentEnded } from '../cases/enrolment-hooks';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { parseText } from '../kernel/text';
import { text } from '../kernel/messages';
import { asInstance } from '../graphql/roots';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { checkMonth, lockMonthOfSubtree, RUN_STATEMENT_TIMEOUT } from '../policies/entitlement-run.service';
import { LEVEL_COLUMNS } from '../policies/entitlement-run.repository';
import { ledgerRepository, VOUCHER_KINDS, type AdjustmentRow, type LedgerSums } from './ledger.repository';
import type { ProposeVoucherAdjustmentInput, SetLedgerRulesInput } from './ledger.inputs';
import { AdjustmentState, LedgerCause, LedgerRules, PersonVouchers, VoucherAdjustment, VoucherCreditRun, VoucherFigures } from './ledger.types';
import { fundersOf, parseArrangement, splitBy } from './arrangement';
import { settlementRepository } from './settlement.repository';
import { ledgerRulesRepository } from './ledger-rules.repository';
import { thisMonthInChina } from '../kernel/dates';
import { parentCodeOf } from '../kernel/division-codes';
import type { EntityManager } from 'typeorm';
import type { SchemeKind } from '../policies/policy-kinds';

/** Memory for one sort or hash of a credit run (of one connection, for the run's transaction only). */
const RUN_WORK_MEM = '256MB';

/** Adjustments and postings listed at most. */
export const MAX_POSTINGS = 200;

const LEVEL_KEYS = ['provinceFen', 'cityFen', 'countyFen', 'townFen', 'villageFen'] as const;

function figuresOf(node: Jurisdiction, month: string, sums: LedgerSums | undefined): VoucherFigures {
  const at = (key: keyof LedgerSums) => Number(sums?.[key] ?? 0);
  return asInstance(VoucherFigures, {
    jurisdiction: node,
    month,
    creditedFen: at('creditedFen'),
    funders: LEVEL_COLUMNS.map((level, i) => ({ level, amountFen: at(LEVEL_KEYS[i]) })).filter((f) => f.amountFen !== 0),
    voucherChargedFen: at('voucherChargedFen'),
    ownPaidFen: at('ownPaidFen'),
    returnedFen: at('returnedFen'),
    adjustedFen: at('adjustedFen'),
    balanceFen: at('balanceFen'),
  }) as VoucherFigures;
}

/** The largest adjustment either way: 1,000,000 元. */
const MAX_ADJUSTMENT_FEN = 100_000_000;

const constraintOf = (error: unknown): string | undefined =>
  (error as { constraint?: string }).constraint ?? (error as { driverError?: { constraint?: string } }).driverError?.constraint;

const viewOf = (row: AdjustmentRow): VoucherAdjustment =>
  asInstance(VoucherAdjustment, { ...row, schemeKind: row.schemeKind as SchemeKind, state: row.state as AdjustmentState }) as VoucherAdjustment;

/**
 * Returns to their funders the balances of accounts frozen before the month, under the root, where the
 * level's rules say so: split by the arrangement that funded the account (its county alone when none did).
 */
async function returnFrozen(tx: EntityManager, path: string, month: string, runId: number): Promise<number> {
  const frozen = await ledgerRulesRepository.frozenToReturn(tx, path, month);
  if (frozen.length === 0) return 0;
  const lineages = await settlementRepository.lineages(tx, [...new Set(frozen.map((f) => f.villageCode))]);
  const returns = frozen.map((account) => {
    const arrangement = parseArrangement(account.weights ?? 'COUNTY:1');
    const amounts = splitBy(account.balanceFen, arrangement);
    const funders = fundersOf(arrangement, account.villageCode, lineages).map((funderId, i) => ({ funderId, amountFen: amounts[i] }));
    return { ...account, funders };
  });
  await ledgerRulesRepository.postReturns(tx, month, runId, returns);
  return frozen.reduce((sum, f) => sum + f.balanceFen, 0);
}

/** `checkMonth` for a month given inside an input: a refusal names the input's field. */
function inputMonth(raw: string, field: string): string {
  try {
    return checkMonth(raw);
  } catch (error) {
    if (error instanceof BadUserInputError) throw new BadUserInputError(field, error.problem);
    throw error;
  }
}

const rulesOf = (row: Awaited<ReturnType<typeof ledgerRulesRepository.rulesAt>>) => asInstance(LedgerRules, row) as LedgerRules;

export const ledgerService = {
  /**
   * Posts the month's voucher credits under the node from its entitlement lines (schemes of the voucher
   * kind): once per person, scheme and month however often it is run; a rerun after a correction posts
   * the difference. Locked like an entitlement run of the same month and subtree, so that the lines it
   * reads are not being replaced.
   */
  async postCredits(ctx: Context, code: string, rawMonth: string): Promise<VoucherCreditRun> {
    const month = checkMonth(rawMonth);
    let root: Jurisdiction;
    return mutation(
      ctx,
      {
        action: 'ledger.postCredits',
        capability: Capability.POST_VOUCHER_CREDITS,
        // The scope is checked before the locks: a refused call never holds up a run it could not make.
        transaction: async (inside) => {
          root = await jurisdictionService.get(ctx, code);
          return ctx.dataSource.transaction('READ COMMITTED', async (tx) => {
            await lockMonthOfSubtree(tx, root, month);
            await tx.query(`SET LOCAL statement_timeout = '${RUN_STATEMENT_TIMEOUT}'`);
            // A province's million lines are sorted and hashed in memory rather than on disk.
            await tx.query(`SET LOCAL work_mem = '${RUN_WORK_MEM}'`);
            return inside(tx);
          });
        },
      },
      async ({ tx, grant, target, at, detail }) => {
        at(root.id);
        const runId = await ledgerRepository.insertRun(tx, root.id, month, grant!.actor.userId);
        target('VoucherCreditRun', [runId]);
        const outcome = await ledgerRepository.credit(tx, root.code, root.path, month, runId);
        await ledgerRepository.finishRun(tx, runId, outcome);
        const returnedFen = await returnFrozen(tx, root.path, month, runId);
        detail({ code: root.code, month, ...outcome, returnedFen });
        return asInstance(VoucherCreditRun, { id: runId, jurisdiction: root, month, ...outcome, returnedFen }) as VoucherCreditRun;
      },
    );
  },

  /** A person's voucher accounts with their latest postings (personal data: the read is audited). */
  async personVouchers(ctx: Context, rawPerson: string, first: number): Promise<PersonVouchers> {
    const grant = grantFor(ctx, Capability.READ_VOUCHER_ACCOUNTS);
    if (!Number.isInteger(first) || first < 1 || first > MAX_POSTINGS) throw new BadUserInputError('first', `must be from 1 to ${MAX_POSTINGS}`);
    const personId = parseId(rawPerson, 'person', 'a person');
    const found = await ledgerRepository.voucherAccounts(ctx.db, personId);
    requireReach(grant, [found && { jurisdictionCode: found.villageCode }], { denial: text('PERSON_NOT_IN_SCOPE') });
    const { actor } = grant;
    const accounts = found!.accounts;
    const [, ownPaidFen, postings] = await Promise.all([
      recordReads(ctx.db, ctx.requestId, 'ledger.readVouchers', { userId: actor.userId, username: actor.username, role: actingRole(actor, Capability.READ_VOUCHER_ACCOUNTS), clientAddress: ctx.clientAddress }, [
        { jurisdictionId: found!.villageId, targetType: 'Person', targetId: String(personId), detail: { fields: ['vouchers'] } },
      ]),
      ledgerRepository.ownPaid(ctx.db, personId),
      accounts.length === 0 ? [] : ledgerRepository.postingsOf(ctx.db, accounts.map((a) => a.id), first),
    ]);
    return asInstance(PersonVouchers, {
      personId,
      balanceFen: accounts.reduce((sum, a) => sum + a.balanceFen, 0),
      ownPaidFen,
      accounts: accounts.map((account) => ({
        schemeKind: account.schemeKind as SchemeKind,
        balanceFen: account.balanceFen,
        frozenAfter: account.frozenAfter,
        frozenOn: account.frozenOn,
        postings: postings.filter((p) => p.accountId === account.id).map((p) => ({ ...p, cause: p.cause as LedgerCause })),
      })),
    }) as PersonVouchers;
  },

  /** A node's voucher figures for the month (one statement). */
  async figures(ctx: Context, code: string, rawMonth: string): Promise<VoucherFigures> {
    grantFor(ctx, Capability.READ_VOUCHER_FIGURES);
    requireCodes(ctx, [code]);
    const month = checkMonth(rawMonth);
    const node = await jurisdictionService.get(ctx, code);
    const [sums] = await ledgerRepository.sums(ctx.db, [node.code], month);
    return figuresOf(node, month, sums);
  },

  /** The figures of the node's children in the same month, in code order (one statement for all of them). */
  async children(ctx: Context, parent: VoucherFigures): Promise<VoucherFigures[]> {
    grantFor(ctx, Capability.READ_VOUCHER_FIGURES);
    const children = await jurisdictionService.allChildren(ctx, parent.jurisdiction.id);
    if (children.length === 0) return [];
    const byCode = new Map((await ledgerRepository.sums(ctx.db, children.map((c) => c.code), parent.month)).map((s) => [s.code, s]));
    return children.map((child) => figuresOf(child, parent.month, byCode.get(child.code)));
  },

  /** Proposes a manual adjustment of a person's voucher account (maker): nothing moves until another person approves. */
  async proposeAdjustment(ctx: Context, input: ProposeVoucherAdjustmentInput): Promise<VoucherAdjustment> {
    return mutation(ctx, { action: 'ledger.proposeAdjustment', capability: Capability.PROPOSE_VOUCHER_ADJUSTMENTS }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      const personId = parseId(input.person, 'input.person', 'a person');
      const found = await ledgerRepository.voucherAccounts(tx, personId);
      requireReach(grant!, [found && { jurisdictionCode: found.villageCode }], { denial: text('PERSON_NOT_IN_SCOPE') });
      if (!(VOUCHER_KINDS as readonly string[]).includes(input.schemeKind)) throw new BadUserInputError('input.schemeKind', `must be a service subsidy’s kind (${VOUCHER_KINDS.join(', ')})`);
      if (!Number.isSafeInteger(input.amountFen) || input.amountFen === 0 || Math.abs(input.amountFen) > MAX_ADJUSTMENT_FEN) {
        throw new BadUserInputError('input.amountFen', 'must be a whole number of fen, not 0, at most 100,000,000 either way');
      }
      const reason = parseText(input.reason, 'input.reason', { required: true, max: 500 })!;
      // The funder is the person's village or an ancestor, in the caller's subtree: a level moves its own funds.
      if (typeof input.funder !== 'string' || !found!.villageCode.startsWith(input.funder) || input.funder === '') {
        throw new BadUserInputError('input.funder', 'must be the person’s village or one of its ancestors');
      }
      requireCodes(ctx, [input.funder]);
      const funder = await jurisdictionService.get(inside, input.funder, 'input.funder');
      at(found!.villageId);
      const id = await ledgerRepository.insertAdjustment(tx, { personId, schemeKind: input.schemeKind, funderId: funder.id, amountFen: input.amountFen, reason, proposedBy: grant!.actor.userId });
      target('VoucherAdjustment', [id]);
      detail({ person: personId, schemeKind: input.schemeKind, funder: funder.code, amountFen: input.amountFen });
      return viewOf((await ledgerRepository.adjustments(tx, [id]))[0]);
    });
  },

  /** Approves (posts) or rejects a proposed adjustment (checker): never the proposer's own. */
  async decideAdjustment(ctx: Context, rawId: string, approve: boolean, note: string | null): Promise<VoucherAdjustment> {
    return mutation(ctx, { action: 'ledger.decideAdjustment', capability: Capability.APPROVE_VOUCHER_ADJUSTMENTS }, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'an adjustment');
      target('VoucherAdjustment', [id]);
      const decisionNote = parseText(note, 'note', { required: false, max: 500 });
      const [adjustment] = await ledgerRepository.adjustments(tx, [id], true);
      requireReach(grant!, [adjustment && { jurisdictionCode: adjustment.villageCode }]);
      if (adjustment.proposedById === grant!.actor.userId) throw denied('the adjustment was proposed by you: another person decides it');
      if (adjustment.state !== AdjustmentState.PROPOSED) throw new ConflictError(`the adjustment is already ${adjustment.state}`, 'id');
      at(adjustment.funderId);
      if (!approve) {
        await ledgerRepository.rejectAdjustment(tx, id, grant!.actor.userId, decisionNote);
      } else {
        try {
          await ledgerRepository.approveAdjustment(tx, adjustment, grant!.actor.userId, decisionNote);
        } catch (error) {
          if (constraintOf(error) === 'ledger_account_subsidy_not_negative') throw new ConflictError('the account holds less than the adjustment takes back', 'id');
          throw error;
        }
      }
      detail({ approve, amountFen: adjustment.amountFen });
      return viewOf((await ledgerRepository.adjustments(tx, [id]))[0]);
    });
  },

  /** The adjustments of people living under the node (the caller's home by default), newest first. */
  async adjustments(ctx: Context, under: string | null, state: AdjustmentState | null, first: number): Promise<VoucherAdjustment[]> {
    const grant = grantFor(ctx, Capability.READ_VOUCHER_ACCOUNTS);
    if (!Number.isInteger(first) || first < 1 || first > MAX_POSTINGS) throw new BadUserInputError('first', `must be from 1 to ${MAX_POSTINGS}`);
    const code = under ?? grant.code;
    requireCodes(ctx, [code]);
    const node = await jurisdictionService.get(ctx, code, 'under');
    return (await ledgerRepository.adjustmentsUnder(ctx.db, node.code, state, first)).map(viewOf);
  },

  /** Freezes the person's voucher account of the scheme's kind when their enrolment ends (补贴账户自动冻结). */
  async enrolmentEnded(ended: EnrolmentEnded): Promise<void> {
    await ledgerRepository.freeze(ended.tx, ended.personId, ended.schemeId, ended.lastMonth, ended.day);
  },

  /** The voucher rules in force at a node (or its nearest ancestor) in a month: public rules, read along the lineage. */
  async rules(ctx: Context, code: string, rawMonth: string): Promise<LedgerRules> {
    grantFor(ctx, Capability.READ_POLICIES);
    const month = checkMonth(rawMonth);
    const node = await jurisdictionService.get(ctx, code, 'at');
    return rulesOf(await ledgerRulesRepository.rulesAt(ctx.db, node.code, month));
  },

  /** A level sets its voucher rules from a month on (this month or later), never a meal share below what the levels above require. */
  async setRules(ctx: Context, input: SetLedgerRulesInput): Promise<LedgerRules> {
    return mutation(ctx, { action: 'ledger.setRules', capability: Capability.SET_LEDGER_RULES }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      const node = await jurisdictionService.get(inside, input.jurisdictionCode, 'input.jurisdictionCode');
      const fromMonth = inputMonth(input.fromMonth, 'input.fromMonth');
      if (fromMonth < thisMonthInChina()) throw new BadUserInputError('input.fromMonth', 'must be this month or later: months already charged keep their rules');
      const meal = input.mealOwnSharePercent;
      if (!Number.isInteger(meal) || meal < 0 || meal > 100) throw new BadUserInputError('input.mealOwnSharePercent', 'must be a whole percent from 0 to 100');
      if (typeof input.yearCap !== 'boolean') throw new BadUserInputError('input.yearCap', 'must be true or false');
      if (typeof input.returnFrozen !== 'boolean') throw new BadUserInputError('input.returnFrozen', 'must be true or false');
      const source = parseText(input.source, 'input.source', { required: true, max: 2000 })!;
      const parent = parentCodeOf(node.code);
      if (parent !== null) {
        const above = await ledgerRulesRepository.rulesAt(tx, parent, fromMonth);
        if (meal < above.mealOwnSharePercent) throw new BadUserInputError('input.mealOwnSharePercent', `must not be below the ${above.mealOwnSharePercent}% in force above`);
      }
      at(node.id);
      const rules = { fromMonth, mealOwnSharePercent: meal, yearCap: input.yearCap, returnFrozen: input.returnFrozen, source };
      if (!(await ledgerRulesRepository.insertRules(tx, node.id, node.code, rules, grant!.actor.userId))) {
        throw new ConflictError(`${node.name} already set its rules from ${fromMonth}: set them from a later month`, 'input.fromMonth');
      }
      target('LedgerRules', [node.code]);
      detail({ code: node.code, ...rules });
      return rulesOf(await ledgerRulesRepository.rulesAt(tx, node.code, fromMonth));
    });
  },
};
