import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { actingRole } from '../access/actor';
import { Capability } from '../kernel/actor';
import { codeReached, denied, grantFor, requireActor, requireCapability, type Grant } from '../access/scope';
import { recordReads } from '../audit/audit.service';
import { mutation, type Write } from '../audit/mutation';
import { loader, type Context } from '../kernel/context';
import { addMonths, todayInChina } from '../kernel/dates';
import { AppError, BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { PersonEnrolment, PersonFacts } from './person-facts';
import { AbilityLevel, HardshipCategory, PersonStatus } from './elderly-kinds';
import { ageOn, maskNationalId, maskPhone } from './national-id';
import type { AssessmentInput, CategoryInput, RegisterPersonInput, UpdatePersonInput } from './person.inputs';
import { figureFactsOf, recordPeopleChanges } from './person-rollups';
import { personAssessmentsLoader, personByIdLoader, personCategoriesLoader } from './person.loaders';
import { personRepository, type AssessmentRow, type CategoryRow, type PersonRow } from './person.repository';
import { personFactsRepository } from './person-facts.repository';
import { personStatusChanged } from './person-status-hooks';
import { BIRTH_DATE, checkFacts, checkRegistration, parseCategories, parseDayNotBefore, parseText, placesFor, type FieldProblem } from './person.rules';
import { text } from '../kernel/messages';

// A setting, not policy: no document sets a period (schemes set their own, assessmentValidMonths).
const DEFAULT_VALID_MONTHS = 6;

export type MaskedField = 'nationalId' | 'birthDate' | 'phone' | 'address';

export interface PersonListArgs {
  under?: string | null;
  status?: PersonStatus | null;
  category?: HardshipCategory | null;
  search?: string | null;
  first?: number | null;
  after?: string | null;
}

/** An address with only its start shown: enough to tell the district, not the door. */
export function maskAddress(value: string): string {
  return `${[...value].slice(0, Math.min(6, Math.ceil([...value].length / 3))).join('')}****`;
}

// The birth date is withheld whole: with the 户籍 and the sex it leaves only the ID's sequence number unknown.
const MASKS: Record<MaskedField, (value: string) => string | null> = {
  nationalId: maskNationalId,
  birthDate: () => null,
  phone: maskPhone,
  address: maskAddress,
};

/**
 * The person `rawId` names when the grant reaches their village; FORBIDDEN otherwise, the same answer
 * for one who does not exist. No organisation operates a person's record: a provider's narrowing does
 * not apply.
 */
async function personReached(ctx: Context, grant: Grant, rawId: string | number, field = 'id'): Promise<PersonRow> {
  const person = await loader(ctx, personByIdLoader).load(parseId(rawId, field, 'a person'));
  if (!person || !codeReached(grant.actor, person.villageCode)) throw denied(text('PERSON_NOT_IN_SCOPE'));
  return person;
}

/**
 * Makes one change to a person already locked in `tx` and moves the people counts with it: the
 * person's figures are read before and after, and only the difference is written.
 */
async function countsFollow(tx: EntityManager, personId: number, change: () => Promise<void>): Promise<void> {
  const before = await figureFactsOf(tx, [personId]);
  await change();
  await recordPeopleChanges(tx, before, await figureFactsOf(tx, [personId]));
}

/** Writes one `person.unmask` entry per person, naming the fields the caller saw or confirmed in full. */
async function recordUnmasked(ctx: Context, reads: readonly { person: { id: number; villageId: number }; fields: readonly string[] }[]): Promise<void> {
  const actor = requireActor(ctx);
  await recordReads(
    ctx.db,
    ctx.requestId,
    'person.unmask',
    { userId: actor.userId, username: actor.username, role: actingRole(actor, Capability.READ_PERSONAL_DATA), clientAddress: ctx.clientAddress },
    reads.map(({ person, fields }) => ({ jurisdictionId: person.villageId, targetType: 'Person', targetId: String(person.id), detail: { fields: [...fields].sort() } })),
  );
}

/** Per request: the unmasked reads to audit, batched into one insert and awaited before the value is given out. */
function unmaskAudit(ctx: Context): DataLoader<string, true> {
  return new DataLoader(async (keys) => {
    const fields = new Map<number, Set<string>>();
    for (const key of keys) {
      const [id, field] = key.split('|');
      fields.set(Number(id), (fields.get(Number(id)) ?? new Set()).add(field));
    }
    const people = await loader(ctx, personByIdLoader).loadMany([...fields.keys()]);
    await recordUnmasked(
      ctx,
      people.filter((p): p is PersonRow => p !== null && !(p instanceof Error)).map((person) => ({ person, fields: [...fields.get(person.id)!] })),
    );
    return keys.map(() => true as const);
  });
}

export const personService = {
  async get(ctx: Context, rawId: string): Promise<PersonRow> {
    return personReached(ctx, grantFor(ctx, Capability.READ_PEOPLE), rawId);
  },

  /** People living at or below `under` (default the caller's home), in registration order. */
  async list(ctx: Context, args: PersonListArgs): Promise<Page<PersonRow>> {
    requireCapability(ctx, Capability.READ_PEOPLE);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const first = pageSize(args.first);
    const afterId = decodeCursor(args.after, (key) => /^[1-9]\d{0,9}$/.test(key));
    const filter = {
      underCode: under.code,
      status: args.status ?? null,
      category: args.category ?? null,
      nameContains: parseText(args.search, 'search', 50),
    };
    const rows = await personRepository.search(ctx.db, filter, afterId === null ? null : Number(afterId), first + 1);
    return toPage(rows, first, (row) => String(row.id), () => personRepository.count(ctx.db, filter));
  },

  /**
   * A personal field, masked unless `unmasked` is asked for; unmasking needs READ_PERSONAL_DATA and
   * leaves an audit entry (who, whom, which fields) before the value is returned.
   */
  async personalField(ctx: Context, person: PersonRow, field: MaskedField, unmasked: boolean): Promise<string | null> {
    const value = person[field];
    if (value === null) return null;
    if (!unmasked) return MASKS[field](value);
    requireCapability(ctx, Capability.READ_PERSONAL_DATA);
    await loader(ctx, unmaskAudit).load(`${person.id}|${field}`);
    return value;
  },

  /**
   * Telling someone that the national ID they typed is registered confirms the whole ID of that
   * person: it is audited as an unmasked read of it, as `nationalId(unmasked: true)` would be.
   */
  async recordIdentified(ctx: Context, people: readonly { id: number; villageId: number }[]): Promise<void> {
    await recordUnmasked(ctx, people.map((person) => ({ person, fields: ['nationalId'] })));
  },

  ageToday(person: PersonRow): number {
    return ageOn(person.birthDate, todayInChina());
  },

  /** The categories in force today. */
  async currentCategories(ctx: Context, person: PersonRow): Promise<CategoryRow[]> {
    const today = todayInChina();
    const rows = await loader(ctx, personCategoriesLoader).load(person.id);
    return rows.filter((row) => row.validFrom <= today && (row.validTo === null || row.validTo > today));
  },

  async categoryHistory(ctx: Context, person: PersonRow): Promise<CategoryRow[]> {
    return loader(ctx, personCategoriesLoader).load(person.id);
  },

  async assessments(ctx: Context, person: PersonRow): Promise<AssessmentRow[]> {
    return loader(ctx, personAssessmentsLoader).load(person.id);
  },

  /** Registers a person living in a village of the caller's subtree, with the categories in force from their day. */
  async register(ctx: Context, input: RegisterPersonInput): Promise<PersonRow> {
    const id = await mutation(ctx, { action: 'person.register', capability: Capability.EDIT_PEOPLE }, async (w) => {
      w.target('Person', []);
      const personId = await this.registerWithin(w, input, 'input');
      w.target('Person', [personId]);
      return personId;
    });
    return (await personRepository.byIds(ctx.db, [id]))[0];
  },

  /**
   * The work of `register` inside a mutation of another feature (a case filed for someone new): the
   * same checks, fields named under `base`, the people counts moved in the same transaction. The
   * caller's grant must carry EDIT_PEOPLE's reach (checked here).
   */
  async registerWithin({ tx, ctx, at }: Pick<Write, 'tx' | 'ctx' | 'at'>, input: RegisterPersonInput, base: string): Promise<number> {
    const grant = grantFor(ctx, Capability.EDIT_PEOPLE);
    const checked = checkRegistration(input, base, todayInChina(), await placesFor(ctx, [input], base));
    if (checked.village) at(checked.village.id);
    if (!checked.registration) throw checked.problems[0].error;
    const { fields, categories, categoriesSince } = checked.registration;
    const userId = grant.actor.userId;
    const personId = await personRepository.insert(tx, fields, userId);
    if (personId === null) throw new ConflictError(text('NATIONAL_ID_REGISTERED'), `${base}.nationalId`);
    for (const { category, grade } of categories) await personRepository.openCategory(tx, personId, category, grade, categoriesSince, userId);
    await recordPeopleChanges(tx, [], await figureFactsOf(tx, [personId]));
    return personId;
  },

  /** Replaces a person's facts (identity stays); a move must stay within the caller's subtree. */
  async update(ctx: Context, rawId: string, input: UpdatePersonInput): Promise<PersonRow> {
    const id = await mutation(ctx, { action: 'person.update', capability: Capability.EDIT_PEOPLE }, async ({ tx, ctx, grant, target, at }) => {
      const current = await personReached(ctx, grant!, rawId);
      at(current.villageId);
      target('Person', [current.id]);
      await personRepository.lock(tx, current.id);
      const places = await placesFor(ctx, [input], 'input');
      const problems: FieldProblem[] = [];
      let villageId = current.villageId;
      if (input.villageCode) {
        const village = places.village(input.villageCode);
        if (village instanceof AppError) problems.push({ field: 'input.villageCode', error: village });
        else villageId = village.id;
      }
      const facts = checkFacts(input, current.birthDate, 'input', places, problems);
      if (!facts || problems.length > 0) throw problems[0].error;
      // A move takes the person's figures (their whole timeline: the registry keeps no address history) from the old village to the new.
      await countsFollow(tx, current.id, () => personRepository.update(tx, current.id, { ...facts, villageId }));
      return current.id;
    });
    return (await personRepository.byIds(ctx.db, [id]))[0];
  },

  /** Makes `categories` the person's full set from `on` (default today): others end that day, new ones start. */
  async setCategories(ctx: Context, rawId: string, inputs: readonly CategoryInput[], on: string | null): Promise<PersonRow> {
    const spec = { action: 'person.setCategories', capability: Capability.EDIT_PEOPLE };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const person = await personReached(ctx, grant!, rawId);
      at(person.villageId);
      target('Person', [person.id]);
      await personRepository.lock(tx, person.id);
      const wanted = parseCategories(inputs, 'categories');
      const history = await personRepository.categoriesOf(tx, [person.id]);
      const open = history.filter((row) => row.validTo === null);
      const latest = history.reduce<string | null>((max, row) => (max === null || row.validFrom > max ? row.validFrom : max), null);
      const day =
        latest !== null && latest > person.birthDate
          ? parseDayNotBefore(on ?? todayInChina(), 'on', latest, 'the latest category change')
          : parseDayNotBefore(on ?? todayInChina(), 'on', person.birthDate, BIRTH_DATE);
      await countsFollow(tx, person.id, async () => {
        for (const row of open) {
          const keep = wanted.find((w) => w.category === row.category && w.grade === row.disabilityGrade);
          if (!keep) await personRepository.closeCategory(tx, person.id, row.category, day);
        }
        for (const w of wanted) {
          if (!open.some((row) => row.category === w.category && row.disabilityGrade === w.grade)) {
            await personRepository.openCategory(tx, person.id, w.category, w.grade, day, grant!.actor.userId);
          }
        }
      });
      detail({ on: day, categories: wanted.map((w) => w.category) });
      return person.id;
    });
    return (await personRepository.byIds(ctx.db, [id]))[0];
  },

  /** Records that an active person moved away or died on a day; each scheme's lastMonth rule says which month it pays last. */
  async recordStatus(ctx: Context, rawId: string, status: PersonStatus, on: string | null): Promise<PersonRow> {
    const spec = { action: 'person.recordStatus', capability: Capability.EDIT_PEOPLE };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const person = await personReached(ctx, grant!, rawId);
      at(person.villageId);
      target('Person', [person.id]);
      if (status === PersonStatus.ACTIVE) throw new BadUserInputError('status', 'must be MOVED_AWAY or DECEASED');
      const locked = (await personRepository.lock(tx, person.id))!;
      if (locked.status !== PersonStatus.ACTIVE) throw new ConflictError(`the person is already ${locked.status} since ${locked.statusSince}`, 'status');
      const day = parseDayNotBefore(on ?? todayInChina(), 'on', person.birthDate, BIRTH_DATE);
      await countsFollow(tx, person.id, () => personRepository.setStatus(tx, person.id, status, day));
      await personStatusChanged({ tx, actor: grant!.actor, personId: person.id, status, on: day });
      detail({ status, on: day });
      return person.id;
    });
    return (await personRepository.byIds(ctx.db, [id]))[0];
  },

  /** Records an ability assessment with a validUntil `validMonths` (a setting, default six) from its day; each scheme decides how long it counts (assessmentValidMonths). */
  async recordAssessment(ctx: Context, rawId: string, input: AssessmentInput): Promise<PersonRow> {
    const spec = { action: 'person.recordAssessment', capability: Capability.ASSESS_PEOPLE };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const person = await personReached(ctx, grant!, rawId, 'personId');
      at(person.villageId);
      target('Person', [person.id]);
      const assessedOn = parseDayNotBefore(input.assessedOn ?? todayInChina(), 'input.assessedOn', person.birthDate, BIRTH_DATE);
      const months = input.validMonths ?? DEFAULT_VALID_MONTHS;
      if (!Number.isInteger(months) || months < 1 || months > 36) throw new BadUserInputError('input.validMonths', 'must be from 1 to 36');
      const assessment = {
        personId: person.id,
        level: input.level,
        assessedOn,
        validUntil: validUntil(assessedOn, months),
        assessor: parseText(input.assessor, 'input.assessor', 100, true)!,
        note: parseText(input.note, 'input.note', 500),
      };
      // Locked like every other change of the person, so that the counts move from what was last committed.
      await personRepository.lock(tx, person.id);
      await countsFollow(tx, person.id, () => personRepository.insertAssessment(tx, assessment, grant!.actor.userId));
      detail({ level: input.level, assessedOn, validMonths: months });
      return person.id;
    });
    return (await personRepository.byIds(ctx.db, [id]))[0];
  },

  /** A person in the caller's subtree with everything the entitlement rules read (READ_ENTITLEMENTS). */
  /** For the monthly run, within its transaction: the facts of every active person of the villages, by cursor. */
  openFactsCursor: personFactsRepository.openFactsCursor,
  fetchFacts: personFactsRepository.fetchFacts,

  async factsFor(ctx: Context, rawId: string): Promise<{ person: PersonRow; facts: PersonFacts }> {
    const person = await personReached(ctx, grantFor(ctx, Capability.READ_ENTITLEMENTS), rawId, 'personId');
    const [categories, assessments, enrolments] = await Promise.all([
      loader(ctx, personCategoriesLoader).load(person.id),
      loader(ctx, personAssessmentsLoader).load(person.id),
      personFactsRepository.enrolmentsOf(ctx.db, person.id),
    ]);
    return { person, facts: toFacts(person, categories, assessments, enrolments) };
  },
};

/**
 * The last day an assessment made on `day` qualifies: the day before the same date `months` later,
 * or the last day of that month when it has no such date (31 August + 6 months → 28 February).
 */
export function validUntil(day: string, months: number): string {
  const date = Number(day.slice(8, 10));
  const [ty, tm] = addMonths(day.slice(0, 7), months).split('-').map(Number);
  const lastOfMonth = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
  const result = date > lastOfMonth ? new Date(Date.UTC(ty, tm - 1, lastOfMonth)) : new Date(Date.UTC(ty, tm - 1, date - 1));
  return result.toISOString().slice(0, 10);
}

export function toFacts(
  person: PersonRow,
  categories: readonly CategoryRow[],
  assessments: readonly AssessmentRow[],
  enrolments: readonly PersonEnrolment[],
): PersonFacts {
  return {
    id: person.id,
    birthDate: person.birthDate,
    sex: person.sex,
    status: person.status,
    statusSince: person.statusSince,
    hukouCode: person.hukouCode,
    residentSince: person.residentSince,
    livingSituations: person.livingSituations,
    ownMonthlyIncomeFen: person.ownMonthlyIncomeFen,
    householdMonthlyIncomeFen: person.householdMonthlyIncomeFen,
    categories: categories.map((c) => ({ category: c.category, validFrom: c.validFrom, validTo: c.validTo })),
    assessments: assessments.map((a) => ({ level: a.level as AbilityLevel, assessedOn: a.assessedOn, validUntil: a.validUntil })),
    enrolments,
  };
}

