import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { singleYearCost, yearCost } from '../graphql/limits';
import { facilityPaymentService } from './facility-payment.service';
import { FacilitySubsidyPayment } from './facility-payment.types';

@Resolver(() => FacilitySubsidyPayment)
export class FacilityPaymentResolver {
  @Query(() => [FacilitySubsidyPayment], { complexity: yearCost, description: 'A facility’s subsidy payments (of one year when given), newest first, at most 200.' })
  facilitySubsidyPayments(@Ctx() ctx: Context, @Arg('facility', () => ID) facility: string, @Arg('year', () => Int, { nullable: true }) year: number | null) {
    return facilityPaymentService.ofFacility(ctx, facility, year ?? null);
  }

  @Mutation(() => FacilitySubsidyPayment, { complexity: singleYearCost, description: 'Proposes paying a facility’s subsidies of a year: what is due now less what was paid, funder by funder.' })
  proposeFacilitySubsidyPayment(@Ctx() ctx: Context, @Arg('facility', () => ID) facility: string, @Arg('year', () => Int) year: number) {
    return facilityPaymentService.propose(ctx, facility, year);
  }

  @Mutation(() => FacilitySubsidyPayment, { description: 'Approves (posts) or rejects a proposed facility subsidy payment; its proposer may not decide it.' })
  decideFacilitySubsidyPayment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('approve') approve: boolean,
    @Arg('note', () => String, { nullable: true, description: '1 to 500 characters.' }) note: string | null,
  ) {
    return facilityPaymentService.decide(ctx, id, approve, note ?? null);
  }
}
