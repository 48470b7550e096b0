import { Capability } from '../kernel/actor';
import { requireCapability, requireReach } from '../access/scope';
import { mutation } from '../audit/mutation';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { parseName } from '../policies/policy.rules';
import { PROCEDURE_TEMPLATES, templateByKey, type ProcedureTemplate, type Step } from './procedure-kinds';
import type { DefineProcedureInput } from './procedure.inputs';
import { dayAndNode, procedureInForceLoader, proceduresById } from './procedure.loaders';
import { procedureRepository, type NewProcedure, type ProcedureRow } from './procedure.repository';
import { parseDayField, parseSteps } from './procedure.rules';

/** The most versions `reviewProcedures` lists at once. */
export const MAX_LISTED_PROCEDURES = 500;

export interface ProcedureInForce {
  on: string;
  procedure: ProcedureRow;
  inherited: boolean;
}

export type TemplateView = Omit<ProcedureTemplate, 'steps'> & { steps: Step[] };

/** The day before `day` (YYYY-MM-DD). */
export function dayBefore(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date - 1)).toISOString().slice(0, 10);
}

const placed = (row: ProcedureRow | null | undefined) => row && { ...row, jurisdictionCode: row.jurisdiction.code };

// A procedure from a template (renamed at most) or written out in full: never a mix of the two.
function specOf(input: DefineProcedureInput, owner: Jurisdiction): Omit<NewProcedure, 'effectiveFrom'> {
  if (input.fromTemplate != null) {
    const template = templateByKey(input.fromTemplate);
    if (!template) throw new BadUserInputError('input.fromTemplate', `must be one of ${PROCEDURE_TEMPLATES.map((t) => t.key).join(', ')}`);
    if (input.steps != null) throw new BadUserInputError('input.steps', 'must not be given with a template');
    if (input.source != null) throw new BadUserInputError('input.source', 'must not be given with a template: it follows the template’s document');
    return {
      ownerId: owner.id,
      name: input.name == null ? template.name : parseName(input.name, 'input.name'),
      source: template.source,
      template: template.key,
      usesIntakeWindows: input.usesIntakeWindows ?? template.usesIntakeWindows,
      steps: parseSteps(template.steps, owner.level, 'input.fromTemplate'),
    };
  }
  if (input.name == null) throw new BadUserInputError('input.name', 'is required without a template');
  if (input.source == null) throw new BadUserInputError('input.source', 'is required without a template: name the document and passage the procedure follows');
  if (input.steps == null) throw new BadUserInputError('input.steps', 'is required without a template');
  return {
    ownerId: owner.id,
    name: parseName(input.name, 'input.name'),
    source: parseName(input.source, 'input.source', 2000),
    template: null,
    usesIntakeWindows: input.usesIntakeWindows ?? false,
    steps: parseSteps(input.steps, owner.level, 'input.steps'),
  };
}

export const procedureService = {
  /** The procedures of the documents, each with its source, as a level may adopt them. */
  templates(ctx: Context): TemplateView[] {
    requireCapability(ctx, Capability.READ_POLICIES);
    return PROCEDURE_TEMPLATES.map((template) => ({ ...template, steps: template.steps.map((step, i) => ({ ...step, position: i + 1 })) }));
  },

  /** The procedure in force at a node of the caller's subtree on `on` (default today): its own, else its nearest ancestor's. */
  async inForce(ctx: Context, code: string, on: string | null | undefined): Promise<ProcedureInForce | null> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const node = await jurisdictionService.get(ctx, code, 'code');
    const day = on == null ? todayInChina() : parseDayField(on, 'on');
    const procedure = await this.procedureFor(ctx, node.code, day);
    return procedure && { on: day, procedure, inherited: procedure.jurisdiction.id !== node.id };
  },

  /**
   * For the cases: the procedure an application filed at `villageCode` follows on `day` (null: none set
   * there or above). No access check: the caller has decided the case is theirs. Batched per request.
   */
  /** Versions by id (the steps the cases filed under them follow), kept by the `review-procedures` region. */
  byIds(ctx: Context, ids: readonly number[]): Promise<ProcedureRow[]> {
    return proceduresById(ctx, ids);
  },

  async procedureFor(ctx: Context, villageCode: string, day: string): Promise<ProcedureRow | null> {
    return loader(ctx, procedureInForceLoader).load(dayAndNode(day, villageCode));
  },

  /** Every version set at `code` (default the caller's home) or below it, by node and day. */
  async list(ctx: Context, code: string | null | undefined): Promise<ProcedureRow[]> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const node = code ? await jurisdictionService.get(ctx, code, 'code') : await jurisdictionService.home(ctx);
    return procedureRepository.inSubtree(ctx.db, node.code, MAX_LISTED_PROCEDURES);
  },

  async byId(ctx: Context, id: number): Promise<ProcedureRow> {
    const [row] = await procedureRepository.byIds(ctx.db, [id]);
    return row;
  },

  /**
   * Sets a node's procedure from `effectiveFrom`: its first, or a new version (from today on) that ends
   * the open one the day before. A version already starting on or after that day is a CONFLICT.
   */
  async define(ctx: Context, input: DefineProcedureInput): Promise<ProcedureRow> {
    const spec = { action: 'reviewProcedure.define', capability: Capability.MANAGE_POLICIES };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(owner.id);
      target('ReviewProcedure', []);
      const effectiveFrom = parseDayField(input.effectiveFrom, 'input.effectiveFrom');
      const procedure = specOf(input, owner);
      await procedureRepository.lockNode(tx, owner.id);
      const versions = await procedureRepository.versionsAt(tx, owner.id);
      if (versions.length > 0) parseDayField(effectiveFrom, 'input.effectiveFrom', todayInChina());
      const later = versions.find((v) => v.effectiveFrom >= effectiveFrom);
      if (later) throw new ConflictError(`${owner.name} has a procedure from ${later.effectiveFrom}; end it before ${effectiveFrom} first`, 'input.effectiveFrom');
      const open = versions.find((v) => v.effectiveTo === null || v.effectiveTo >= effectiveFrom);
      if (open) await procedureRepository.end(tx, open.id, dayBefore(effectiveFrom));
      const created = await procedureRepository.insert(tx, { ...procedure, effectiveFrom }, grant!.actor.userId);
      target('ReviewProcedure', [created]);
      detail({ effectiveFrom, template: procedure.template, steps: procedure.steps.length, ended: open?.id ?? null });
      return created;
    });
    return this.byId(ctx, id);
  },

  /** Ends a version of a procedure set in the caller's subtree after `lastDay` (today or later). */
  async end(ctx: Context, rawId: string, lastDay: string): Promise<ProcedureRow> {
    const spec = { action: 'reviewProcedure.end', capability: Capability.MANAGE_POLICIES };
    const id = await mutation(ctx, spec, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'a review procedure');
      target('ReviewProcedure', [id]);
      const [found] = await procedureRepository.byIds(tx, [id]);
      requireReach(grant!, [placed(found)], { denial: text('PROCEDURE_NOT_IN_SCOPE') });
      at(found.jurisdiction.id);
      await procedureRepository.lockNode(tx, found.jurisdiction.id);
      const [row] = await procedureRepository.byIds(tx, [id]);
      const day = parseDayField(lastDay, 'lastDay', todayInChina());
      if (day < row.effectiveFrom) throw new BadUserInputError('lastDay', `must not be before the version’s first day ${row.effectiveFrom}`);
      if (row.effectiveTo !== null && row.effectiveTo <= day) throw new ConflictError(`the version already ends on ${row.effectiveTo}`, 'lastDay');
      await procedureRepository.end(tx, id, day);
      detail({ lastDay: day });
      return id;
    });
    return this.byId(ctx, id);
  },
};
