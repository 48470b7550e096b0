import { personService } from '../elderly/person.service';
import type { Context } from '../kernel/context';
import { addMonths, thisMonthInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { entitlementOf } from './entitlement.engine';
import { policyService } from './policy.service';

const EARLIEST_MONTH = '2000-01';
// Looking ahead lets an office tell someone what a scheduled version will pay them.
const MONTHS_AHEAD = 12;

export const entitlementService = {
  /** What a person of the caller's subtree is entitled to in `month`, with every scheme's reasons and each funder's share. */
  async entitlement(ctx: Context, personId: string, month: string) {
    const latest = addMonths(thisMonthInChina(), MONTHS_AHEAD);
    if (month < EARLIEST_MONTH || month > latest) throw new BadUserInputError('month', `must be from ${EARLIEST_MONTH} to ${latest}`);
    const { person, facts } = await personService.factsFor(ctx, personId);
    const village = (await jurisdictionService.byId(ctx, person.villageId))!;
    const lineage = (await jurisdictionService.lineage(ctx, village)).map(policyService.ref);
    const { schemes, floors } = await policyService.rulesFor(ctx.db, lineage, month);
    const result = entitlementOf(facts, month, lineage, schemes, floors);
    return {
      ...result,
      person,
      schemes: result.schemes.map((outcome) => ({
        scheme: policyService.viewOf(outcome.scheme),
        status: outcome.status,
        amountFen: outcome.amountFen,
        tiers: outcome.tiers,
        shares: outcome.shares,
        excludedBy: outcome.excludedBy && policyService.viewOf(outcome.excludedBy),
      })),
    };
  },
};
