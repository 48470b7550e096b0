import { Capability } from '../kernel/actor';
import { requireAccess } from '../access/scope';
import type { FacilityRow } from '../facilities/facility.repository';
import { facilityService } from '../facilities/facility.service';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { text } from '../kernel/messages';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { facilitySubsidyOf } from './facility-subsidy.engine';
import { policyService } from './policy.service';

const EARLIEST_YEAR = 2000;

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
    const [history, lineage] = await Promise.all([facilityService.history(ctx, facility), jurisdictionService.lineage(ctx, unit)]);
    const nodes = lineage.map(policyService.ref);
    const { schemes, floors } = await policyService.facilityRulesFor(ctx, nodes, year);
    const facts = {
      id: facility.id,
      type: facility.type,
      dailyDiners: facility.dailyDiners,
      history: history.map((entry) => ({ day: entry.occurredOn, status: entry.status, services: entry.services })),
    };
    const result = facilitySubsidyOf(facts, year, through, nodes, schemes, floors);
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
};
