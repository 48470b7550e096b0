import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { connectionCost, yearCost } from '../graphql/limits';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { FACILITY_TYPE_NAMES, FacilityService, FacilityStatus, FacilityType } from './facility-kinds';
import { CreateFacilityInput, UpdateFacilityInput } from './facility.inputs';
import type { FacilityRow } from './facility.repository';
import { facilityService } from './facility.service';
import { FacilityBeds, FacilityConnection, FacilityDinersNode, FacilityEventNode, FacilityNode, OrganisationNode } from './facility.types';

@ArgsType()
class FacilityListArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction to list at and below; default the caller’s home.' })
  under: string | null;

  @Field(() => FacilityType, { nullable: true })
  type: FacilityType | null;

  @Field(() => FacilityStatus, { nullable: true })
  status: FacilityStatus | null;

  @Field(() => FacilityService, { nullable: true, description: 'Only facilities offering this service.' })
  service: FacilityService | null;

  @Field(() => String, { nullable: true, description: 'Only facilities run by the organisation with this credit code.' })
  operatorCreditCode: string | null;

  @Field(() => String, { nullable: true, description: 'Part of the name, matched literally.' })
  search: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' })
  first: number | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

@Resolver(() => FacilityNode)
export class FacilityResolver {
  @Query(() => FacilityNode, {
    nullable: true,
    description: 'A facility of the caller’s subtree (a SERVICE_PROVIDER: one its organisation operates).',
  })
  facility(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return facilityService.get(ctx, id);
  }

  @Query(() => FacilityConnection, {
    complexity: connectionCost,
    description: 'Facilities located at or below `under`, in registration order (a SERVICE_PROVIDER: its organisation’s).',
  })
  facilities(@Ctx() ctx: Context, @Args() args: FacilityListArgs) {
    return facilityService.list(ctx, args);
  }

  @Mutation(() => FacilityNode, { description: 'Registers a facility in the caller’s subtree; coverage figures move in the same transaction.' })
  createFacility(@Ctx() ctx: Context, @Arg('input') input: CreateFacilityInput) {
    return facilityService.create(ctx, input);
  }

  @Mutation(() => FacilityNode, { description: 'Changes a facility’s facts; services changes are dated and kept in its history.' })
  updateFacility(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: UpdateFacilityInput) {
    return facilityService.update(ctx, id, input);
  }

  @Mutation(() => FacilityNode, {
    description:
      'Moves a facility along planned → under construction → built → accepted → operating ⇄ suspended → closed, on a day (default today) not in the future nor before its latest history entry.',
  })
  transitionFacility(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('to', () => FacilityStatus) to: FacilityStatus,
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
    @Arg('note', () => String, { nullable: true, description: 'At most 500 characters.' }) note: string | null,
  ) {
    return facilityService.transition(ctx, id, to, on, note);
  }

  @Mutation(() => FacilityNode, {
    description:
      'Records the average diners a day (日均就餐人数) of a month (2000-01 to this month), replacing the month’s earlier count: the operating subsidy pays each month by its own count.',
  })
  recordFacilityDiners(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('month', () => MonthScalar) month: string,
    @Arg('diners', () => Int, { description: '0 to 1,000,000.' }) diners: number,
  ) {
    return facilityService.recordDiners(ctx, id, month, diners);
  }

  @FieldResolver(() => [FacilityDinersNode], { complexity: yearCost, description: 'The months of `year` with a recorded diner count, oldest first.' })
  dinerMonths(@Ctx() ctx: Context, @Root() facility: FacilityRow, @Arg('year', () => Int) year: number) {
    return facilityService.diners(ctx, facility, year);
  }

  @FieldResolver(() => String, { description: 'The type’s Chinese name.' })
  typeName(@Root() facility: FacilityRow): string {
    return FACILITY_TYPE_NAMES[facility.type];
  }

  @FieldResolver(() => FacilityBeds)
  beds(@Root() facility: FacilityRow): FacilityBeds {
    return { total: facility.bedsTotal, nursing: facility.bedsNursing, dementia: facility.bedsDementia };
  }

  @FieldResolver(() => JurisdictionNode, { description: 'The village, town or county it is located in.' })
  jurisdiction(@Ctx() ctx: Context, @Root() facility: FacilityRow) {
    return facilityService.jurisdiction(ctx, facility);
  }

  @FieldResolver(() => OrganisationNode, { nullable: true, description: 'The operator organisation (运营机构).' })
  operator(@Ctx() ctx: Context, @Root() facility: FacilityRow) {
    return facilityService.operator(ctx, facility);
  }

  @FieldResolver(() => [FacilityEventNode], { description: 'Every dated entry, oldest first.' })
  history(@Ctx() ctx: Context, @Root() facility: FacilityRow) {
    return facilityService.history(ctx, facility);
  }
}
