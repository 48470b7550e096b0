import { denied, requireAccess, requireReach } from '../access/scope';
import { mutation } from '../audit/mutation';
import { facilityService } from '../facilities/facility.service';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { parseText } from '../kernel/text';
import { asInstance } from '../graphql/roots';
import { facilitySubsidyService } from '../policies/facility-subsidy.service';
import { facilityPaymentRepository, type PaymentRow, type PaymentShareRow } from './facility-payment.repository';
import { FacilitySubsidyPayment } from './facility-payment.types';
import { AdjustmentState } from './ledger.types';

const viewOf = (row: PaymentRow, shares: readonly PaymentShareRow[]) =>
  asInstance(FacilitySubsidyPayment, {
    ...row,
    state: row.state as AdjustmentState,
    shares: shares.filter((s) => s.paymentId === row.id).map((s) => ({ code: s.code, name: s.name, level: s.level, amountFen: Number(s.amountFen) })),
  }) as FacilitySubsidyPayment;

async function load(db: Context['db'], ids: number[]): Promise<FacilitySubsidyPayment[]> {
  const [rows, shares] = await Promise.all([facilityPaymentRepository.payments(db, ids), facilityPaymentRepository.shares(db, ids)]);
  return rows.map((row) => viewOf(row, shares));
}

export const facilityPaymentService = {
  /**
   * Proposes paying a facility's year (PREPARE_SETTLEMENTS): what its subsidies are due now, funder by
   * funder (the rules of seed 000 as the facility's figures read them), less what approved payments of the
   * year paid; CONFLICT when nothing is left to pay or a proposal of the year is open.
   */
  async propose(ctx: Context, rawFacility: string, year: number): Promise<FacilitySubsidyPayment> {
    return mutation(ctx, { action: 'facilityPayment.propose', capability: Capability.PREPARE_SETTLEMENTS }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      const facility = await facilityService.lockReached(tx, grant!, rawFacility, 'facility');
      at(facility.jurisdictionId);
      const due = await facilitySubsidyService.forYear(inside, facility, year);
      const paid = await facilityPaymentRepository.paid(tx, facility.id, year);
      const funders = new Set([...due.shares.map((s) => s.funder.id), ...paid.keys()]);
      const shares = [...funders]
        .map((funderId) => ({ funderId, amountFen: (due.shares.find((s) => s.funder.id === funderId)?.amountFen ?? 0) - (paid.get(funderId) ?? 0) }))
        .filter((s) => s.amountFen !== 0);
      if (shares.length === 0) throw new ConflictError(`the facility’s ${year} is paid as due: nothing to propose`, 'year');
      const id = await facilityPaymentRepository.insert(tx, facility.id, year, shares, grant!.actor.userId);
      if (id === null) throw new ConflictError(`a payment of the facility’s ${year} is already proposed: decide it first`, 'year');
      target('FacilitySubsidyPayment', [id]);
      detail({ facility: facility.id, year, amountFen: shares.reduce((sum, s) => sum + s.amountFen, 0) });
      return (await load(tx, [id]))[0];
    });
  },

  /** Approves (posts) or rejects a proposed payment (APPROVE_SETTLEMENTS): never its proposer's. */
  async decide(ctx: Context, rawId: string, approve: boolean, rawNote: string | null): Promise<FacilitySubsidyPayment> {
    return mutation(ctx, { action: 'facilityPayment.decide', capability: Capability.APPROVE_SETTLEMENTS }, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'a payment');
      target('FacilitySubsidyPayment', [id]);
      const note = parseText(rawNote, 'note', { required: false, max: 500 });
      const [payment] = await facilityPaymentRepository.payments(tx, [id], true);
      requireReach(grant!, [payment && { jurisdictionCode: payment.facilityCode, organisationId: payment.organisationId }], { denial: text('FACILITY_NOT_IN_SCOPE') });
      if (payment.proposedById === grant!.actor.userId) throw denied('the payment was proposed by you: another person decides it');
      if (payment.state !== AdjustmentState.PROPOSED) throw new ConflictError(`the payment is already ${payment.state}`, 'id');
      at(payment.jurisdictionId);
      if (approve) await facilityPaymentRepository.approve(tx, payment, grant!.actor.userId, note);
      else await facilityPaymentRepository.reject(tx, id, grant!.actor.userId, note);
      detail({ approve, amountFen: payment.amountFen });
      return (await load(tx, [id]))[0];
    });
  },

  /** A facility's payments (of one year when given), newest first, for whoever reads its subsidies. */
  async ofFacility(ctx: Context, rawFacility: string, year: number | null): Promise<FacilitySubsidyPayment[]> {
    const facility = await facilityService.get(ctx, rawFacility);
    requireAccess(ctx, Capability.READ_FACILITY_SUBSIDIES, [facility], { denial: text('FACILITY_NOT_IN_SCOPE') });
    if (year !== null && (!Number.isInteger(year) || year < 2000 || year > 2100)) throw new BadUserInputError('year', 'must be from 2000 to 2100');
    const rows = await facilityPaymentRepository.ofFacility(ctx.db, facility.id, year);
    const shares = rows.length === 0 ? [] : await facilityPaymentRepository.shares(ctx.db, rows.map((r) => r.id));
    return rows.map((row) => viewOf(row, shares));
  },
};
