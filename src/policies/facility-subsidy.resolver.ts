import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { yearCost } from '../graphql/limits';
import type { FacilityRow } from '../facilities/facility.repository';
import { FacilityNode } from '../facilities/facility.types';
import type { Context } from '../kernel/context';
import { facilitySubsidyService } from './facility-subsidy.service';
import { FacilitySubsidy } from './facility-subsidy.types';

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
}
