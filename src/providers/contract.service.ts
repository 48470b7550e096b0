import DataLoader from 'dataloader';
import { grantFor, requireCodes, requireReach } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { ServiceClass, ServiceItem } from '../care/care-kinds';
import { careRulesService } from '../care/care-rules.service';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel, levelOfCode, parentCodeOf, pathOfCode } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService, parseCode } from '../jurisdictions/jurisdiction.service';
import { facilityService } from '../facilities/facility.service';
import { parseCreditCode } from '../facilities/facility.rules';
import { parseDayField } from '../procedures/procedure.rules';
import { dayBefore } from '../procedures/procedure.service';
import { contractRepository, type ContractFilter, type ContractRow, type NewContract, type PriceRow, type ServingTerms } from './contract.repository';
import type { ContractPriceInput, CreateContractInput, RenewContractInput } from './contract.inputs';
import type { ServiceContract } from './contract.types';
import { CONTRACT_YEARS, MIN_VISIT_MINUTES } from './provider-kinds';
import { providerRepository } from './provider.repository';
import { refuseIfBanned } from './provider.service';
import { checkSpan, dayAfter, lastDayOfYears, MAX_AREA_CODES, MAX_MINUTES, MAX_UNIT_PRICE_FEN, parseDayOr, parseFromToday, parseReason } from './provider.rules';

export interface ContractListArgs extends PageArgs {
  under?: string | null;
  on?: string | null;
  provider?: string | null;
}

const NOT_IN_SCOPE = { denial: text('CONTRACT_NOT_IN_SCOPE') };

export const contractView = (row: ContractRow): ServiceContract => row;

// A contract is read from its contracting levels and from every village it serves (a village worker
// reads those serving its village); it is managed from its contracting level only.
const readAt = (row: ContractRow, villages: readonly string[]) => [row.jurisdiction.code, ...(row.jointWith ? [row.jointWith.code] : []), ...villages];
const placed = (row: ContractRow | null | undefined) => row && { ...row, jurisdictionCode: row.jurisdiction.code };

const contractByIdLoader = (ctx: Context) =>
  new DataLoader<number, ContractRow | null>(async (ids) => {
    const rows = await contractRepository.byIds(ctx.db, ids);
    return ids.map((id) => rows.find((row) => row.id === id) ?? null);
  });

function parseCatalogue(input: readonly ContractPriceInput[], field: string): PriceRow[] {
  const max = Object.keys(ServiceItem).length * Object.keys(ServiceClass).length;
  if (input.length < 1 || input.length > max) throw new BadUserInputError(field, `must have from 1 to ${max} lines`);
  const seen = new Set<string>();
  return input.map((line, i) => {
    const at = `${field}[${i}]`;
    const key = `${line.item} ${line.serviceClass}`;
    if (seen.has(key)) throw new BadUserInputError(`${at}.serviceClass`, `${line.item} for ${line.serviceClass} is priced twice`);
    seen.add(key);
    if (!Number.isSafeInteger(line.unitPriceFen) || line.unitPriceFen < 0 || line.unitPriceFen > MAX_UNIT_PRICE_FEN) {
      throw new BadUserInputError(`${at}.unitPriceFen`, `must be a whole number of fen from 0 to ${MAX_UNIT_PRICE_FEN}`);
    }
    const minMinutes = line.minMinutes ?? MIN_VISIT_MINUTES;
    if (!Number.isInteger(minMinutes) || minMinutes < MIN_VISIT_MINUTES || minMinutes > MAX_MINUTES) {
      throw new BadUserInputError(`${at}.minMinutes`, `must be from ${MIN_VISIT_MINUTES} (每次服務時長不低於1小時) to ${MAX_MINUTES} minutes`);
    }
    return { item: line.item, serviceClass: line.serviceClass, unitPriceFen: line.unitPriceFen, minMinutes };
  });
}

/** What a period needs beyond its days and catalogue: the parties and the area, as created or as renewed. */
interface Parties {
  level: { id: number; code: string; name: string };
  joint: { id: number; code: string } | null;
  organisationId: number;
  /** The area's nodes and the villages they hold. */
  areaIds: number[];
  villages: { id: number; code: string }[];
  renewsId: number | null;
}

/**
 * Writes a period after the checks every period passes: the provider in the library of the contracting
 * level or above, no ban of it running in the period at the contracting levels or above any village
 * served, and no exclusive coverage of a village and item sharing a day with it (CONFLICT, read first
 * for its message; the exclusion constraint decides between writers at once).
 */
async function writePeriod(write: Write, parties: Parties, from: string, until: string, catalogue: PriceRow[]): Promise<number> {
  const { tx, ctx, grant } = write;
  await providerRepository.lockOrganisation(tx, parties.organisationId);
  const root = parties.joint ?? parties.level;
  const [entry] = await providerRepository.entriesAt(tx, parties.organisationId, pathOfCode(root.code));
  if (!entry) throw new BadUserInputError('input.provider', `is not in the provider library of ${parties.level.name} or above`);
  const reached = new Set([...pathOfCode(root.code), ...parties.villages.flatMap((v) => pathOfCode(v.code))]);
  await refuseIfBanned(ctx, parties.organisationId, [...reached], from, until, 'input.provider');
  const items = [...new Set(catalogue.map((line) => line.item))];
  // Where the care rules in force on the first day let several providers serve a village's item, its coverage
  // is shared: neither the check nor the exclusion constraint holds it against another contract.
  const rules = await Promise.all(parties.villages.map((v) => careRulesService.rulesAt(write.ctx, v.code, from)));
  const villages = parties.villages.map((v, i) => ({ ...v, exclusive: !rules[i]?.rules.sharedServiceAreas }));
  const exclusive = villages.filter((v) => v.exclusive).map((v) => v.id);
  const overlap = exclusive.length === 0 ? null : await contractRepository.overlapping(tx, exclusive, items, from, until);
  if (overlap) {
    throw new ConflictError(
      `${overlap.villageName} (${overlap.villageCode}) already has ${overlap.item} from contract ${overlap.contractId}, ${overlap.from} to ${overlap.lastDay}`,
      'input.area',
    );
  }
  const contract: NewContract = {
    jurisdictionId: parties.level.id,
    jointId: parties.joint?.id ?? null,
    organisationId: parties.organisationId,
    from,
    until,
    renewsId: parties.renewsId,
    areaIds: parties.areaIds,
    catalogue,
    villages,
  };
  try {
    return await contractRepository.insert(tx, contract, grant!.actor.userId);
  } catch (error) {
    const code = (error as { code?: string; driverError?: { code?: string } }).code ?? (error as { driverError?: { code?: string } }).driverError?.code;
    // Another writer's coverage committed meanwhile: the area is the caller's, so naming it reveals nothing.
    if (code === '23P01') throw new ConflictError(`another contract serves a village and item of this area on a day from ${from} to ${until}`, 'input.area');
    if (code === '23505') throw new ConflictError('the contract was renewed meanwhile', 'id');
    throw error;
  }
}

/** The contracting level (a county or town), the joint town and the area of a new contract, checked. */
async function partiesOf(ctx: Context, input: CreateContractInput): Promise<Omit<Parties, 'organisationId' | 'renewsId'>> {
  const level = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
  if (level.level !== JurisdictionLevel.COUNTY && level.level !== JurisdictionLevel.TOWN) {
    throw new BadUserInputError('input.jurisdictionCode', 'must be a county or a town');
  }
  let joint: Jurisdiction | null = null;
  if (input.jointWith != null) {
    joint = await jurisdictionService.get(ctx, input.jointWith, 'input.jointWith');
    if (level.level !== JurisdictionLevel.COUNTY || joint.level !== JurisdictionLevel.TOWN || parentCodeOf(joint.code) !== level.code) {
      throw new BadUserInputError('input.jointWith', `must be a town of the contracting county`);
    }
  }
  const root = joint ?? level;
  if (input.area.length < 1 || input.area.length > MAX_AREA_CODES) throw new BadUserInputError('input.area', `must name from 1 to ${MAX_AREA_CODES} towns or villages`);
  const codes = input.area.map((raw, i) => parseCode(raw, `input.area[${i}]`));
  requireCodes(ctx, codes);
  codes.forEach((code, i) => {
    const at = `input.area[${i}]`;
    const codeLevel = levelOfCode(code);
    if (codeLevel !== JurisdictionLevel.TOWN && codeLevel !== JurisdictionLevel.VILLAGE) throw new BadUserInputError(at, 'must be a town or a village');
    if (!code.startsWith(root.code)) throw new BadUserInputError(at, `must lie in ${root.name} (${root.code})`);
  });
  const nodes = await jurisdictionService.byCodesAnywhere(ctx, codes);
  const missing = codes.findIndex((code) => !nodes.has(code));
  if (missing >= 0) throw new BadUserInputError(`input.area[${missing}]`, `names no jurisdiction`);
  const villages = await contractRepository.villagesUnder(ctx.db, codes);
  const empty = codes.findIndex((code) => !villages.some((v) => v.under === code));
  if (empty >= 0) throw new BadUserInputError(`input.area[${empty}]`, 'holds no village');
  const unique = [...new Map(villages.map((v) => [v.id, { id: v.id, code: v.code }])).values()];
  return { level, joint, areaIds: [...new Set(codes.map((code) => nodes.get(code)!.id))], villages: unique };
}

export const contractService = {
  /** A contract the caller reads: made at or serving a village of their subtree (a provider: its own); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<ServiceContract> {
    const grant = grantFor(ctx, Capability.READ_CONTRACTS);
    const row = await loader(ctx, contractByIdLoader).load(parseId(rawId, 'id', 'a contract'));
    const villages = row ? ((await contractRepository.villageCodesOf(ctx.db, [row.id])).get(row.id) ?? []) : [];
    requireReach(grant, [placed(row)], { ...NOT_IN_SCOPE, at: (r) => readAt(r, villages) });
    return contractView(row!);
  },

  /** Contracts made at, or serving villages, at or below `under` (default the caller's home), by id. */
  async list(ctx: Context, args: ContractListArgs): Promise<Page<ServiceContract>> {
    const grant = grantFor(ctx, Capability.READ_CONTRACTS);
    const node = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const on = args.on == null ? null : parseDayField(args.on, 'on');
    let organisationId = grant.organisationId;
    if (args.provider != null) {
      const organisation = await facilityService.organisationWithCode(ctx.db, parseCreditCode(args.provider, 'provider'));
      const wanted = organisation?.id ?? -1;
      organisationId = organisationId === null || organisationId === wanted ? wanted : -1;
    }
    const filter: ContractFilter = { under: node.code, organisationId, on };
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => contractRepository.search(ctx.db, filter, after, limit),
      count: () => contractRepository.count(ctx.db, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map(contractView),
    });
  },

  /** The contracts serving `item` at a village of the caller's subtree on `on` (default today). */
  async servingAt(ctx: Context, village: string, item: ServiceItem, on: string | null | undefined): Promise<ServiceContract[]> {
    const grant = grantFor(ctx, Capability.READ_CONTRACTS);
    const node = await jurisdictionService.get(ctx, village, 'village');
    if (node.level !== JurisdictionLevel.VILLAGE) throw new BadUserInputError('village', 'must be a village');
    const day = on == null ? todayInChina() : parseDayField(on, 'on');
    return (await contractRepository.serving(ctx.db, node.code, item, day, grant.organisationId)).map(contractView);
  },

  /** For visits: per item, the contracts of the organisation serving it at the village on `day`, with the item's minimum length. No access check beyond `organisationId`. */
  servingTerms(ctx: Context, villageCode: string, items: readonly ServiceItem[], day: string, organisationId: number): Promise<ServingTerms[]> {
    return contractRepository.servingTerms(ctx.db, villageCode, items, day, organisationId);
  },

  /** Contracts a county or town of the caller's subtree (or a county with one of its towns) with a library provider for a period. */
  async create(ctx: Context, input: CreateContractInput): Promise<ServiceContract> {
    const spec = { action: 'contract.create', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async (write) => {
      const { ctx, target, at, detail } = write;
      target('ServiceContract', []);
      const parties = await partiesOf(ctx, input);
      at(parties.level.id);
      const from = parseDayField(input.from, 'input.from');
      const until = parseDayOr(input.until, 'input.until', lastDayOfYears(from, CONTRACT_YEARS));
      checkSpan(from, until, 'input.until', 'from');
      const catalogue = parseCatalogue(input.catalogue, 'input.catalogue');
      const organisation = await facilityService.organisationWithCode(ctx.db, parseCreditCode(input.provider, 'input.provider'));
      if (!organisation) throw new BadUserInputError('input.provider', `is not in the provider library of ${parties.level.name} or above`);
      const created = await writePeriod(write, { ...parties, organisationId: organisation.id, renewsId: null }, from, until, catalogue);
      target('ServiceContract', [created]);
      detail({ provider: organisation.creditCode, from, until, villages: parties.villages.length, lines: catalogue.length, joint: parties.joint?.code ?? null });
      return created;
    });
    return contractView((await contractRepository.byIds(ctx.db, [id]))[0]);
  },

  /** The next period of a contract of the caller's subtree, from the day after it ends: the same parties and area, checked again. */
  async renew(ctx: Context, rawId: string, input: RenewContractInput): Promise<ServiceContract> {
    const spec = { action: 'contract.renew', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async (write) => {
      const { tx, grant, target, at, detail } = write;
      const id = parseId(rawId, 'id', 'a contract');
      target('ServiceContract', [id]);
      const row = await contractRepository.lock(tx, id);
      requireReach(grant!, [placed(row)], NOT_IN_SCOPE);
      const previous = row!;
      at(previous.jurisdiction.id);
      if (previous.endedOn !== null) throw new ConflictError(`the contract was ended on ${previous.endedOn}: make a new one`, 'id');
      if (previous.renewedById !== null) throw new ConflictError(`the contract is already renewed by contract ${previous.renewedById}`, 'id');
      const from = dayAfter(previous.until);
      const until = parseDayOr(input.until, 'input.until', lastDayOfYears(from, CONTRACT_YEARS));
      checkSpan(from, until, 'input.until', 'the day after the previous period');
      const catalogue = input.catalogue == null ? previous.catalogue : parseCatalogue(input.catalogue, 'input.catalogue');
      const villages = (await contractRepository.villagesUnder(tx, previous.area.map((node) => node.code))).map((v) => ({ id: v.id, code: v.code }));
      const parties: Parties = {
        level: previous.jurisdiction,
        joint: previous.jointWith,
        organisationId: previous.organisationId,
        areaIds: previous.area.map((node) => node.id),
        villages: [...new Map(villages.map((v) => [v.id, v])).values()],
        renewsId: previous.id,
      };
      const created = await writePeriod(write, parties, from, until, catalogue);
      target('ServiceContract', [id, created]);
      detail({ renews: id, from, until, lines: catalogue.length });
      return created;
    });
    return contractView((await contractRepository.byIds(ctx.db, [id]))[0]);
  },

  /** Ends a contract of the caller's subtree early: `lastDay` (today or later) becomes its last day in force. Never deleted. */
  async end(ctx: Context, rawId: string, lastDay: string, reason: string): Promise<ServiceContract> {
    const spec = { action: 'contract.end', capability: Capability.MANAGE_PROVIDERS };
    const id = await mutation(ctx, spec, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'a contract');
      target('ServiceContract', [id]);
      const row = await contractRepository.lock(tx, id);
      requireReach(grant!, [placed(row)], NOT_IN_SCOPE);
      const contract = row!;
      at(contract.jurisdiction.id);
      if (contract.endedOn !== null) throw new ConflictError(`the contract was already ended on ${contract.endedOn}`, 'id');
      const day = parseFromToday(lastDay, 'lastDay');
      if (day >= contract.until) throw new ConflictError(`the contract already ends on ${contract.until}`, 'lastDay');
      const why = parseReason(reason, 'reason');
      // The day before its first leaves a contract that never ran: it stays, with no day in force.
      const last = day < contract.from ? dayBefore(contract.from) : day;
      await contractRepository.end(tx, id, last, why);
      detail({ lastDay: last });
      return id;
    });
    return contractView((await contractRepository.byIds(ctx.db, [id]))[0]);
  },
};
