import { Capability } from '../kernel/actor';
import { requireAccess } from '../access/scope';
import { mutation } from '../audit/mutation';
import type { FacilityRow } from '../facilities/facility.repository';
import { facilityService } from '../facilities/facility.service';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel, levelOfCode } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { text } from '../kernel/messages';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { facilitySubsidyOf } from './facility-subsidy.engine';
import type { FacilityFacts, VillageFacts } from './facility-subsidy.model';
import { villageDesignationsLoader } from './facility-subsidy.loaders';
import { facilitySubsidyRepository } from './facility-subsidy.repository';
import { parseMonthField, EARLIEST_MONTH } from './policy.rules';
import { policyService } from './policy.service';
import type { SchemeRule } from './scheme-rules';

const EARLIEST_YEAR = 2000;

/** A facility as the rules read it: its history and each month's diner count (batched across a list). */
async function factsOf(ctx: Context, facility: FacilityRow): Promise<FacilityFacts> {
  const [history, diners] = await Promise.all([facilityService.history(ctx, facility), facilityService.diners(ctx, facility)]);
  return {
    id: facility.id,
    name: facility.name,
    type: facility.type,
    diners: new Map(diners.map((row) => [row.month, row.diners])),
    history: history.map((entry) => ({ day: entry.occurredOn, status: entry.status, services: entry.services })),
  };
}

/** The facility's village, its other facilities and designations, when a scheme pays one center per village; null otherwise. */
async function villageOf(ctx: Context, facility: FacilityRow, unit: Jurisdiction, schemes: readonly SchemeRule[]): Promise<VillageFacts | null> {
  if (unit.level !== JurisdictionLevel.VILLAGE || !schemes.some((scheme) => scheme.oneFacilityPerVillage)) return null;
  const [besides, designations] = await Promise.all([facilityService.besides(ctx, facility), loader(ctx, villageDesignationsLoader).load(unit.id)]);
  const others = await Promise.all(besides.filter((other) => other.id !== facility.id).map((other) => factsOf(ctx, other)));
  return { name: unit.name, others, designations };
}

export const facilitySubsidyService = {
  /**
   * What a facility the caller may see (a SERVICE_PROVIDER: one its organisation operates) is due for
   * `year`, scheme by scheme with the reasons, month lines and each funder's share; FORBIDDEN otherwise.
   */
  async forYear(ctx: Context, facility: FacilityRow, year: number) {
    requireAccess(ctx, Capability.READ_FACILITY_SUBSIDIES, [facility], { denial: text('FACILITY_NOT_IN_SCOPE') });
    const today = todayInChina();
    const thisYear = Number(today.slice(0, 4));
    if (!Number.isInteger(year) || year < EARLIEST_YEAR || year > thisYear) throw new BadUserInputError('year', `must be from ${EARLIEST_YEAR} to ${thisYear}`);
    const through = year === thisYear ? today : `${year}-12-31`;
    const unit = (await jurisdictionService.byId(ctx, facility.jurisdictionId))!;
    const [facts, lineage] = await Promise.all([factsOf(ctx, facility), jurisdictionService.lineage(ctx, unit)]);
    const nodes = lineage.map(policyService.ref);
    const { schemes, floors } = await policyService.facilityRulesFor(ctx, nodes, year);
    const village = await villageOf(ctx, facility, unit, schemes);
    const result = facilitySubsidyOf(facts, year, through, nodes, schemes, floors, village);
    return {
      ...result,
      schemes: result.schemes.map((outcome) => ({
        scheme: policyService.viewOf(outcome.scheme),
        status: outcome.status,
        amountFen: outcome.amountFen,
        tiers: outcome.tiers,
        lines: outcome.lines.map((line) => ({ ...line, excludedBy: line.excludedBy && policyService.viewOf(line.excludedBy) })),
        shares: outcome.shares,
        excludedBy: outcome.excludedBy && policyService.viewOf(outcome.excludedBy),
      })),
    };
  },

  /**
   * Designates a facility the caller may manage as the one center its village (村/居委会) is paid for from
   * `fromMonth` on, under the schemes that pay one center per village; a designation from the same month
   * is replaced. BAD_USER_INPUT for a facility not located in a village.
   */
  async designate(ctx: Context, rawId: string, fromMonth: string) {
    const spec = { action: 'designateVillageFacility', capability: Capability.MANAGE_FACILITIES };
    return mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const facility = await facilityService.lockReached(tx, grant!, rawId, 'facilityId');
      target('Facility', [facility.id]);
      at(facility.jurisdictionId);
      const level = levelOfCode(facility.jurisdictionCode);
      if (level !== JurisdictionLevel.VILLAGE) {
        throw new BadUserInputError('facilityId', `is located at a ${level}, not in a village (村/居委会): only a village’s centers are designated`);
      }
      const month = parseMonthField(fromMonth, 'fromMonth', EARLIEST_MONTH);
      const { previous, row } = await facilitySubsidyRepository.designate(tx, facility.jurisdictionId, month, facility.id, grant!.actor.userId);
      detail({ villageCode: facility.jurisdictionCode, fromMonth: month, previousFacilityId: previous });
      const village = (await jurisdictionService.byId(ctx, facility.jurisdictionId))!;
      return { village: policyService.ref(village), fromMonth: row.fromMonth, facility };
    });
  },
};
