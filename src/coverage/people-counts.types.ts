import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { AbilityStanding, AgeBand, HardshipCategory } from '../elderly/elderly-kinds';

@ObjectType({ simpleResolvers: true, description: 'People of a subtree in one hardship category on the day.' })
export class CategoryCount {
  @Field(() => HardshipCategory)
  category: HardshipCategory;

  @Field(() => Int)
  count: number;
}

@ObjectType({ simpleResolvers: true, description: 'People of a subtree whose valid assessment on the day is at this level (or who have none).' })
export class AbilityCount {
  @Field(() => AbilityStanding)
  level: AbilityStanding;

  @Field(() => Int)
  count: number;
}

@ObjectType({ simpleResolvers: true, description: 'People of a subtree in one age band on the day.' })
export class AgeBandCount {
  @Field(() => AgeBand)
  band: AgeBand;

  @Field(() => Int)
  count: number;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'People in the registry living in the subtree and counted on the day (resident by then, neither moved away nor deceased), by category, ability and age band. Counts only: no person is named.',
})
export class PeopleCounts {
  @Field(() => DateScalar, { description: 'The day the counts describe: as of the end of this day (today for live counts).' })
  asOf: string;

  @Field({ description: 'When the counts were read: they include every change committed before this moment.' })
  observedAt: Date;

  @Field(() => Int, { description: 'Everyone counted on the day.' })
  total: number;

  @Field(() => [CategoryCount], {
    description: 'Every hardship category in enum order, zeros included; one person may be in several, so these need not add up to `total`.',
  })
  byCategory: CategoryCount[];

  @Field(() => [AbilityCount], { description: 'Every ability level and NOT_ASSESSED, in enum order, zeros included; they add up to `total`.' })
  byAbility: AbilityCount[];

  @Field(() => [AgeBandCount], { description: 'Every age band, youngest first, zeros included; they add up to `total`.' })
  byAgeBand: AgeBandCount[];
}
