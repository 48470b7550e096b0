import { grantFor, requireReach } from '../access/scope';
import { maskNationalId } from '../elderly/national-id';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { monthEnd } from '../kernel/dates';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { ID_KEY, keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { ServiceClass } from './care-kinds';
import { requirementOf, type MonthlyRequirement, type RecipientFacts } from './care-requirement';
import type { CareRulesRow } from './care-rules.repository';
import { careRulesService } from './care-rules.service';
import { carePlanRepository, type RecipientRow } from './care-plan.repository';

export interface CarePlanView {
  recipient: { id: number; name: string; nationalId: string };
  village: { code: string; name: string; level: string };
  month: string;
  rules: CareRulesRow | null;
  requirement: (ReturnType<typeof requirementOf> & { categories: string[]; ability: string | null }) | null;
}

const daysOf = (month: string) => ({ monthStart: `${month}-01`, referenceDay: monthEnd(`${month}-01`) });

/** A recipient's requirement as the month's figures store it: null when no rules are in force at the village. */
export interface RecipientRequirement {
  personId: number;
  villageCode: string;
  requirement: MonthlyRequirement | null;
}

/** What the rules read of a row on the reference day; the assessment in force is the latest made by then, up to its validUntil. */
function factsOf(row: RecipientRow, referenceDay: string): RecipientFacts {
  const assessment = row.assessment && row.assessment.validUntil >= referenceDay ? row.assessment : null;
  return { birthDate: row.birthDate, livingSituations: row.livingSituations, categories: row.categories, assessment };
}

/** The plans of the rows, read with the rules of their villages: one statement for the rules of the whole page. */
async function plansOf(ctx: Context, rows: readonly RecipientRow[], month: string): Promise<CarePlanView[]> {
  const { referenceDay } = daysOf(month);
  const [villages, rules] = await Promise.all([
    jurisdictionService.byCodesAnywhere(ctx, [...new Set(rows.map((row) => row.villageCode))]),
    Promise.all(rows.map((row) => careRulesService.rulesAt(ctx, row.villageCode, referenceDay))),
  ]);
  return rows.map((row, i) => {
    const village = villages.get(row.villageCode)!;
    const facts = factsOf(row, referenceDay);
    const assessment = facts.assessment;
    const inForce = rules[i];
    return {
      recipient: { id: row.id, name: row.name, nationalId: maskNationalId(row.nationalId) },
      village: { code: village.code, name: village.name, level: village.level },
      month,
      rules: inForce,
      requirement: inForce && { ...requirementOf(inForce.rules, facts, month), categories: row.categories, ability: assessment?.level ?? null },
    };
  });
}

export const carePlanService = {
  /**
   * The person's care plan for `month` (READ_CARE_PLANS over their village): null when no enrolment of
   * theirs covers the month (never enrolled, or ended by death or a move before it). A person out of
   * reach is FORBIDDEN whether or not they exist.
   */
  async plan(ctx: Context, rawId: string, month: string): Promise<CarePlanView | null> {
    const grant = grantFor(ctx, Capability.READ_CARE_PLANS);
    const id = parseId(rawId, 'person', 'a person');
    const { referenceDay, monthStart } = daysOf(month);
    const row = await carePlanRepository.byId(ctx.db, id, referenceDay, monthStart);
    requireReach(grant, [row && { jurisdictionCode: row.villageCode }], { denial: text('PERSON_NOT_IN_SCOPE') });
    if (!row!.enrolled) return null;
    const [plan] = await plansOf(ctx, [row!], month);
    return plan;
  },

  /** The plans of everyone enrolled in `month` living at or below `under` (default the caller's home), by person id. */
  async list(ctx: Context, args: PageArgs & { under?: string | null; month: string }): Promise<Page<CarePlanView>> {
    grantFor(ctx, Capability.READ_CARE_PLANS);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const { referenceDay, monthStart } = daysOf(args.month);
    return keysetPage(args, {
      key: ID_KEY,
      search: (after, limit) => carePlanRepository.enrolledUnder(ctx.db, under.code, referenceDay, monthStart, after, limit),
      count: () => carePlanRepository.countEnrolledUnder(ctx.db, under.code, monthStart),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => plansOf(ctx, rows, args.month),
    });
  },

  /**
   * For work orders: the service class of the person's plan for `month`, as their village's rules decide it
   * on the month's reference day; null when no enrolment covers the month or no rules are in force. No
   * access check: the caller has reached the person.
   */
  async serviceClassOf(ctx: Context, personId: number, month: string): Promise<ServiceClass | null> {
    const { referenceDay, monthStart } = daysOf(month);
    const row = await carePlanRepository.byId(ctx.db, personId, referenceDay, monthStart);
    if (!row?.enrolled) return null;
    const inForce = await careRulesService.rulesAt(ctx, row.villageCode, referenceDay);
    return inForce && requirementOf(inForce.rules, factsOf(row, referenceDay), month).serviceClass;
  },

  /**
   * Up to `limit` recipients enrolled in `month` living at or below `code`, by id after `after`, with the
   * requirement their plan shows: one statement for the people, one for the rules of their villages. No
   * access check: the caller (the month's compliance figures) has decided the node is theirs.
   */
  async requirementsUnder(ctx: Context, code: string, month: string, after: number | null, limit: number): Promise<RecipientRequirement[]> {
    const { referenceDay, monthStart } = daysOf(month);
    const rows = await carePlanRepository.enrolledUnder(ctx.db, code, referenceDay, monthStart, after, limit);
    const rules = await Promise.all(rows.map((row) => careRulesService.rulesAt(ctx, row.villageCode, referenceDay)));
    return rows.map((row, i) => {
      const inForce = rules[i];
      return { personId: row.id, villageCode: row.villageCode, requirement: inForce && requirementOf(inForce.rules, factsOf(row, referenceDay), month) };
    });
  },
};
