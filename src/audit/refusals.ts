import type { GraphQLSchema } from 'graphql';
import type { IMiddlewareFunction, IMiddlewareTypeMap } from 'graphql-middleware';
import { actingRole } from '../access/actor';
import { Capability } from '../kernel/actor';
import { logger } from '../config/logger';
import { loader, type Context } from '../kernel/context';
import { ACCESS_RULES } from '../graphql/rules';
import { attempts, errorOutcome, type Attempt, type NamedTarget } from './attempt';
import { recordAudit } from './audit.service';

/** How the trail names an attempt of one mutation before (or without) its service running. */
export interface MutationAudit {
  /** The action its service records (`mutation`'s `action`). */
  action: string | ((args: Record<string, any>) => string);
  /** The record or jurisdiction the arguments name; known without reading the database. */
  target: (args: Record<string, any>, ctx: Context) => NamedTarget;
}

// An id as the client sent it, bounded: a refused attempt may carry anything.
const MAX_NAME = 100;
const named = (value: unknown, normalise: (text: string) => string = (text) => text): string[] =>
  typeof value === 'string' && value.trim() !== '' ? [normalise(value.trim()).slice(0, MAX_NAME)] : [];

const user = (pick: (args: Record<string, any>) => unknown) => (args: Record<string, any>) => ({
  targetType: 'User',
  targetIds: named(pick(args), (text) => text.toLowerCase()),
});
const jurisdiction = (pick: (args: Record<string, any>) => unknown) => (args: Record<string, any>) => ({
  targetType: 'Jurisdiction',
  targetIds: named(pick(args)),
});
const record = (targetType: string, arg = 'id') => (args: Record<string, any>) => ({ targetType, targetIds: named(args[arg]) });

/**
 * Every mutation, with the action and target its attempts are recorded under. A create names the
 * jurisdiction it would create in; a change names the record; what concerns the caller's own account
 * or subtree names the caller's.
 */
export const MUTATION_AUDIT: Record<string, MutationAudit> = {
  login: { action: 'login', target: user((args) => args.username) },
  changePassword: { action: 'changePassword', target: (_args, ctx) => ({ targetType: 'User', targetIds: named(ctx.actor?.username) }) },
  createUser: { action: 'createUser', target: user((args) => args.input?.username) },
  updateUser: { action: 'updateUser', target: user((args) => args.input?.username) },
  resetPassword: { action: 'resetPassword', target: user((args) => args.username) },
  unlockLogin: { action: 'unlockLogin', target: user((args) => args.username) },
  createFacility: { action: 'createFacility', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  transitionFacility: { action: 'transitionFacility', target: record('Facility') },
  updateFacility: { action: 'updateFacility', target: record('Facility') },
  recordFacilityDiners: { action: 'recordFacilityDiners', target: record('Facility') },
  designateVillageFacility: { action: 'designateVillageFacility', target: record('Facility', 'facilityId') },
  registerPerson: { action: 'person.register', target: jurisdiction((args) => args.input?.villageCode) },
  updatePerson: { action: 'person.update', target: record('Person') },
  setPersonCategories: { action: 'person.setCategories', target: record('Person') },
  recordPersonStatus: { action: 'person.recordStatus', target: record('Person') },
  recordAbilityAssessment: { action: 'person.recordAssessment', target: record('Person', 'personId') },
  // The rows' villages are known only once the file is read: the import names the subtree it goes into.
  importPeople: {
    action: (args) => (args.input?.dryRun ? 'person.importCheck' : 'person.import'),
    target: (_args, ctx) => ({ targetType: 'Jurisdiction', targetIds: named(ctx.actor?.jurisdictionCode) }),
  },
  createSubsidyScheme: { action: 'subsidyScheme.create', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  addSubsidySchemeVersion: { action: 'subsidyScheme.addVersion', target: record('SubsidyScheme') },
  endSubsidyScheme: { action: 'subsidyScheme.end', target: record('SubsidyScheme') },
  defineReviewProcedure: { action: 'reviewProcedure.define', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  endReviewProcedure: { action: 'reviewProcedure.end', target: record('ReviewProcedure') },
  openIntakeWindow: { action: 'intakeWindow.open', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  closeIntakeWindow: { action: 'intakeWindow.close', target: record('IntakeWindow') },
  defineCareRules: { action: 'careRules.define', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  fileApplication: { action: 'case.file', target: (args) => ({ targetType: 'Person', targetIds: named(args.input?.personId) }) },
  decideCase: { action: 'case.decide', target: (args) => ({ targetType: 'Case', targetIds: named(args.input?.caseId) }) },
  recordObjection: { action: 'case.recordObjection', target: record('Case', 'caseId') },
  assignCaseAssessor: { action: 'case.assignAssessor', target: record('Case', 'caseId') },
  resubmitCase: { action: 'case.resubmit', target: record('Case', 'caseId') },
  cancelEnrolment: { action: 'enrolment.cancel', target: record('Enrolment') },
  superviseCase: { action: 'case.supervise', target: record('Case', 'caseId') },
  confirmEnrolment: { action: 'enrolment.confirm', target: record('Enrolment') },
  createSubsidyFloor: { action: 'subsidyFloor.create', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  runEntitlements: { action: 'entitlementRun.run', target: jurisdiction((args) => args.code) },
  postVoucherCredits: { action: 'ledger.postCredits', target: jurisdiction((args) => args.at) },
  proposeVoucherAdjustment: { action: 'ledger.proposeAdjustment', target: (args) => ({ targetType: 'Person', targetIds: named(args.input?.person) }) },
  decideVoucherAdjustment: { action: 'ledger.decideAdjustment', target: record('VoucherAdjustment') },
  createTarget: { action: 'target.create', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  allocateTarget: { action: 'target.allocate', target: record('Target') },
  createSupervisionItem: { action: 'supervisionItem.create', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  addSupervisionNote: { action: 'supervisionItem.note', target: record('SupervisionItem') },
  setWorkingCalendarYear: { action: 'workingCalendar.set', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  issueNotice: { action: 'notice.issue', target: (args) => ({ targetType: 'Target', targetIds: named(args.input?.targetId) }) },
  admitProvider: { action: 'provider.admit', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  banProvider: { action: 'provider.ban', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  liftProviderBan: { action: 'provider.liftBan', target: record('ProviderBan') },
  createContract: { action: 'contract.create', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  renewContract: { action: 'contract.renew', target: record('ServiceContract') },
  endContract: { action: 'contract.end', target: record('ServiceContract') },
  recordElderlyPopulation: { action: 'population.record', target: jurisdiction((args) => args.code) },
  addCaregiver: { action: 'caregiver.add', target: jurisdiction((args) => args.input?.basedAt) },
  updateCaregiver: { action: 'caregiver.update', target: record('Caregiver') },
  recordCaregiverTraining: { action: 'caregiver.recordTraining', target: record('Caregiver') },
  endCaregiver: { action: 'caregiver.end', target: record('Caregiver') },
  banCaregiver: { action: 'caregiver.ban', target: (args) => ({ targetType: 'Caregiver', targetIds: named(args.input?.caregiverId) }) },
  setServiceSupervisionPhone: { action: 'serviceSupervisionPhone.set', target: jurisdiction((args) => args.jurisdictionCode) },
  setHomePlace: { action: 'person.setHomePlace', target: record('Person', 'person') },
  issueServiceCard: { action: 'serviceCard.issue', target: record('Person', 'person') },
  bookWorkOrder: { action: 'workOrder.book', target: (args) => ({ targetType: 'Person', targetIds: named(args.input?.person) }) },
  assignWorkOrder: { action: 'workOrder.assign', target: record('WorkOrder', 'order') },
  cancelWorkOrder: { action: 'workOrder.cancel', target: record('WorkOrder', 'order') },
  redoWorkOrder: { action: 'workOrder.redo', target: record('WorkOrder', 'order') },
  checkIn: { action: 'workOrder.checkIn', target: (args) => ({ targetType: 'WorkOrder', targetIds: named(args.input?.order) }) },
  checkOut: { action: 'workOrder.checkOut', target: (args) => ({ targetType: 'WorkOrder', targetIds: named(args.input?.order) }) },
  // As importPeople: the batch's orders are known only once its events are read.
  syncVisits: { action: 'workOrder.sync', target: (_args, ctx) => ({ targetType: 'Jurisdiction', targetIds: named(ctx.actor?.jurisdictionCode) }) },
  // As importPeople: the rows' nodes are known only once the file is read.
  importElderlyPopulation: {
    action: 'population.import',
    target: (_args, ctx) => ({ targetType: 'Jurisdiction', targetIds: named(ctx.actor?.jurisdictionCode) }),
  },
  planCareMonth: { action: 'careMonth.plan', target: jurisdiction((args) => args.under) },
  closeCareMonth: { action: (args) => (args.reclose ? 'careMonth.reclose' : 'careMonth.close'), target: jurisdiction((args) => args.under) },
  recordProviderCallback: { action: 'callback.recordProvider', target: record('WorkOrder', 'order') },
  recordOnlineCallback: { action: 'callback.recordOnline', target: record('WorkOrder', 'order') },
  drawCallbackSample: { action: 'callbackDraw.draw', target: jurisdiction((args) => args.county) },
  recordOversightVisit: { action: 'oversightVisit.record', target: (args) => ({ targetType: 'Person', targetIds: named(args.input?.personId) }) },
  recordBudgetLine: { action: 'budgetLine.record', target: jurisdiction((args) => args.input?.code) },
  setLotteryFundRule: { action: 'lotteryFundRule.set', target: jurisdiction((args) => args.input?.code) },
  setLedgerRules: { action: 'ledger.setRules', target: jurisdiction((args) => args.input?.jurisdictionCode) },
  prepareSettlement: { action: 'settlement.prepare', target: record('ServiceContract', 'contract') },
  checkSettlementTown: { action: 'settlement.checkTown', target: record('SettlementStatement', 'statement') },
  reviewSettlement: { action: 'settlement.review', target: record('SettlementStatement', 'statement') },
  approveSettlement: { action: 'settlement.approve', target: record('SettlementStatement', 'statement') },
  proposeFacilitySubsidyPayment: { action: 'facilityPayment.propose', target: record('Facility', 'facility') },
  decideFacilitySubsidyPayment: { action: 'facilityPayment.decide', target: record('FacilitySubsidyPayment') },
};

async function recordRefusal(ctx: Context, field: string, attempt: Attempt, error: unknown): Promise<void> {
  const gate = ACCESS_RULES.Mutation?.[field];
  const actor = ctx.actor;
  const { code, message } = errorOutcome(error);
  const draft = {
    actorId: actor?.userId ?? null,
    actorUsername: actor?.username ?? null,
    actorRole: actor && Object.values(Capability).includes(gate as Capability) ? actingRole(actor, gate as Capability) : null,
    jurisdictionId: actor?.jurisdictionId ?? null,
    targetType: attempt.targetType,
    targetIds: attempt.targetIds,
    detail: null,
    clientAddress: ctx.clientAddress,
  };
  await recordAudit(ctx.db, ctx.requestId, attempt.action, draft, 'FAILURE', code, message).catch((failure) =>
    logger().error({ err: failure, action: attempt.action, requestId: ctx.requestId }, 'could not record a refused mutation'),
  );
}

/**
 * A middleware on every mutation, applied outside the access gate: an attempt that ends in an error
 * without `mutation` having recorded it (refused at the gate, unauthenticated, rejected before its
 * transaction) leaves one FAILURE entry with its action, error and target.
 */
export function refusalAudit(schema: GraphQLSchema): IMiddlewareTypeMap {
  const fields = Object.keys(schema.getMutationType()?.getFields() ?? {});
  const middleware: IMiddlewareFunction = async (resolve, parent, args, ctx: Context, info) => {
    const declared = MUTATION_AUDIT[info.fieldName];
    const slot = loader(ctx, attempts);
    const attempt: Attempt = {
      action: declared ? (typeof declared.action === 'string' ? declared.action : declared.action(args)) : info.fieldName,
      ...(declared ? declared.target(args, ctx) : { targetType: 'Mutation', targetIds: [] }),
      claimed: false,
    };
    slot.current = attempt;
    try {
      const result = await resolve(parent, args, ctx, info);
      // The shield answers a field without a rule with its error as the value.
      if (result instanceof Error && !attempt.claimed) await recordRefusal(ctx, info.fieldName, attempt, result);
      return result;
    } catch (error) {
      if (!attempt.claimed) await recordRefusal(ctx, info.fieldName, attempt, error);
      throw error;
    } finally {
      slot.current = null;
    }
  };
  return { Mutation: Object.fromEntries(fields.map((field) => [field, middleware])) };
}
