import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { connectionCost } from '../graphql/limits';
import { facilityService } from '../facilities/facility.service';
import { OrganisationNode } from '../facilities/facility.types';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { CreateUserInput, UpdateUserInput } from './user.inputs';
import type { UserRow } from './user.repository';
import { userService } from './user.service';
import { LoginResult, UserConnection, UserNode } from './user.types';

@ArgsType()
class UserListArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction to list at and below; default the caller’s home.' })
  under: string | null;

  @Field(() => Role, { nullable: true })
  role: Role | null;

  @Field(() => Boolean, { nullable: true })
  active: boolean | null;

  @Field(() => String, { nullable: true, description: 'Part of the username.' })
  search: string | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' })
  first: number | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

@Resolver(() => UserNode)
export class UserResolver {
  @Mutation(() => LoginResult, { description: 'Exchanges a username and password for a signed token.' })
  login(@Ctx() ctx: Context, @Arg('username') username: string, @Arg('password') password: string) {
    return userService.login(ctx, username, password);
  }

  @Query(() => UserNode, { description: 'The signed-in user.' })
  me(@Ctx() ctx: Context) {
    return userService.me(ctx);
  }

  @Query(() => UserNode, { nullable: true, description: 'A user whose home lies in the caller’s subtree.' })
  user(@Ctx() ctx: Context, @Arg('username') username: string) {
    return userService.get(ctx, username);
  }

  @Query(() => UserConnection, { complexity: connectionCost, description: 'Users of the caller’s subtree, by username.' })
  users(@Ctx() ctx: Context, @Args() args: UserListArgs) {
    return userService.list(ctx, args);
  }

  @Query(() => [Role], { description: 'The roles the caller may give to others.' })
  grantableRoles(@Ctx() ctx: Context) {
    return userService.grantableRoles(ctx);
  }

  @Mutation(() => UserNode, { description: 'Creates a user at or below the caller’s jurisdiction.' })
  createUser(@Ctx() ctx: Context, @Arg('input') input: CreateUserInput) {
    return userService.create(ctx, input);
  }

  @Mutation(() => UserNode, { description: 'Changes roles, home, display name or the active flag of a user.' })
  updateUser(@Ctx() ctx: Context, @Arg('input') input: UpdateUserInput) {
    return userService.update(ctx, input);
  }

  @Mutation(() => UserNode, { description: 'Sets a new password for a user the caller manages; their tokens stop working.' })
  resetPassword(@Ctx() ctx: Context, @Arg('username') username: string, @Arg('newPassword') newPassword: string) {
    return userService.resetPassword(ctx, username, newPassword);
  }

  @Mutation(() => UserNode, { description: 'Lifts the sign-in locks that failed sign-ins put on a user the caller manages.' })
  unlockLogin(@Ctx() ctx: Context, @Arg('username') username: string) {
    return userService.unlockLogin(ctx, username);
  }

  @Mutation(() => LoginResult, { description: 'Changes the caller’s own password; returns a fresh token (older ones stop working).' })
  changePassword(@Ctx() ctx: Context, @Arg('currentPassword') currentPassword: string, @Arg('newPassword') newPassword: string) {
    return userService.changePassword(ctx, currentPassword, newPassword);
  }

  @FieldResolver(() => OrganisationNode, { nullable: true, description: 'The organisation a SERVICE_PROVIDER works for.' })
  organisation(@Ctx() ctx: Context, @Root() user: UserRow) {
    return user.organisationId === null ? null : facilityService.organisationById(ctx, user.organisationId);
  }

  @FieldResolver(() => JurisdictionNode, { description: 'The home jurisdiction: the user acts in its subtree.' })
  jurisdiction(@Ctx() ctx: Context, @Root() user: UserRow) {
    return jurisdictionService.byId(ctx, user.jurisdictionId);
  }
}
