import { actingRole } from '../access/actor';
import { denied, grantFor, reaches, requireAccess, requireReach } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { maskPhone } from '../elderly/national-id';
import { facilityRepository } from '../facilities/facility.repository';
import { parseCreditCode } from '../facilities/facility.rules';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { pastDay, todayInChina } from '../kernel/dates';
import { pathOfCode } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import { parseDayField } from '../procedures/procedure.rules';
import { registerCaregiverLookup } from '../users/caregiver-link';
import type { AddCaregiverInput, BanCaregiverInput, CaregiverTrainingInput, UpdateCaregiverInput } from './caregiver.inputs';
import { caregiverBansLoader, caregiverByIdLoader } from './caregiver.loaders';
import { caregiverRepository, isUniqueViolation, type BanRow, type CaregiverChanges, type CaregiverFilter, type CaregiverRow } from './caregiver.repository';
import {
  BAN_LEVELS,
  barsOn,
  BASE_LEVELS,
  checkLevel,
  MAX_BAN_REASON,
  MAX_TRAINING,
  parseCaregiverName,
  parseCaregiverPhone,
  parsePhotoRef,
  parsePlace,
  parseSpecialities,
  parseWorkCardNumber,
  type CaregiverBar,
} from './caregiver.rules';

const NOT_IN_SCOPE = { denial: text('CAREGIVER_NOT_IN_SCOPE') };

export interface CaregiverListArgs extends PageArgs {
  under?: string | null;
  organisation?: string | null;
}

export interface CaregiverCardView {
  name: string;
  photoRef: string | null;
  workCardNumber: string;
  phone: string;
  organisationName: string;
  supervisionPhone: string | null;
}

export interface Standing {
  at: string;
  on: string;
  mayServe: boolean;
  reasons: CaregiverBar[];
}

// The phone in full only where the caller's phone-reading grant reaches the caregiver: a dual-role
// account does not read every caregiver's phone through the one role that reads its own staff's.
function shown(ctx: Context, row: CaregiverRow): CaregiverRow {
  const full = actingRole(ctx.actor!, Capability.READ_CAREGIVER_PHONES) !== null && reaches(grantFor(ctx, Capability.READ_CAREGIVER_PHONES), row);
  return full ? row : { ...row, phone: maskPhone(row.phone) };
}

/** The caregiver a write acts on, locked and named in its audit entry: one the write's grant reaches (FORBIDDEN alike for one out of reach and a missing one). */
async function lockCaregiver(write: Write, rawId: string, field: string): Promise<CaregiverRow> {
  const id = parseId(rawId, field, 'a caregiver');
  write.target('Caregiver', [id]);
  const [row] = await caregiverRepository.byIds(write.tx, [id], true);
  requireReach(write.grant!, [row], NOT_IN_SCOPE);
  write.at(row.basedAt.id);
  return row;
}

/** The node a caregiver is based at: in the caller's subtree, a county or below. */
async function baseOf(ctx: Context, code: string, field: string) {
  const node = await jurisdictionService.get(ctx, code, field);
  checkLevel(node.level, BASE_LEVELS, field);
  return node;
}

export const caregiverService = {
  /** A caregiver the caller may see (a provider: its own staff; a caregiver: themself); FORBIDDEN otherwise, whether or not it exists. */
  async get(ctx: Context, rawId: string): Promise<CaregiverRow> {
    const id = parseId(rawId, 'id', 'a caregiver');
    const row = await loader(ctx, caregiverByIdLoader).load(id);
    requireAccess(ctx, Capability.READ_CAREGIVERS, [row], NOT_IN_SCOPE);
    return shown(ctx, row!);
  },

  /** The caregiver an account stands for, when the caller may see it; null otherwise (an account's reader need not read caregivers). */
  async ofAccount(ctx: Context, caregiverId: number | null): Promise<CaregiverRow | null> {
    if (caregiverId === null || actingRole(ctx.actor!, Capability.READ_CAREGIVERS) === null) return null;
    const row = await loader(ctx, caregiverByIdLoader).load(caregiverId);
    return row && reaches(grantFor(ctx, Capability.READ_CAREGIVERS), row) ? shown(ctx, row) : null;
  },

  /** Caregivers based at or below `under` (default the caller's home), of `organisation` (a credit code) if given, by id. */
  async list(ctx: Context, args: CaregiverListArgs): Promise<Page<CaregiverRow>> {
    const grant = grantFor(ctx, Capability.READ_CAREGIVERS);
    const underCode = args.under ? (await jurisdictionService.get(ctx, args.under, 'under')).code : grant.code;
    let organisationId = grant.organisationId;
    if (args.organisation) {
      const organisation = await facilityRepository.organisationByCode(ctx.db, parseCreditCode(args.organisation, 'organisation'));
      const wanted = organisation?.id ?? -1;
      organisationId = organisationId === null || organisationId === wanted ? wanted : -1;
    }
    // A caregiver's own record is reached wherever it is based: their list is that record alone.
    const filter: CaregiverFilter = { underCode: grant.caregiverId === null ? underCode : '', organisationId, caregiverId: grant.caregiverId };
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => caregiverRepository.search(ctx.db, filter, after, limit),
      count: () => caregiverRepository.count(ctx.db, filter),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map((row) => shown(ctx, row)),
    });
  },

  /** What the caregiver's work card shows, the supervision phone set nearest their base included. */
  async card(ctx: Context, rawId: string): Promise<CaregiverCardView> {
    const row = await this.get(ctx, rawId);
    return {
      name: row.name,
      photoRef: row.photoRef,
      workCardNumber: row.workCardNumber,
      phone: row.phone,
      organisationName: row.organisation.name,
      supervisionPhone: await caregiverRepository.supervisionPhoneOn(ctx.db, pathOfCode(row.jurisdictionCode)),
    };
  },

  /** The caregiver's bans, oldest first (batched across a page). */
  async bans(ctx: Context, caregiver: CaregiverRow): Promise<BanRow[]> {
    return loader(ctx, caregiverBansLoader).load(caregiver.id);
  },

  /** Whether the caregiver may serve at `at` (default their base) on `on` (default today). */
  async standing(ctx: Context, caregiver: CaregiverRow, rawAt: string | null | undefined, rawOn: string | null | undefined): Promise<Standing> {
    const at = rawAt == null ? caregiver.jurisdictionCode : parsePlace(rawAt, 'at');
    const on = rawOn == null ? todayInChina() : parseDayField(rawOn, 'on');
    const reasons = barsOn(caregiver, await this.bans(ctx, caregiver), at, on);
    return { at, on, mayServe: reasons.length === 0, reasons };
  },

  /** For visits: what bars the caregiver (in the caller's reach) from serving at `at` on `on`; the caregiver and their bans read together. */
  async barsOn(ctx: Context, caregiverId: number, at: string, on: string): Promise<CaregiverBar[]> {
    const [row, bans] = await Promise.all([loader(ctx, caregiverByIdLoader).load(caregiverId), loader(ctx, caregiverBansLoader).load(caregiverId)]);
    requireAccess(ctx, Capability.READ_CAREGIVERS, [row], NOT_IN_SCOPE);
    return barsOn(row!, bans, at, on);
  },

  /** Adds a caregiver to the caller's organisation, based in the caller's subtree. */
  async add(ctx: Context, input: AddCaregiverInput): Promise<CaregiverRow> {
    const id = await mutation(ctx, { action: 'caregiver.add', capability: Capability.MANAGE_CAREGIVERS }, async ({ tx, ctx, grant, target, at, detail }) => {
      const organisationId = grant!.organisationId;
      // Only a provider adds caregivers, and only to the organisation its account belongs to.
      if (organisationId === null || organisationId < 1) throw denied();
      target('Caregiver', []);
      const name = parseCaregiverName(input.name, 'input.name');
      const workCardNumber = parseWorkCardNumber(input.workCardNumber, 'input.workCardNumber');
      const phone = parseCaregiverPhone(input.phone, 'input.phone');
      const photoRef = parsePhotoRef(input.photoRef, 'input.photoRef');
      const base = await baseOf(ctx, input.basedAt, 'input.basedAt');
      at(base.id);
      const startedOn = parseDayField(input.startedOn, 'input.startedOn');
      const specialities = parseSpecialities(input.specialities);
      const created = await caregiverRepository.insert(tx, { organisationId, jurisdictionId: base.id, name, workCardNumber, phone, photoRef, specialities, startedOn });
      if (created === null) throw new ConflictError(text('WORK_CARD_TAKEN', { number: workCardNumber }), 'input.workCardNumber');
      target('Caregiver', [created]);
      detail({ workCardNumber, basedAt: base.code, startedOn });
      return created;
    });
    return this.get(ctx, String(id));
  },

  /** Changes a caregiver's facts; fields left out stay as they are. */
  async update(ctx: Context, rawId: string, input: UpdateCaregiverInput): Promise<CaregiverRow> {
    const id = await mutation(ctx, { action: 'caregiver.update', capability: Capability.MANAGE_CAREGIVERS }, async (write) => {
      const row = await lockCaregiver(write, rawId, 'id');
      const changes: CaregiverChanges = {};
      if (input.name != null) changes.name = parseCaregiverName(input.name, 'input.name');
      if (input.workCardNumber != null) changes.workCardNumber = parseWorkCardNumber(input.workCardNumber, 'input.workCardNumber');
      if (input.phone != null) changes.phone = parseCaregiverPhone(input.phone, 'input.phone');
      if (input.photoRef != null) changes.photoRef = parsePhotoRef(input.photoRef, 'input.photoRef');
      if (input.basedAt != null) changes.jurisdictionId = (await baseOf(write.ctx, input.basedAt, 'input.basedAt')).id;
      if (input.specialities != null) changes.specialities = parseSpecialities(input.specialities);
      const taken = () => new ConflictError(text('WORK_CARD_TAKEN', { number: changes.workCardNumber! }), 'input.workCardNumber');
      if (changes.workCardNumber && (await caregiverRepository.numberTaken(write.tx, row.organisationId, changes.workCardNumber, row.id))) throw taken();
      await caregiverRepository.update(write.tx, row.id, changes).catch((error) => {
        throw isUniqueViolation(error) ? taken() : error;
      });
      write.detail({ changed: Object.keys(changes).sort() });
      return row.id;
    });
    return this.get(ctx, String(id));
  },

  /** Records a training and its result: the caregiver is trained exactly when the latest one was passed. */
  async recordTraining(ctx: Context, rawId: string, input: CaregiverTrainingInput): Promise<CaregiverRow> {
    const id = await mutation(ctx, { action: 'caregiver.recordTraining', capability: Capability.MANAGE_CAREGIVERS }, async (write) => {
      const row = await lockCaregiver(write, rawId, 'id');
      const training = parseText(input.training, 'input.training', { required: true, max: MAX_TRAINING })!;
      const on = pastDay(input.on, 'input.on');
      if (row.trainedOn !== null && on < row.trainedOn) throw new BadUserInputError('input.on', `must not be before the latest training recorded (${row.trainedOn})`);
      await caregiverRepository.update(write.tx, row.id, { trained: input.passed, trainedOn: on, training });
      write.detail({ training, on, passed: input.passed });
      return row.id;
    });
    return this.get(ctx, String(id));
  },

  /** Ends a caregiver's work after `leftOn` (their last day); the record stays. */
  async end(ctx: Context, rawId: string, leftOn: string): Promise<CaregiverRow> {
    const id = await mutation(ctx, { action: 'caregiver.end', capability: Capability.MANAGE_CAREGIVERS }, async (write) => {
      const row = await lockCaregiver(write, rawId, 'id');
      const day = parseDayField(leftOn, 'leftOn', row.startedOn);
      if (row.leftOn !== null) throw new ConflictError(`the caregiver already left on ${row.leftOn}`, 'leftOn');
      await caregiverRepository.update(write.tx, row.id, { leftOn: day });
      write.detail({ leftOn: day });
      return row.id;
    });
    return this.get(ctx, String(id));
  },

  /** Bars a caregiver based in the caller's subtree from serving in a county's or town's subtree, from a day (default today) to a day. */
  async ban(ctx: Context, input: BanCaregiverInput): Promise<BanRow> {
    const id = await mutation(ctx, { action: 'caregiver.ban', capability: Capability.SUPERVISE_CAREGIVERS }, async (write) => {
      const row = await lockCaregiver(write, input.caregiverId, 'input.caregiverId');
      const node = await jurisdictionService.get(write.ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      checkLevel(node.level, BAN_LEVELS, 'input.jurisdictionCode');
      const reason = parseText(input.reason, 'input.reason', { required: true, max: MAX_BAN_REASON })!;
      const today = todayInChina();
      const from = input.from == null ? today : parseDayField(input.from, 'input.from', today);
      const until = parseDayField(input.until, 'input.until', from);
      const ban = await caregiverRepository.insertBan(write.tx, { caregiverId: row.id, jurisdictionId: node.id, reason, from, until }, write.grant!.actor.userId);
      write.detail({ ban, jurisdictionCode: node.code, from, until });
      return ban;
    });
    return caregiverRepository.banById(ctx.db, id);
  },

  /**
   * Sets a level's service supervision phone (服務監督電話): the work card of a caregiver shows the one set
   * nearest their base (their town's, else their county's, …).
   */
  async setSupervisionPhone(ctx: Context, code: string, rawPhone: string) {
    return mutation(ctx, { action: 'serviceSupervisionPhone.set', capability: Capability.SUPERVISE_CAREGIVERS }, async ({ tx, ctx, grant, target, at, detail }) => {
      const node = await jurisdictionService.get(ctx, code, 'jurisdictionCode');
      target('Jurisdiction', [node.code]);
      at(node.id);
      const phone = parseCaregiverPhone(rawPhone, 'phone');
      const { updatedAt } = await caregiverRepository.setSupervisionPhone(tx, node.id, phone, grant!.actor.userId);
      detail({ phone });
      return { jurisdiction: { code: node.code, name: node.name, level: node.level }, phone, updatedAt };
    });
  },
};

/** Lets user administration find the caregiver a CAREGIVER account is created for (src/users/caregiver-link.ts). */
export function registerCaregiverHooks(): void {
  registerCaregiverLookup(async (write, rawId, field) => {
    const id = parseId(rawId, field, 'a caregiver');
    const [row] = await caregiverRepository.byIds(write.tx, [id], true);
    requireReach(write.grant!, [row], NOT_IN_SCOPE);
    return { caregiverId: row.id, organisationId: row.organisationId, linked: await caregiverRepository.hasAccount(write.tx, row.id) };
  });
}
