import type { EntityManager } from 'typeorm';
import { Capability } from '../kernel/actor';
import { codeReached, denied, grantFor, requireCapability, type Grant } from '../access/scope';
import { mutation } from '../audit/mutation';
import { loader, type Context } from '../kernel/context';
import { addMonths, thisMonthInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { FloorRule, LineageNode, SchemeRule } from './scheme-rules';
import type { DatedFloor } from './facility-subsidy.model';
import { facilityFloorsLoader, facilitySchemesLoader, schemeVersionsLoader, yearAndNode } from './policy.loaders';
import type { CreateFloorInput, CreateSchemeInput, SchemeVersionInput } from './policy.inputs';
import { policyRepository, type FloorSpan, type SchemeRow, type VersionRow } from './policy.repository';
import { checkFloors, EARLIEST_MONTH, floorAges, parseAmount, parseMonthField, parseName, parseVersion } from './policy.rules';
import { PERSON_SCHEME_KINDS, SchemeKind } from './policy-kinds';

/** A scheme as listed: who set it and the version in force in the month asked about. */
export interface SchemeView {
  id: number;
  name: string;
  kind: SchemeKind;
  jurisdiction: LineageNode;
  inForce: VersionView | null;
}

export type VersionView = Omit<VersionRow, 'funding'> & { funding: { level: string; weight: number; share: number }[] };

function toVersionView(row: VersionRow): VersionView {
  const total = row.funding.reduce((sum, f) => sum + f.weight, 0);
  return { ...row, funding: row.funding.map((f) => ({ ...f, share: f.weight / total })) };
}

export type FloorView = FloorRule & FloorSpan & { jurisdiction: LineageNode };

const floorView = (floor: FloorRule & FloorSpan): FloorView => ({ ...floor, jurisdiction: floor.owner });

function ref(node: Jurisdiction): LineageNode {
  return { id: node.id, code: node.code, name: node.name, level: node.level };
}

/**
 * The scheme when the grant reaches the jurisdiction that set it (with `lineage`, also one set above
 * the caller's home: its rules apply there); FORBIDDEN otherwise, the same answer for a missing one.
 * No organisation operates a scheme: a provider's narrowing to its own does not apply.
 */
function schemeReached(grant: Grant, scheme: SchemeRow | null | undefined, lineage: boolean): SchemeRow {
  if (!scheme || !codeReached(grant.actor, scheme.owner.code, lineage)) throw denied(text('SCHEME_NOT_IN_SCOPE'));
  return scheme;
}

/** A scheme set in the caller's subtree, locked for a change; FORBIDDEN otherwise. */
async function lockOwnScheme(tx: EntityManager, grant: Grant, rawId: string): Promise<SchemeRow> {
  return schemeReached(grant, await policyRepository.lockScheme(tx, parseId(rawId, 'id', 'a scheme')), false);
}

export const policyService = {
  /** The schemes that apply at `at` (its own and its ancestors'), each with the version in force in `month` (default this month). */
  async applicable(ctx: Context, atCode: string | null | undefined, month: string | null | undefined): Promise<SchemeView[]> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const at = atCode ? await jurisdictionService.get(ctx, atCode, 'at') : await jurisdictionService.home(ctx);
    const lineage = await jurisdictionService.lineage(ctx, at);
    const chosen = month ?? thisMonthInChina();
    const rules = await policyRepository.inForce(ctx.db, lineage.map((n) => n.id), chosen, chosen, Object.values(SchemeKind));
    return rules.map((rule) => this.viewOf(rule));
  },

  /** The floors in force at `at` in `month` (default this month), set there or above. */
  async floors(ctx: Context, atCode: string | null | undefined, month: string | null | undefined): Promise<FloorView[]> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const at = atCode ? await jurisdictionService.get(ctx, atCode, 'at') : await jurisdictionService.home(ctx);
    const lineage = await jurisdictionService.lineage(ctx, at);
    const chosen = month ?? thisMonthInChina();
    return (await policyRepository.floorsOverlapping(ctx.db, lineage.map((n) => n.id), chosen, chosen)).map(floorView);
  },

  /** One scheme set in the caller's subtree or above their home, with the version in force this month; FORBIDDEN otherwise. */
  async get(ctx: Context, rawId: string): Promise<SchemeView> {
    const grant = grantFor(ctx, Capability.READ_POLICIES);
    const [found] = await policyRepository.schemesByIds(ctx.db, [parseId(rawId, 'id', 'a scheme')]);
    const scheme = schemeReached(grant, found, true);
    const versions = await loader(ctx, schemeVersionsLoader).load(scheme.id);
    const month = thisMonthInChina();
    const current = versions.find((v) => v.fromMonth <= month && (v.toMonth === null || v.toMonth >= month)) ?? null;
    return { id: scheme.id, name: scheme.name, kind: scheme.kind, jurisdiction: scheme.owner, inForce: current && toVersionView(current) };
  },

  /** Every version of a scheme, oldest first. */
  async versions(ctx: Context, schemeId: number): Promise<VersionView[]> {
    return (await loader(ctx, schemeVersionsLoader).load(schemeId)).map(toVersionView);
  },

  viewOf(rule: SchemeRule): SchemeView {
    return {
      id: rule.schemeId,
      name: rule.name,
      kind: rule.kind,
      jurisdiction: rule.owner,
      inForce: toVersionView({
        id: rule.versionId,
        schemeId: rule.schemeId,
        fromMonth: rule.fromMonth,
        toMonth: rule.toMonth,
        combination: rule.combination,
        exclusionGroup: rule.exclusionGroup,
        requiresApplication: rule.requiresApplication,
        firstMonth: rule.firstMonth,
        lastMonth: rule.lastMonth,
        assessmentValidMonths: rule.assessmentValidMonths,
        operatingRunFromPreviousYear: rule.operatingRunFromPreviousYear,
        oneFacilityPerVillage: rule.oneFacilityPerVillage,
        funding: [...rule.funding],
        tiers: [...rule.tiers],
      }),
    };
  },

  /** Sets up a scheme for the people of a jurisdiction in the caller's subtree, with its first version. */
  async create(ctx: Context, input: CreateSchemeInput): Promise<SchemeView> {
    const spec = { action: 'subsidyScheme.create', capability: Capability.MANAGE_POLICIES };
    const schemeId = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(owner.id);
      target('SubsidyScheme', []);
      const name = parseName(input.name, 'input.name');
      const version = parseVersion(input.version, input.kind, owner, 'input.version', EARLIEST_MONTH);
      await checkFloors(tx, ctx, owner, input.kind, version, 'input.version');
      const id = await policyRepository.insertScheme(tx, owner.id, name, input.kind, grant!.actor.userId);
      if (id === null) throw new ConflictError(`${owner.name} already has a scheme named ${name}`, 'input.name');
      await policyRepository.insertVersion(tx, id, version, grant!.actor.userId);
      target('SubsidyScheme', [id]);
      detail({ name, kind: input.kind, fromMonth: version.fromMonth, tiers: version.tiers.length });
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /**
   * Adds a version from `fromMonth` (this month or later): the open version ends the month before; a
   * version already in force is never changed, and one scheduled later must be ended first.
   */
  async addVersion(ctx: Context, rawId: string, input: SchemeVersionInput): Promise<SchemeView> {
    const spec = { action: 'subsidyScheme.addVersion', capability: Capability.MANAGE_POLICIES };
    const schemeId = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const scheme = await lockOwnScheme(tx, grant!, rawId);
      const id = scheme.id;
      at(scheme.owner.id);
      target('SubsidyScheme', [id]);
      const owner = (await jurisdictionService.byId(ctx, scheme.owner.id))!;
      const version = parseVersion(input, scheme.kind, owner, 'version', thisMonthInChina());
      await checkFloors(tx, ctx, owner, scheme.kind, version, 'version');
      const versions = await policyRepository.versionsOf(tx, [id]);
      const later = versions.find((v) => v.fromMonth >= version.fromMonth);
      if (later) throw new ConflictError(`a version from ${later.fromMonth} exists; end the scheme before ${version.fromMonth} first`, 'version.fromMonth');
      const open = versions.find((v) => v.toMonth === null || v.toMonth >= version.fromMonth);
      if (open) await policyRepository.endVersion(tx, open.id, addMonths(version.fromMonth, -1));
      await policyRepository.insertVersion(tx, id, version, grant!.actor.userId);
      detail({ fromMonth: version.fromMonth, tiers: version.tiers.length });
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /** Ends a scheme after `lastMonth` (this month or later); versions scheduled after it are refused. */
  async end(ctx: Context, rawId: string, lastMonth: string): Promise<SchemeView> {
    const spec = { action: 'subsidyScheme.end', capability: Capability.MANAGE_POLICIES };
    const schemeId = await mutation(ctx, spec, async ({ tx, grant, target, at, detail }) => {
      const scheme = await lockOwnScheme(tx, grant!, rawId);
      const id = scheme.id;
      at(scheme.owner.id);
      target('SubsidyScheme', [id]);
      parseMonthField(lastMonth, 'lastMonth', thisMonthInChina());
      const versions = await policyRepository.versionsOf(tx, [id]);
      const later = versions.find((v) => v.fromMonth > lastMonth);
      if (later) throw new ConflictError(`a version from ${later.fromMonth} is scheduled after ${lastMonth}`, 'lastMonth');
      const open = versions.find((v) => v.toMonth === null || v.toMonth > lastMonth);
      if (!open) throw new ConflictError(`the scheme already ends by ${lastMonth}`, 'lastMonth');
      await policyRepository.endVersion(tx, open.id, lastMonth);
      detail({ lastMonth });
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /** Sets a floor for the schemes of a kind in the subtree of a jurisdiction in the caller's subtree. */
  async createFloor(ctx: Context, input: CreateFloorInput): Promise<FloorView> {
    const spec = { action: 'subsidyFloor.create', capability: Capability.MANAGE_POLICIES };
    const floorId = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(owner.id);
      target('SubsidyFloor', []);
      const fromMonth = parseMonthField(input.fromMonth, 'input.fromMonth', EARLIEST_MONTH);
      const toMonth = input.toMonth ?? null;
      if (toMonth !== null && toMonth < fromMonth) throw new BadUserInputError('input.toMonth', 'must not be before fromMonth');
      const id = await policyRepository.insertFloor(
        tx,
        {
          ownerId: owner.id,
          kind: input.kind,
          ...floorAges(input),
          amountFen: parseAmount(input.amountFen, 'input.amountFen'),
          fromMonth,
          toMonth,
        },
        grant!.actor.userId,
      );
      target('SubsidyFloor', [id]);
      detail({ kind: input.kind, amountFen: input.amountFen, fromMonth });
      return id;
    });
    return floorView(await policyRepository.floorById(ctx.db, floorId));
  },

  /** The person schemes and the floors in force in `month` for someone whose village has this lineage. */
  async rulesFor(db: EntityManager, lineage: readonly LineageNode[], month: string): Promise<{ schemes: SchemeRule[]; floors: FloorRule[] }> {
    const ids = lineage.map((n) => n.id);
    const [schemes, floors] = await Promise.all([
      policyRepository.inForce(db, ids, month, month, PERSON_SCHEME_KINDS),
      policyRepository.floorsOverlapping(db, ids, month, month),
    ]);
    return { schemes, floors };
  },

  /**
   * The facility schemes (every version in force at some time in `year`) and facility floors set along
   * this lineage, highest level first; batched across the facilities of one request.
   */
  async facilityRulesFor(ctx: Context, lineage: readonly LineageNode[], year: number): Promise<{ schemes: SchemeRule[]; floors: DatedFloor[] }> {
    const keys = lineage.map((node) => yearAndNode(year, node.id));
    const [schemes, floors] = await Promise.all([loader(ctx, facilitySchemesLoader).loadMany(keys), loader(ctx, facilityFloorsLoader).loadMany(keys)]);
    const rows = <T>(results: (T[] | Error)[]): T[] =>
      results.flatMap((result) => {
        if (result instanceof Error) throw result;
        return result;
      });
    // Lineage order is highest level first; within a node, by scheme and then month, as stored.
    return { schemes: rows(schemes), floors: rows(floors) };
  },

  ref,
};
