import { grantFor, requireReach, type Grant } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel, pathOfCode } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { facilityService } from '../facilities/facility.service';
import { parseDayField } from '../procedures/procedure.rules';
import { BAN_YEARS } from './provider-kinds';
import type { AdmitProviderInput, BanProviderInput, QualificationInput } from './provider.inputs';
import { providerRepository, type BanRow, type EntryRow, type ListFilter, type QualificationRow } from './provider.repository';
import { checkSpan, lastDayOfYears, MAX_QUALIFICATIONS, parseDayOr, parseFromToday, parseReason } from './provider.rules';
import type { ProviderBan, ProviderEntry } from './provider.types';

export interface UnderArgs extends PageArgs {
  under?: string | null;
}

const placed = <T extends { jurisdiction: { code: string }; organisationId: number }>(row: T | undefined) =>
  row && { ...row, jurisdictionCode: row.jurisdiction.code };

export const entryView = (row: EntryRow): ProviderEntry => row;

export function banView(row: BanRow): ProviderBan {
  return {
    ...row,
    lift: row.liftedOn === null ? null : { liftedOn: row.liftedOn, reason: row.liftReason!, recordedAt: row.liftedAt! },
  };
}

/** A level that keeps a library or bans: any above a village. */
export function checkLibraryLevel(node: Jurisdiction, field: string): void {
  if (node.level === JurisdictionLevel.VILLAGE) throw new BadUserInputError(field, 'must be a level above a village');
}

/** The list filter under `under` (default the caller's home), narrowed for a provider to its organisation. */
export async function listFilter(ctx: Context, grant: Grant, under: string | null | undefined): Promise<ListFilter> {
  const node = under ? await jurisdictionService.get(ctx, under, 'under') : await jurisdictionService.home(ctx);
  return { under: node.code, organisationId: grant.organisationId };
}

/**
 * CONFLICT when a ban of the organisation set at one of `codes` runs on a day from `first` to `last`:
 * the refusal names the ban's level (the caller's or an ancestor's, which it sees) and its last day.
 */
export async function refuseIfBanned(ctx: Context, organisationId: number, codes: readonly string[], first: string, last: string, field: string): Promise<void> {
  const [ban] = await providerRepository.bansRunning(ctx.db, organisationId, codes, first, last);
  if (ban) {
    throw new ConflictError(
      `${ban.organisation.name} is banned by ${ban.jurisdiction.name} (${ban.jurisdiction.code}) from ${ban.from} until ${ban.lastDay} (取消服務資格: ${ban.reason})`,
      field,
    );
  }
}

function parseQualifications(input: readonly QualificationInput[], field: string): QualificationRow[] {
  if (input.length > MAX_QUALIFICATIONS) throw new BadUserInputError(field, `must have at most ${MAX_QUALIFICATIONS} qualifications`);
  return input.map((q, i) => {
    const at = `${field}[${i}]`;
    const validFrom = parseDayField(q.validFrom, `${at}.validFrom`);
    const validUntil = q.validUntil == null ? null : parseDayField(q.validUntil, `${at}.validUntil`);
    if (validUntil !== null) checkSpan(validFrom, validUntil, `${at}.validUntil`, 'validFrom');
    return {
      kind: parseText(q.kind, `${at}.kind`, { required: true, max: 50 })!,
      number: parseText(q.number, `${at}.number`, { required: true, max: 50 })!,
      validFrom,
      validUntil,
    };
  });
}

export const providerService = {
  /** The entries of the libraries at or below `under` (default the caller's home), in the order admitted. */
  async entries(ctx: Context, args: UnderArgs): Promise<Page<ProviderEntry>> {
    const grant = grantFor(ctx, Capability.READ_PROVIDERS);
    const filter = await listFilter(ctx, grant, args.under);
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => providerRepository.searchEntries(ctx.db, filter, after, limit),
      count: () => providerRepository.countEntries(ctx.db, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map(entryView),
    });
  },

  /** The bans set at or below `under` (default the caller's home), in the order recorded. */
  async bans(ctx: Context, args: UnderArgs): Promise<Page<ProviderBan>> {
    const grant = grantFor(ctx, Capability.READ_PROVIDERS);
    const filter = await listFilter(ctx, grant, args.under);
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => providerRepository.searchBans(ctx.db, filter, after, limit),
      count: () => providerRepository.countBans(ctx.db, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map(banView),
    });
  },

  /** Admits an organisation into the library of a level of the caller's subtree; not while a ban set there or above runs. */
  async admit(ctx: Context, input: AdmitProviderInput): Promise<ProviderEntry> {
    const spec = { action: 'provider.admit', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const level = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(level.id);
      target('ProviderEntry', []);
      checkLibraryLevel(level, 'input.jurisdictionCode');
      const admittedOn = parseDayOr(input.admittedOn, 'input.admittedOn', todayInChina());
      const qualifications = parseQualifications(input.qualifications ?? [], 'input.qualifications');
      const organisation = await facilityService.registerOrganisation(tx, input.organisation, 'input.organisation');
      await providerRepository.lockOrganisation(tx, organisation.id);
      await refuseIfBanned(ctx, organisation.id, pathOfCode(level.code), admittedOn, admittedOn, 'input.organisation');
      const [present] = await providerRepository.entriesAt(tx, organisation.id, [level.code]);
      if (present) throw new ConflictError(`${organisation.name} is already in the provider library of ${level.name}`, 'input.organisation');
      const created = await providerRepository.insertEntry(tx, level.id, organisation.id, admittedOn, grant!.actor.userId);
      await providerRepository.insertQualifications(tx, created, qualifications);
      target('ProviderEntry', [created]);
      detail({ creditCode: organisation.creditCode, admittedOn, qualifications: qualifications.length });
      return created;
    });
    return entryView((await providerRepository.entriesByIds(ctx.db, [id]))[0]);
  },

  /** Cancels an organisation's qualification in a level's subtree from `from` (default today) to `until` (default three years). */
  async ban(ctx: Context, input: BanProviderInput): Promise<ProviderBan> {
    const spec = { action: 'provider.ban', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const level = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(level.id);
      target('ProviderBan', []);
      checkLibraryLevel(level, 'input.jurisdictionCode');
      const from = parseDayOr(input.from, 'input.from', todayInChina());
      const until = parseDayOr(input.until, 'input.until', lastDayOfYears(from, BAN_YEARS));
      checkSpan(from, until, 'input.until', 'from');
      const banDetail = parseReason(input.detail, 'input.detail');
      const organisation = await facilityService.registerOrganisation(tx, input.organisation, 'input.organisation');
      await providerRepository.lockOrganisation(tx, organisation.id);
      const created = await providerRepository.insertBan(
        tx,
        { jurisdictionId: level.id, organisationId: organisation.id, reason: input.reason, detail: banDetail, from, until },
        grant!.actor.userId,
      );
      target('ProviderBan', [created]);
      detail({ creditCode: organisation.creditCode, reason: input.reason, from, until });
      return created;
    });
    return banView((await providerRepository.bansByIds(ctx.db, [id]))[0]);
  },

  /** Lifts a ban of the caller's subtree early, from `liftedOn` (today or later, not after its last day): a record of its own. */
  async lift(ctx: Context, rawId: string, liftedOn: string, reason: string): Promise<ProviderBan> {
    const spec = { action: 'provider.liftBan', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'a provider ban');
      target('ProviderBan', [id]);
      const [found] = await providerRepository.bansByIds(tx, [id]);
      requireReach(grant!, [placed(found)], { denial: text('BAN_NOT_IN_SCOPE') });
      at(found.jurisdiction.id);
      await providerRepository.lockOrganisation(tx, found.organisationId);
      const [ban] = await providerRepository.bansByIds(tx, [id]);
      const day = parseFromToday(liftedOn, 'liftedOn');
      if (ban.liftedOn !== null) throw new ConflictError(`the ban was already lifted from ${ban.liftedOn}`, 'id');
      if (day > ban.until) throw new BadUserInputError('liftedOn', `must not be after the ban’s last day ${ban.until}`);
      const why = parseReason(reason, 'reason');
      await providerRepository.insertLift(tx, id, day, why, grant!.actor.userId);
      detail({ liftedOn: day });
      return id;
    });
    return banView((await providerRepository.bansByIds(ctx.db, [id]))[0]);
  },
};
