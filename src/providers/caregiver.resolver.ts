import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { connectionCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { PageArgs } from '../kernel/pagination';
import type { UserRow } from '../users/user.repository';
import { UserNode } from '../users/user.types';
import { AddCaregiverInput, BanCaregiverInput, CaregiverTrainingInput, UpdateCaregiverInput } from './caregiver.inputs';
import type { CaregiverRow } from './caregiver.repository';
import { caregiverService } from './caregiver.service';
import { Caregiver, CaregiverBan, CaregiverCard, CaregiverConnection, CaregiverStanding, ServiceSupervisionPhone } from './caregiver.types';

@ArgsType()
class CaregiverListArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction to list at and below; default the caller’s home.' })
  under?: string | null;

  @Field(() => String, { nullable: true, description: 'Credit code of the provider organisation.' })
  organisation?: string | null;
}

@Resolver(() => UserNode)
export class UserCaregiverResolver {
  @FieldResolver(() => Caregiver, { nullable: true, description: 'The caregiver a CAREGIVER account stands for, when the caller may see caregivers.' })
  caregiver(@Ctx() ctx: Context, @Root() user: UserRow) {
    return caregiverService.ofAccount(ctx, user.caregiverId);
  }
}

@Resolver(() => Caregiver)
export class CaregiverResolver {
  @Query(() => Caregiver, { description: 'A caregiver the caller may see: based in the subtree; a provider’s own staff; a caregiver’s own record.' })
  caregiver(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return caregiverService.get(ctx, id);
  }

  @Query(() => CaregiverConnection, { complexity: connectionCost, description: 'Caregivers based at or below `under` the caller may see, by id.' })
  caregivers(@Ctx() ctx: Context, @Args() args: CaregiverListArgs) {
    return caregiverService.list(ctx, args);
  }

  @Query(() => CaregiverCard, { description: 'What the caregiver’s work card (工作牌) shows.' })
  caregiverCard(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return caregiverService.card(ctx, id);
  }

  @Mutation(() => Caregiver, { description: 'Adds a caregiver to the caller’s provider organisation.' })
  addCaregiver(@Ctx() ctx: Context, @Arg('input') input: AddCaregiverInput) {
    return caregiverService.add(ctx, input);
  }

  @Mutation(() => Caregiver, { description: 'Changes a caregiver of the caller’s organisation.' })
  updateCaregiver(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: UpdateCaregiverInput) {
    return caregiverService.update(ctx, id, input);
  }

  @Mutation(() => Caregiver, { description: 'Records a training of a caregiver of the caller’s organisation and whether it was passed.' })
  recordCaregiverTraining(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input') input: CaregiverTrainingInput) {
    return caregiverService.recordTraining(ctx, id, input);
  }

  @Mutation(() => Caregiver, { description: 'Ends the work of a caregiver of the caller’s organisation after `leftOn`, their last day.' })
  endCaregiver(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('leftOn', () => DateScalar) leftOn: string) {
    return caregiverService.end(ctx, id, leftOn);
  }

  @Mutation(() => CaregiverBan, { description: 'Bars a caregiver from serving in a county’s or town’s subtree for a period.' })
  banCaregiver(@Ctx() ctx: Context, @Arg('input') input: BanCaregiverInput) {
    return caregiverService.ban(ctx, input);
  }

  @Mutation(() => ServiceSupervisionPhone, { description: 'Sets a level’s service supervision phone (服務監督電話): a work card shows the one set nearest the caregiver’s base.' })
  setServiceSupervisionPhone(@Ctx() ctx: Context, @Arg('jurisdictionCode') jurisdictionCode: string, @Arg('phone') phone: string) {
    return caregiverService.setSupervisionPhone(ctx, jurisdictionCode, phone);
  }

  @FieldResolver(() => [CaregiverBan], { description: 'Every ban of the caregiver, oldest first.' })
  bans(@Ctx() ctx: Context, @Root() caregiver: CaregiverRow) {
    return caregiverService.bans(ctx, caregiver);
  }

  @FieldResolver(() => CaregiverStanding, { description: 'Whether the caregiver may serve at `at` (default their base) on `on` (default today).' })
  standing(
    @Ctx() ctx: Context,
    @Root() caregiver: CaregiverRow,
    @Arg('at', () => String, { nullable: true }) at: string | null,
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
  ) {
    return caregiverService.standing(ctx, caregiver, at, on);
  }
}
