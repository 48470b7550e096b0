import { requireCapability } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { parentCodeOf } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { parseName } from '../policies/policy.rules';
import { dayBefore } from '../procedures/procedure.service';
import { parseDayField } from '../procedures/procedure.rules';
import { CARE_RULES_TEMPLATES, careTemplateByKey, type CareRulesTemplate } from './care-rule-kinds';
import type { DefineCareRulesInput } from './care-rules.inputs';
import { careRulesInForceLoader, dayAndNode } from './care-rules.loaders';
import { careRulesRepository, type CareRulesRow, type NewCareRules } from './care-rules.repository';
import { checkWithinInherited, parseCareRules } from './care-rules.rules';

export interface CareRulesInForce {
  on: string;
  rules: CareRulesRow;
  /** True when set by an ancestor of the node asked about. */
  inherited: boolean;
}

// Rules from a template (renamed at most) or written out in full: never a mix of the two.
function versionOf(input: DefineCareRulesInput, owner: Jurisdiction): Omit<NewCareRules, 'effectiveFrom' | 'effectiveTo'> {
  if (input.fromTemplate != null) {
    const template = careTemplateByKey(input.fromTemplate);
    if (!template) throw new BadUserInputError('input.fromTemplate', `must be one of ${CARE_RULES_TEMPLATES.map((t) => t.key).join(', ')}`);
    if (input.rules != null) throw new BadUserInputError('input.rules', 'must not be given with a template');
    if (input.source != null) throw new BadUserInputError('input.source', 'must not be given with a template: it follows the template’s documents');
    return {
      ownerId: owner.id,
      name: input.name == null ? template.name : parseName(input.name, 'input.name'),
      source: template.source,
      template: template.key,
      rules: template.rules,
    };
  }
  if (input.name == null) throw new BadUserInputError('input.name', 'is required without a template');
  if (input.source == null) throw new BadUserInputError('input.source', 'is required without a template: name the document and passage the rules follow');
  if (input.rules == null) throw new BadUserInputError('input.rules', 'is required without a template');
  return {
    ownerId: owner.id,
    name: parseName(input.name, 'input.name'),
    source: parseName(input.source, 'input.source', 2000),
    template: null,
    rules: parseCareRules(input.rules, 'input.rules'),
  };
}

export const careRulesService = {
  /** The rules of the documents, each with its sources, as a level may adopt them. */
  templates(ctx: Context): readonly CareRulesTemplate[] {
    requireCapability(ctx, Capability.READ_CASES);
    return CARE_RULES_TEMPLATES;
  },

  /** The care rules in force at a node of the caller's subtree on `on` (default today): its own, else its nearest ancestor's, and which. */
  async inForce(ctx: Context, code: string, on: string | null | undefined): Promise<CareRulesInForce | null> {
    requireCapability(ctx, Capability.READ_CASES);
    const node = await jurisdictionService.get(ctx, code, 'at');
    const day = on == null ? todayInChina() : parseDayField(on, 'on');
    const rules = await this.rulesAt(ctx, node.code, day);
    return rules && { on: day, rules, inherited: rules.jurisdiction.id !== node.id };
  },

  /** For care plans: the rules in force at a node on a day, batched per request. No access check: the caller has decided the node is theirs. */
  rulesAt(ctx: Context, code: string, day: string): Promise<CareRulesRow | null> {
    return loader(ctx, careRulesInForceLoader).load(dayAndNode(day, code));
  },

  /**
   * Sets a node's care rules from `effectiveFrom` (MANAGE_POLICIES over the node): its first version,
   * or a new one (from today on) that ends the one in force the day before. A version already starting
   * on or after that day is a CONFLICT. Below a level with rules in force that day, the documents'
   * minimums may be raised, never lowered.
   */
  async define(ctx: Context, input: DefineCareRulesInput): Promise<CareRulesRow> {
    const spec = { action: 'careRules.define', capability: Capability.MANAGE_POLICIES };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(owner.id);
      target('CareRules', []);
      const effectiveFrom = parseDayField(input.effectiveFrom, 'input.effectiveFrom');
      const effectiveTo = input.effectiveTo == null ? null : parseDayField(input.effectiveTo, 'input.effectiveTo', effectiveFrom);
      const version = versionOf(input, owner);
      const parent = parentCodeOf(owner.code);
      const inherited = parent === null ? null : await this.rulesAt(ctx, parent, effectiveFrom);
      if (inherited) checkWithinInherited(version.rules, inherited.rules, inherited.jurisdiction.name, input.rules == null ? 'input.fromTemplate' : 'input.rules');
      await careRulesRepository.lockNode(tx, owner.id);
      const versions = await careRulesRepository.versionsAt(tx, owner.id);
      if (versions.length > 0) parseDayField(effectiveFrom, 'input.effectiveFrom', todayInChina());
      const later = versions.find((v) => v.effectiveFrom >= effectiveFrom);
      if (later) throw new ConflictError(`${owner.name} has care rules from ${later.effectiveFrom}; a version must start after it`, 'input.effectiveFrom');
      const open = versions.find((v) => v.effectiveTo === null || v.effectiveTo >= effectiveFrom);
      if (open) await careRulesRepository.end(tx, open.id, dayBefore(effectiveFrom));
      const created = await careRulesRepository.insert(tx, { ...version, effectiveFrom, effectiveTo }, grant!.actor.userId);
      target('CareRules', [created]);
      detail({ effectiveFrom, effectiveTo, template: version.template, ended: open?.id ?? null, within: inherited?.id ?? null });
      return created;
    });
    return (await careRulesRepository.byId(ctx.db, id))!;
  },
};
