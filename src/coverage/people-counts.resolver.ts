import { Arg, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { READ_COST } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { peopleCountsService } from './people-counts.service';
import { PeopleCounts } from './people-counts.types';

@Resolver(() => JurisdictionNode)
export class JurisdictionPeopleCountsResolver {
  @FieldResolver(() => PeopleCounts, {
    complexity: READ_COST,
    description:
      'People in the registry living in the subtree, by hardship category, ability level and age band: live (every committed change included), or as of the end of a past day.',
  })
  peopleCounts(
    @Ctx() ctx: Context,
    @Root() node: Jurisdiction,
    @Arg('asOf', () => DateScalar, { nullable: true, description: 'A past day; default today (live).' }) asOf: string | null,
  ) {
    return peopleCountsService.counts(ctx, node, asOf);
  }
}
