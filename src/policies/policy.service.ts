import type { EntityManager } from 'typeorm';
import { codeInScope } from '../access/actor';
import { Capability } from '../kernel/actor';
import { requireActor, requireCapability } from '../access/scope';
import { audited, type AuditDraft } from '../audit/audit.service';
import { loader, type Context } from '../kernel/context';
import { addMonths, thisMonthInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError, NotFoundError } from '../kernel/errors';
import { yuan } from '../kernel/money';
import { LEVELS } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { FloorRule, LineageNode, SchemeRule, TierRule } from './entitlement.engine';
import type { DatedFloor } from './facility-subsidy.engine';
import { facilityFloorsLoader, facilitySchemesLoader, schemeVersionsLoader, yearAndNode } from './policy.loaders';
import type { CreateFloorInput, CreateSchemeInput, SchemeVersionInput, TierInput } from './policy.inputs';
import { policyRepository, type FloorSpan, type NewVersion, type SchemeRow, type VersionRow } from './policy.repository';
import { isFacilityKind, PERSON_SCHEME_KINDS, SchemeKind, TierCombination } from './policy-kinds';
import { text } from '../kernel/messages';

const MAX_AMOUNT_FEN = 100_000_000;
const MAX_TIERS = 50;
const EARLIEST_MONTH = '2000-01';
const NOT_VISIBLE = 'No such subsidy scheme for your jurisdiction';

const ages = (min: number | null, max: number | null) =>
  min === null && max === null ? 'all ages' : max === null ? `ages ${min}+` : `ages ${min ?? 0}–${max}`;

/** How a floor reads in a message: its amount in the kind's unit, and for people the ages it covers. */
function floorTerms(kind: SchemeKind, floor: { amountFen: number; minAge: number | null; maxAge: number | null }): string {
  if (kind === SchemeKind.FACILITY_CONSTRUCTION) return `${yuan(floor.amountFen)} once per facility`;
  if (kind === SchemeKind.FACILITY_OPERATING) return `${yuan(floor.amountFen)} per diner a month`;
  return `${yuan(floor.amountFen)} a month for ${ages(floor.minAge, floor.maxAge)}`;
}

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

function parseMonthField(month: string, field: string, notBefore: string): string {
  if (month < notBefore) throw new BadUserInputError(field, `must not be before ${notBefore}`);
  return month;
}

function parseName(raw: string, field: string, max = 100): string {
  const name = raw.trim();
  if (name.length < 1 || name.length > max) throw new BadUserInputError(field, text('LENGTH_RANGE', { max }));
  return name;
}

function parseAmount(fen: number, field: string): number {
  if (!Number.isSafeInteger(fen) || fen < 1 || fen > MAX_AMOUNT_FEN) throw new BadUserInputError(field, 'must be from 1 fen to 1,000,000 元');
  return fen;
}

function parseAges(min: number | null | undefined, max: number | null | undefined, field: string): { minAge: number | null; maxAge: number | null } {
  for (const [value, name] of [[min, 'minAge'], [max, 'maxAge']] as const) {
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0 || value > 150)) {
      throw new BadUserInputError(`${field}.${name}`, 'must be from 0 to 150');
    }
  }
  if (min != null && max != null && max < min) throw new BadUserInputError(`${field}.maxAge`, 'must not be below minAge');
  return { minAge: min ?? null, maxAge: max ?? null };
}

const distinct = <T>(values: readonly T[] | null | undefined): T[] => [...new Set(values ?? [])];

// The conditions each sort of tier may carry: a person tier is about people, a facility tier about facilities.
const PERSON_CONDITIONS = [
  'minAge',
  'maxAge',
  'categoriesAny',
  'categoriesAll',
  'categoriesNone',
  'abilities',
  'livingSituations',
  'ownIncomeBelowFen',
  'householdIncomeBelowFen',
  'hukouRequired',
  'minResidentMonths',
] as const satisfies readonly (keyof TierInput)[];
const FACILITY_CONDITIONS = ['facilityTypes', 'requiredServices', 'minOperatingDays'] as const satisfies readonly (keyof TierInput)[];

/** Whether the input sets a condition: a non-empty list, a value, or hukouRequired: true. */
function setsCondition(input: TierInput, condition: keyof TierInput): boolean {
  const value = input[condition];
  if (Array.isArray(value)) return value.length > 0;
  if (condition === 'hukouRequired') return value === true;
  return value !== null && value !== undefined;
}

/** Refuses the conditions a tier of this kind cannot carry, naming the first. */
function checkConditionsFit(input: TierInput, kind: SchemeKind, field: string): void {
  const foreign = isFacilityKind(kind) ? PERSON_CONDITIONS : FACILITY_CONDITIONS;
  const given = foreign.find((condition) => setsCondition(input, condition));
  if (given) {
    const sort = isFacilityKind(kind) ? 'a person condition' : 'a facility condition';
    throw new BadUserInputError(`${field}.${given}`, `is ${sort}, which a tier of a ${kind} scheme cannot carry`);
  }
  if (kind === SchemeKind.FACILITY_CONSTRUCTION && setsCondition(input, 'minOperatingDays')) {
    throw new BadUserInputError(`${field}.minOperatingDays`, 'applies to operating subsidies; a construction subsidy is paid once, on acceptance');
  }
}

function parseTier(input: TierInput, position: number, field: string, kind: SchemeKind): Omit<TierRule, 'id'> {
  checkConditionsFit(input, kind, field);
  const incomes = (value: number | null | undefined, name: string) => {
    if (value === null || value === undefined) return null;
    if (!Number.isSafeInteger(value) || value < 1) throw new BadUserInputError(`${field}.${name}`, 'must be a positive number of fen');
    return value;
  };
  const months = input.minResidentMonths ?? null;
  if (months !== null && (!Number.isInteger(months) || months < 0 || months > 600)) {
    throw new BadUserInputError(`${field}.minResidentMonths`, 'must be from 0 to 600');
  }
  const days = input.minOperatingDays ?? null;
  if (days !== null && (!Number.isInteger(days) || days < 0 || days > 366)) {
    throw new BadUserInputError(`${field}.minOperatingDays`, 'must be from 0 to 366');
  }
  return {
    position,
    name: parseName(input.name, `${field}.name`),
    amountFen: parseAmount(input.amountFen, `${field}.amountFen`),
    ...parseAges(input.minAge, input.maxAge, field),
    categoriesAny: distinct(input.categoriesAny),
    categoriesAll: distinct(input.categoriesAll),
    categoriesNone: distinct(input.categoriesNone),
    abilities: distinct(input.abilities),
    livingSituations: distinct(input.livingSituations),
    ownIncomeBelowFen: incomes(input.ownIncomeBelowFen, 'ownIncomeBelowFen'),
    householdIncomeBelowFen: incomes(input.householdIncomeBelowFen, 'householdIncomeBelowFen'),
    hukouRequired: input.hukouRequired ?? false,
    minResidentMonths: months,
    facilityTypes: distinct(input.facilityTypes),
    requiredServices: distinct(input.requiredServices),
    minOperatingDays: days,
  };
}

function parseVersion(input: SchemeVersionInput, kind: SchemeKind, owner: Jurisdiction, field: string, notBefore: string): NewVersion {
  const fromMonth = parseMonthField(input.fromMonth, `${field}.fromMonth`, notBefore);
  const toMonth = input.toMonth ?? null;
  if (toMonth !== null && toMonth < fromMonth) throw new BadUserInputError(`${field}.toMonth`, 'must not be before fromMonth');
  const group = input.exclusionGroup?.trim() || null;
  if (group !== null && group.length > 50) throw new BadUserInputError(`${field}.exclusionGroup`, 'must be at most 50 characters');
  if (input.funding.length < 1 || input.funding.length > LEVELS.length) {
    throw new BadUserInputError(`${field}.funding`, `must list one to ${LEVELS.length} levels`);
  }
  const seen = new Set<string>();
  input.funding.forEach((f, i) => {
    if (seen.has(f.level)) throw new BadUserInputError(`${field}.funding[${i}].level`, `${f.level} is listed twice`);
    seen.add(f.level);
    if (LEVELS.indexOf(f.level) < LEVELS.indexOf(owner.level)) {
      throw new BadUserInputError(`${field}.funding[${i}].level`, `a ${owner.level} cannot commit the funds of a ${f.level}`);
    }
    if (!Number.isInteger(f.weight) || f.weight < 1 || f.weight > 10_000) {
      throw new BadUserInputError(`${field}.funding[${i}].weight`, 'must be a whole number from 1 to 10,000');
    }
  });
  if (input.tiers.length < 1 || input.tiers.length > MAX_TIERS) throw new BadUserInputError(`${field}.tiers`, `must list one to ${MAX_TIERS} tiers`);
  return {
    fromMonth,
    toMonth,
    combination: input.combination ?? TierCombination.HIGHEST,
    exclusionGroup: group,
    funding: [...input.funding].sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level)).map((f) => ({ level: f.level, weight: f.weight })),
    tiers: input.tiers.map((tier, i) => parseTier(tier, i + 1, `${field}.tiers[${i}]`, kind)),
  };
}

const overlaps = (aMin: number | null, aMax: number | null, bMin: number | null, bMax: number | null) =>
  Math.max(aMin ?? 0, bMin ?? 0) <= Math.min(aMax ?? 150, bMax ?? 150);

/** Refuses a tier below a floor set at or above the owner for the same kind, months and ages. */
async function checkFloors(tx: EntityManager, ctx: Context, owner: Jurisdiction, kind: SchemeKind, version: NewVersion, field: string): Promise<void> {
  const lineage = await jurisdictionService.lineage(ctx, owner);
  const floors = await policyRepository.floorsOverlapping(tx, lineage.map((n) => n.id), version.fromMonth, version.toMonth);
  version.tiers.forEach((tier, i) => {
    for (const floor of floors) {
      if (floor.kind !== kind || !overlaps(tier.minAge, tier.maxAge, floor.minAge, floor.maxAge)) continue;
      if (tier.amountFen < floor.amountFen) {
        throw new BadUserInputError(
          `${field}.tiers[${i}].amountFen`,
          `${yuan(tier.amountFen)} is below the floor of ${floorTerms(kind, floor)} set by ${floor.owner.name} (${floor.owner.code}) from ${floor.fromMonth}`,
        );
      }
    }
  });
}

/** A floor's ages: a facility has none, so a floor of a facility kind takes none. */
function floorAges(input: CreateFloorInput): { minAge: number | null; maxAge: number | null } {
  if (isFacilityKind(input.kind)) {
    for (const name of ['minAge', 'maxAge'] as const) {
      if (input[name] !== null && input[name] !== undefined) {
        throw new BadUserInputError(`input.${name}`, `a floor for ${input.kind} binds facilities, which have no age`);
      }
    }
  }
  return parseAges(input.minAge, input.maxAge, 'input');
}

function parseSchemeId(rawId: string): number {
  const id = /^[1-9]\d{0,9}$/.test(rawId.trim()) ? Number(rawId.trim()) : NaN;
  if (!Number.isSafeInteger(id) || id > 2 ** 31 - 1) throw new BadUserInputError('id', 'is not a scheme id');
  return id;
}

/** A scheme set in the caller's subtree, locked for a change and named in the audit entry; NOT_FOUND otherwise. */
async function lockOwnScheme(tx: EntityManager, ctx: Context, rawId: string, draft: AuditDraft): Promise<SchemeRow> {
  const actor = requireActor(ctx);
  requireCapability(ctx, Capability.MANAGE_POLICIES);
  const scheme = await policyRepository.lockScheme(tx, parseSchemeId(rawId));
  if (!scheme || !codeInScope(actor, scheme.owner.code)) throw new NotFoundError(NOT_VISIBLE);
  draft.jurisdictionId = scheme.owner.id;
  draft.targetType = 'SubsidyScheme';
  draft.targetIds = [String(scheme.id)];
  return scheme;
}

/** The scheme if the caller may see it: set in their subtree or above their home (it applies to them). */
function visible(ctx: Context, scheme: SchemeRow | undefined): scheme is SchemeRow {
  const actor = requireActor(ctx);
  return scheme !== undefined && (codeInScope(actor, scheme.owner.code) || actor.jurisdictionCode.startsWith(scheme.owner.code));
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

  /** One scheme with the version in force this month; NOT_FOUND when the caller may not see it. */
  async get(ctx: Context, rawId: string): Promise<SchemeView> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const [scheme] = await policyRepository.schemesByIds(ctx.db, [parseSchemeId(rawId)]);
    if (!visible(ctx, scheme)) throw new NotFoundError(NOT_VISIBLE);
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
        funding: [...rule.funding],
        tiers: [...rule.tiers],
      }),
    };
  },

  /** Sets up a scheme for the people of a jurisdiction in the caller's subtree, with its first version. */
  async create(ctx: Context, input: CreateSchemeInput): Promise<SchemeView> {
    const schemeId = await audited(ctx, 'subsidyScheme.create', Capability.MANAGE_POLICIES, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_POLICIES);
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = owner.id;
      draft.targetType = 'SubsidyScheme';
      const name = parseName(input.name, 'input.name');
      const version = parseVersion(input.version, input.kind, owner, 'input.version', EARLIEST_MONTH);
      await checkFloors(tx, ctx, owner, input.kind, version, 'input.version');
      const id = await policyRepository.insertScheme(tx, owner.id, name, input.kind, actor.userId);
      if (id === null) throw new ConflictError(`${owner.name} already has a scheme named ${name}`, 'input.name');
      await policyRepository.insertVersion(tx, id, version, actor.userId);
      draft.targetIds = [String(id)];
      draft.detail = { name, kind: input.kind, fromMonth: version.fromMonth, tiers: version.tiers.length };
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /**
   * Adds a version from `fromMonth` (this month or later): the open version ends the month before; a
   * version already in force is never changed, and one scheduled later must be ended first.
   */
  async addVersion(ctx: Context, rawId: string, input: SchemeVersionInput): Promise<SchemeView> {
    const schemeId = await audited(ctx, 'subsidyScheme.addVersion', Capability.MANAGE_POLICIES, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      const scheme = await lockOwnScheme(tx, ctx, rawId, draft);
      const id = scheme.id;
      const owner = (await jurisdictionService.byId(ctx, scheme.owner.id))!;
      const version = parseVersion(input, scheme.kind, owner, 'version', thisMonthInChina());
      await checkFloors(tx, ctx, owner, scheme.kind, version, 'version');
      const versions = await policyRepository.versionsOf(tx, [id]);
      const later = versions.find((v) => v.fromMonth >= version.fromMonth);
      if (later) throw new ConflictError(`a version from ${later.fromMonth} exists; end the scheme before ${version.fromMonth} first`, 'version.fromMonth');
      const open = versions.find((v) => v.toMonth === null || v.toMonth >= version.fromMonth);
      if (open) await policyRepository.endVersion(tx, open.id, addMonths(version.fromMonth, -1));
      await policyRepository.insertVersion(tx, id, version, actor.userId);
      draft.detail = { fromMonth: version.fromMonth, tiers: version.tiers.length };
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /** Ends a scheme after `lastMonth` (this month or later); versions scheduled after it are refused. */
  async end(ctx: Context, rawId: string, lastMonth: string): Promise<SchemeView> {
    const schemeId = await audited(ctx, 'subsidyScheme.end', Capability.MANAGE_POLICIES, async (tx, draft, ctx) => {
      const scheme = await lockOwnScheme(tx, ctx, rawId, draft);
      const id = scheme.id;
      parseMonthField(lastMonth, 'lastMonth', thisMonthInChina());
      const versions = await policyRepository.versionsOf(tx, [id]);
      const later = versions.find((v) => v.fromMonth > lastMonth);
      if (later) throw new ConflictError(`a version from ${later.fromMonth} is scheduled after ${lastMonth}`, 'lastMonth');
      const open = versions.find((v) => v.toMonth === null || v.toMonth > lastMonth);
      if (!open) throw new ConflictError(`the scheme already ends by ${lastMonth}`, 'lastMonth');
      await policyRepository.endVersion(tx, open.id, lastMonth);
      draft.detail = { lastMonth };
      return id;
    });
    return this.get(ctx, String(schemeId));
  },

  /** Sets a floor for the schemes of a kind in the subtree of a jurisdiction in the caller's subtree. */
  async createFloor(ctx: Context, input: CreateFloorInput): Promise<FloorView> {
    const floorId = await audited(ctx, 'subsidyFloor.create', Capability.MANAGE_POLICIES, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_POLICIES);
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = owner.id;
      draft.targetType = 'SubsidyFloor';
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
        actor.userId,
      );
      draft.targetIds = [String(id)];
      draft.detail = { kind: input.kind, amountFen: input.amountFen, fromMonth };
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
