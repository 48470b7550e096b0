import { codeReached, denied, requireActor } from '../access/scope';
import type { Context } from '../kernel/context';
import { pastDay } from '../kernel/dates';
import { AppError, BadUserInputError, NotFoundError } from '../kernel/errors';
import { JurisdictionLevel } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService, parseCode } from '../jurisdictions/jurisdiction.service';
import { HardshipCategory } from './elderly-kinds';
import { parseNationalId, parsePhone, type NationalId } from './national-id';
import type { CategoryInput, PersonFactsInput, RegisterPersonInput } from './person.inputs';
import type { NewCategory, PersonFields } from './person.repository';
import { text as message } from '../kernel/messages';

// The rules a person's facts must meet, shared by registerPerson, updatePerson and importPeople. A rule
// returns the clean value or throws BadUserInputError naming the field; the checks below run every
// rule of an input and note each problem, so that a mutation can refuse with the first one and an
// import can report them all.

const MAX_INCOME_FEN = 100_000_000;

/** `base.name`; just `name` when there is no base (an import names its columns, not an input's fields). */
export function fieldPath(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}

export function parseText(raw: string | null | undefined, field: string, max: number, required = false): string | null {
  const text = raw?.trim() ?? '';
  if (text.length === 0) {
    if (required) throw new BadUserInputError(field, message('LENGTH_RANGE', { max }));
    return null;
  }
  if ([...text].length > max) throw new BadUserInputError(field, message('AT_MOST_CHARACTERS', { max }));
  return text;
}

export const BIRTH_DATE = 'the birth date';

export function parseIncome(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_INCOME_FEN) {
    throw new BadUserInputError(field, 'must be from 0 to 1,000,000 元 (100,000,000 fen)');
  }
  return value;
}

/** A past day not before `notBefore`; the refusal names `what` but never the birth date, which is personal data. */
export function parseDayNotBefore(raw: string, field: string, notBefore: string, what: string): string {
  const day = pastDay(raw, field);
  if (day < notBefore) throw new BadUserInputError(field, what === BIRTH_DATE ? `must not be before ${what}` : `must not be before ${what} (${notBefore})`);
  return day;
}

export function parseCategories(inputs: readonly CategoryInput[], field: string): NewCategory[] {
  const seen = new Set<HardshipCategory>();
  return inputs.map((input, i) => {
    if (seen.has(input.category)) throw new BadUserInputError(`${field}[${i}].category`, `${input.category} is listed twice`);
    seen.add(input.category);
    const grade = input.disabilityGrade ?? null;
    if (input.category === HardshipCategory.DISABILITY) {
      if (grade === null || !Number.isInteger(grade) || grade < 1 || grade > 4) {
        throw new BadUserInputError(`${field}[${i}].disabilityGrade`, 'must be 1 to 4 for DISABILITY');
      }
    } else if (grade !== null) {
      throw new BadUserInputError(`${field}[${i}].disabilityGrade`, 'applies to DISABILITY only');
    }
    return { category: input.category, grade };
  });
}

export function parseNationalIdField(raw: string, field: string, today: string): NationalId {
  const parsed = parseNationalId(raw, today);
  if (!parsed.ok) throw new BadUserInputError(field, parsed.problem);
  return parsed.id;
}

/** A phone number, or null when none is given. */
export function parsePhoneField(raw: string | null | undefined, field: string): string | null {
  if (!raw?.trim()) return null;
  const parsed = parsePhone(raw);
  if (!parsed.ok) throw new BadUserInputError(field, parsed.problem);
  return parsed.value;
}

/** A problem with one field: the error an input meets there. */
export interface FieldProblem {
  field: string;
  error: AppError;
}

/** Runs one rule: its value, or undefined with its BAD_USER_INPUT noted. */
function noted<T>(problems: FieldProblem[], rule: () => T): T | undefined {
  try {
    return rule();
  } catch (error) {
    if (!(error instanceof BadUserInputError)) throw error;
    problems.push({ field: error.field, error });
    return undefined;
  }
}

/** A looked-up place, or undefined with the error noted. */
function located(problems: FieldProblem[], field: string, found: Jurisdiction | AppError): Jurisdiction | undefined {
  if (found instanceof AppError) {
    problems.push({ field, error: found });
    return undefined;
  }
  return found;
}

/** Where the codes of a set of inputs lead. */
export interface Places {
  /**
   * The village a code names in the caller's subtree, or the error: BAD_USER_INPUT for a malformed
   * code or one that is not a village's, FORBIDDEN outside the subtree whether or not the code exists,
   * NOT_FOUND for an unknown code inside it.
   */
  village(raw: string): Jurisdiction | AppError;
  /** The 户籍 node a code names anywhere in the tree, or BAD_USER_INPUT. */
  hukou(raw: string): Jurisdiction | AppError;
}

/** Looks up every village and 户籍 code the inputs name, in one batch however many inputs there are. */
export async function placesFor(
  ctx: Context,
  inputs: readonly { villageCode?: string | null; hukouCode?: string | null }[],
  base: string,
): Promise<Places> {
  const actor = requireActor(ctx);
  const villageField = fieldPath(base, 'villageCode');
  const hukouField = fieldPath(base, 'hukouCode');
  const codeOf = (raw: string, field: string): string | BadUserInputError => {
    try {
      return parseCode(raw, field);
    } catch (error) {
      if (error instanceof BadUserInputError) return error;
      throw error;
    }
  };
  const wanted = new Set<string>();
  for (const input of inputs) {
    const village = input.villageCode == null ? null : codeOf(input.villageCode, villageField);
    // A village outside the subtree is refused without being looked up: the answer cannot depend on whether it exists.
    if (typeof village === 'string' && codeReached(actor, village)) wanted.add(village);
    const hukou = input.hukouCode == null ? null : codeOf(input.hukouCode, hukouField);
    if (typeof hukou === 'string') wanted.add(hukou);
  }
  const nodes = await jurisdictionService.byCodesAnywhere(ctx, [...wanted]);
  return {
    village(raw) {
      const code = codeOf(raw, villageField);
      if (typeof code !== 'string') return code;
      if (!codeReached(actor, code)) return denied();
      const node = nodes.get(code);
      if (!node) return new NotFoundError(message('JURISDICTION', { code }));
      if (node.level !== JurisdictionLevel.VILLAGE) return new BadUserInputError(villageField, 'must be the code of a village or community (12 digits)');
      return node;
    },
    hukou(raw) {
      const code = codeOf(raw, hukouField);
      if (typeof code !== 'string') return code;
      return nodes.get(code) ?? new BadUserInputError(hukouField, `${code} is not a jurisdiction`);
    },
  };
}

export type FactFields = Omit<PersonFields, 'nationalId' | 'sex' | 'birthDate' | 'villageId'>;

/**
 * Checks the facts besides identity and village (for register and update), noting every problem in
 * `problems`; the clean facts when there was none. Without a birth date (the ID was refused) the
 * residence day is still checked, but not against the birth.
 */
export function checkFacts(input: PersonFactsInput, birthDate: string | null, base: string, places: Places, problems: FieldProblem[]): FactFields | null {
  const before = problems.length;
  const phone = noted(problems, () => parsePhoneField(input.phone, fieldPath(base, 'phone')));
  const hukou = located(problems, fieldPath(base, 'hukouCode'), places.hukou(input.hukouCode ?? ''));
  const residentSince = noted(problems, () => {
    const field = fieldPath(base, 'residentSince');
    if (!input.residentSince) return null;
    return birthDate ? parseDayNotBefore(input.residentSince, field, birthDate, BIRTH_DATE) : pastDay(input.residentSince, field);
  });
  const name = noted(problems, () => parseText(input.name, fieldPath(base, 'name'), 50, true));
  const address = noted(problems, () => parseText(input.address, fieldPath(base, 'address'), 200));
  const own = noted(problems, () => parseIncome(input.ownMonthlyIncomeFen, fieldPath(base, 'ownMonthlyIncomeFen')));
  const household = noted(problems, () => parseIncome(input.householdMonthlyIncomeFen, fieldPath(base, 'householdMonthlyIncomeFen')));
  if (problems.length > before) return null;
  return {
    name: name!,
    phone: phone!,
    address: address!,
    hukouId: hukou!.id,
    residentSince: residentSince!,
    livingSituations: [...new Set(input.livingSituations ?? [])],
    ownMonthlyIncomeFen: own!,
    householdMonthlyIncomeFen: household!,
  };
}

/** Everything a registration writes. */
export interface Registration {
  fields: PersonFields;
  categories: NewCategory[];
  categoriesSince: string;
}

export interface RegistrationCheck {
  /** Every problem, in the order registerPerson has always checked the fields. */
  problems: FieldProblem[];
  /** The national ID when it is valid, whatever else is wrong (an import compares IDs across rows). */
  nationalId: NationalId | null;
  /** The village when it is one of the caller's subtree, whatever else is wrong. */
  village: Jurisdiction | null;
  /** What to write; null when there is a problem. */
  registration: Registration | null;
}

/** Checks a registration against every rule; `today` is China's date, the default start of the categories. */
export function checkRegistration(input: RegisterPersonInput, base: string, today: string, places: Places): RegistrationCheck {
  const problems: FieldProblem[] = [];
  const nationalId = noted(problems, () => parseNationalIdField(input.nationalId, fieldPath(base, 'nationalId'), today)) ?? null;
  const village = located(problems, fieldPath(base, 'villageCode'), places.village(input.villageCode)) ?? null;
  const facts = checkFacts(input, nationalId?.birthDate ?? null, base, places, problems);
  const categories = noted(problems, () => parseCategories(input.categories ?? [], fieldPath(base, 'categories')));
  const categoriesSince = noted(problems, () => {
    const field = fieldPath(base, 'categoriesSince');
    if (!input.categoriesSince) return today;
    return nationalId ? parseDayNotBefore(input.categoriesSince, field, nationalId.birthDate, BIRTH_DATE) : pastDay(input.categoriesSince, field);
  });
  const registration =
    problems.length > 0
      ? null
      : {
          fields: { nationalId: nationalId!.value, sex: nationalId!.sex, birthDate: nationalId!.birthDate, ...facts!, villageId: village!.id },
          categories: categories!,
          categoriesSince: categoriesSince!,
        };
  return { problems, nationalId, village, registration };
}
