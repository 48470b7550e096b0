import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import { yearCost } from '../graphql/limits';
import type { FacilityRow } from '../facilities/facility.repository';
import { FacilityNode } from '../facilities/facility.types';
import type { Context } from '../kernel/context';
import { MonthScalar } from '../kernel/dates';
import { facilitySubsidyService } from './facility-subsidy.service';
import { FacilitySubsidy, VillageFacilityDesignation } from './facility-subsidy.types';

@Resolver(() => FacilityNode)
export class FacilitySubsidyResolver {
  @FieldResolver(() => FacilitySubsidy, {
    complexity: yearCost,
    description:
      'What the facility is due for a calendar year (2000 to this year): construction subsidy on acceptance, operating subsidy per diner and month, with the reasons and each funder’s share.',
  })
  subsidies(@Ctx() ctx: Context, @Root() facility: FacilityRow, @Arg('year', () => Int) year: number) {
    return facilitySubsidyService.forYear(ctx, facility, year);
  }

  @Mutation(() => VillageFacilityDesignation, {
    description:
      'Designates a facility located in a village (村/居委会) as the one center the village is paid for from `fromMonth` on, under the schemes that pay one center per village; replaces a designation from the same month.',
  })
  designateVillageFacility(@Ctx() ctx: Context, @Arg('facilityId', () => ID) facilityId: string, @Arg('fromMonth', () => MonthScalar) fromMonth: string) {
    return facilitySubsidyService.designate(ctx, facilityId, fromMonth);
  }
}
