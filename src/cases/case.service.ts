import DataLoader from 'dataloader';
import { codeReached, denied, grantFor, requireActor } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { keysetPage, type Page } from '../kernel/pagination';
import { maskNationalId } from '../elderly/national-id';
import { calendarsAt } from '../calendar/calendar.cache';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { StepKind } from '../procedures/procedure-kinds';
import { procedureService } from '../procedures/procedure.service';
import { CaseState } from './case-kinds';
import { assignAssessorWithin, decideWithin, objectionWithin, resubmitWithin } from './case-decision';
import { fileWithin } from './case-filing';
import type { DecideCaseInput, FileApplicationInput, MaterialInput } from './case.inputs';
import { caseListRepository, CASE_KEY, type CaseFilter } from './case-list.repository';
import { caseRepository, type CaseRow } from './case.repository';
import { allowedActions, currentStep, overdueOn, stateOn } from './case.rules';
import { noticeWorkingDays } from './case-steps';
import type { Case, CaseHistoryEntry, CaseMaterial, CaseScheme, Enrolment } from './case.types';
import { enrolmentRepository } from './enrolment';
import { superviseWithin, type SuperviseCaseInput } from './case-supervision';
import { deskService } from '../desk/desk.service';
import type { SupervisionItemNode } from '../desk/desk.types';

const caseItemsLoader = (ctx: Context) => new DataLoader<number, SupervisionItemNode[]>((ids) => deskService.ofCases(ctx, ids));

const group = <T extends { caseId: number }>(rows: readonly T[]) => {
  const byCase = new Map<number, T[]>();
  for (const row of rows) byCase.set(row.caseId, [...(byCase.get(row.caseId) ?? []), row]);
  return (id: number) => byCase.get(id) ?? [];
};

/**
 * A case's lists, read when a query asks for them: one statement for all the cases of a request (a
 * queue that shows no history reads none).
 */
const byCase = <T, R>(read: (ctx: Context, ids: readonly number[]) => Promise<(R & { caseId: number })[]>, view: (row: R) => T) => (ctx: Context) =>
  new DataLoader<number, T[]>(async (ids) => {
    const of = group(await read(ctx, ids));
    return ids.map((id) => of(id).map(view));
  });
const schemesLoader = byCase((ctx, ids) => caseRepository.schemesOf(ctx.db, ids), (s): CaseScheme => ({ id: s.id, name: s.name }));
const materialsLoader = byCase(
  (ctx, ids) => caseRepository.materialsOf(ctx.db, ids),
  (m): CaseMaterial => ({ kind: m.kind, receivedOn: m.receivedOn, checked: m.checkedBy !== null, checkedAt: m.checkedAt }),
);
const historyLoader = byCase((ctx, ids) => caseRepository.historyOf(ctx.db, ids), (h): CaseHistoryEntry => ({ ...h, step: h.stepPosition }));
const enrolmentsLoader = byCase((ctx, ids) => enrolmentRepository.ofCases(ctx.db, ids), (e): Enrolment => ({ ...e, scheme: { id: e.schemeId, name: e.schemeName } }));

/** The cases as the API shows them: a fixed number of statements for any number of cases. */
async function views(ctx: Context, rows: readonly CaseRow[]): Promise<Case[]> {
  if (rows.length === 0) return [];
  const actor = requireActor(ctx);
  const ids = rows.map((r) => r.id);
  const today = todayInChina();
  const [procedures, nodes] = await Promise.all([
    procedureService.byIds(ctx, [...new Set(rows.map((r) => r.procedureId))]),
    jurisdictionService.byCodesAnywhere(ctx, [...new Set(rows.flatMap((r) => [r.villageCode, ...(r.actingCode ? [r.actingCode] : [])]))]),
  ]);
  // Only a notice's actions depend on the working days it has run: the calendars of the notices' acting nodes, read at once.
  await calendarsAt(
    ctx.db,
    rows.filter((c) => c.actingNodeId !== null && currentStep(c, procedures.find((p) => p.id === c.procedureId)!.steps)?.kind === StepKind.PUBLIC_NOTICE).map((c) => c.actingNodeId!),
  );
  const ref = (code: string) => {
    const node = nodes.get(code)!;
    return { code: node.code, name: node.name, level: node.level };
  };
  const procedureOf = (c: CaseRow) => procedures.find((p) => p.id === c.procedureId)!;
  const noticeDays = await Promise.all(rows.map((c) => noticeWorkingDays(ctx.db, c, procedureOf(c).steps, today)));
  // The case's own fields by name: a copy of the whole row would be one of some thirty properties per case.
  return rows.map((c, i): Case => {
    const procedure = procedureOf(c);
    const step = currentStep(c, procedure.steps);
    const moment = { steps: procedure.steps, today, noticeWorkingDays: noticeDays[i] };
    return {
      id: c.id,
      filedOn: c.filedOn,
      filer: c.filer,
      agentName: c.agentName,
      agentRelation: c.agentRelation,
      closedReason: c.closedReason,
      decidedOn: c.decidedOn,
      version: c.version,
      applicant: { id: c.personId, name: c.personName, nationalId: maskNationalId(c.nationalId) },
      assessor: c.assessorUsername,
      village: ref(c.villageCode),
      procedure,
      state: stateOn(c, today),
      currentStep: step && {
        position: step.position,
        kind: step.kind,
        name: step.name,
        capability: step.capability,
        actingNode: ref(c.actingCode!),
        began: c.stepBegan!,
        dueDate: c.stepDue,
        overdue: overdueOn(c, today),
      },
      allowedActions: allowedActions(actor, c, moment),
    };
  });
}

export interface CaseListArgs {
  under?: string | null;
  state?: CaseState | null;
  awaitingMyAction?: boolean | null;
  overdue?: boolean | null;
  first?: number | null;
  after?: string | null;
}

export const caseService = {
  schemes: (ctx: Context, c: Case) => loader(ctx, schemesLoader).load(c.id),
  materials: (ctx: Context, c: Case) => loader(ctx, materialsLoader).load(c.id),
  history: (ctx: Context, c: Case) => loader(ctx, historyLoader).load(c.id),
  enrolments: (ctx: Context, c: Case) => loader(ctx, enrolmentsLoader).load(c.id),

  /** A case of the caller's subtree (READ_CASES); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<Case> {
    const grant = grantFor(ctx, Capability.READ_CASES);
    const id = parseId(rawId, 'id', 'a case');
    const [row] = await caseRepository.byIds(ctx.db, [id]);
    if (!row || !codeReached(grant.actor, row.villageCode)) throw denied(text('CASE_NOT_IN_SCOPE'));
    return (await views(ctx, [row]))[0];
  },

  /** Cases filed at or below `under` (default the caller's home), by due date (none last), then id. */
  async list(ctx: Context, args: CaseListArgs): Promise<Page<Case>> {
    const grant = grantFor(ctx, Capability.READ_CASES);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    if (args.awaitingMyAction && args.state && args.state !== CaseState.IN_REVIEW) {
      throw new BadUserInputError('state', 'cases awaiting your action are IN_REVIEW');
    }
    if (args.overdue && args.state && args.state !== CaseState.IN_REVIEW) throw new BadUserInputError('state', 'overdue cases are IN_REVIEW');
    const filter: CaseFilter = {
      under: under.code,
      state: args.state ?? null,
      today: todayInChina(),
      awaiting: args.awaitingMyAction ? grant.actor : null,
      overdue: args.overdue === true,
    };
    return keysetPage(args, {
      key: CASE_KEY,
      search: (after, limit) => caseListRepository.search(ctx.db, filter, after, limit),
      count: () => caseListRepository.count(ctx.db, filter),
      cursorOf: (row) => `${row.stepDue ?? '9999-12-31'}|${row.id}`,
      nodes: (rows) => views(ctx, rows),
    });
  },

  async file(ctx: Context, input: FileApplicationInput): Promise<Case> {
    const id = await mutation(ctx, { action: 'case.file', capability: Capability.FILE_CASES }, (w) => fileWithin(w, input));
    return this.get(ctx, String(id));
  },

  async decide(ctx: Context, input: DecideCaseInput): Promise<Case> {
    const id = await mutation(ctx, { action: 'case.decide', capability: Capability.READ_CASES }, (w) => decideWithin(w, input));
    return this.get(ctx, String(id));
  },

  async recordObjection(ctx: Context, caseId: string, receivedOn: string, summary: string): Promise<Case> {
    const spec = { action: 'case.recordObjection', capability: Capability.REVIEW_CASES };
    const id = await mutation(ctx, spec, (w) => objectionWithin(w, caseId, receivedOn, summary));
    return this.get(ctx, String(id));
  },

  async assignAssessor(ctx: Context, caseId: string, step: number, assessor: string): Promise<Case> {
    const spec = { action: 'case.assignAssessor', capability: Capability.REVIEW_CASES };
    const id = await mutation(ctx, spec, (w) => assignAssessorWithin(w, caseId, step, assessor));
    return this.get(ctx, String(id));
  },

  /** Issues a 督办 item for the case's overdue step, assigned to its acting node; answers the item. */
  async supervise(ctx: Context, input: SuperviseCaseInput): Promise<SupervisionItemNode> {
    const id = await mutation(ctx, { action: 'case.supervise', capability: Capability.MANAGE_TARGETS }, (w) => superviseWithin(w, input));
    return deskService.item(ctx, id);
  },

  /** The 督办 items following up the case that the caller reaches on the desk (batched across the cases of a request). */
  async supervisionItems(ctx: Context, c: Case): Promise<SupervisionItemNode[]> {
    return loader(ctx, caseItemsLoader).load(c.id);
  },

  async resubmit(ctx: Context, caseId: string, materials: readonly MaterialInput[]): Promise<Case> {
    const id = await mutation(ctx, { action: 'case.resubmit', capability: Capability.FILE_CASES }, (w) => resubmitWithin(w, caseId, materials));
    return this.get(ctx, String(id));
  },
};
