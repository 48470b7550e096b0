import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ServiceItem } from '../care/care-kinds';
import { connectionCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { PageArgs } from '../kernel/pagination';
import { CreateContractInput, RenewContractInput } from './contract.inputs';
import { contractService } from './contract.service';
import { ServiceContract, ServiceContractConnection } from './contract.types';
import { AdmitProviderInput, BanProviderInput } from './provider.inputs';
import { providerService } from './provider.service';
import { ProviderBan, ProviderBanConnection, ProviderEntry, ProviderEntryConnection } from './provider.types';

@ArgsType()
class UnderPageArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'At or below this node (default the caller’s home).' })
  under?: string | null;
}

@ArgsType()
class ContractListArgs extends UnderPageArgs {
  @Field(() => DateScalar, { nullable: true, description: 'Only contracts in force on this day.' })
  on?: string | null;

  @Field(() => String, { nullable: true, description: 'Only the provider with this credit code.' })
  provider?: string | null;
}

@Resolver()
export class ProviderResolver {
  @Query(() => ProviderEntryConnection, { complexity: connectionCost, description: 'The provider libraries (服务商库) at or below a node, in the order admitted (a SERVICE_PROVIDER: its own entries).' })
  providers(@Ctx() ctx: Context, @Args() args: UnderPageArgs) {
    return providerService.entries(ctx, args);
  }

  @Query(() => ProviderBanConnection, { complexity: connectionCost, description: 'Bans (取消服務資格) set at or below a node, in the order recorded (a SERVICE_PROVIDER: its own).' })
  providerBans(@Ctx() ctx: Context, @Args() args: UnderPageArgs) {
    return providerService.bans(ctx, args);
  }

  @Query(() => ServiceContractConnection, {
    complexity: connectionCost,
    description: 'Service contracts made at, or serving villages, at or below a node, by id (a SERVICE_PROVIDER: its own).',
  })
  contracts(@Ctx() ctx: Context, @Args() args: ContractListArgs) {
    return contractService.list(ctx, args);
  }

  @Query(() => ServiceContract, { description: 'A service contract made at, or serving a village of, the caller’s subtree.' })
  contract(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return contractService.get(ctx, id);
  }

  @Query(() => [ServiceContract], { description: 'The contracts serving an item at a village on a day (default today): which provider serves it there.' })
  contractFor(
    @Ctx() ctx: Context,
    @Arg('village') village: string,
    @Arg('item', () => ServiceItem) item: ServiceItem,
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
  ) {
    return contractService.servingAt(ctx, village, item, on);
  }

  @Mutation(() => ProviderEntry, { description: 'Admits an organisation into a level’s provider library (服务商库), with its qualifications; not while a ban set there or above runs.' })
  admitProvider(@Ctx() ctx: Context, @Arg('input') input: AdmitProviderInput) {
    return providerService.admit(ctx, input);
  }

  @Mutation(() => ProviderBan, { description: 'Cancels a provider’s qualification in a level’s subtree (取消服務資格), by default for three years («近三年內»).' })
  banProvider(@Ctx() ctx: Context, @Arg('input') input: BanProviderInput) {
    return providerService.ban(ctx, input);
  }

  @Mutation(() => ProviderBan, { description: 'Lifts a ban early from a day (today or later): a dated record of its own; the ban is kept.' })
  liftProviderBan(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('liftedOn', () => DateScalar, { description: 'The first day it no longer runs.' }) liftedOn: string,
    @Arg('reason', { description: '1 to 2,000 characters.' }) reason: string,
  ) {
    return providerService.lift(ctx, id, liftedOn, reason);
  }

  @Mutation(() => ServiceContract, { description: 'Contracts a county or town (or a county with one of its towns) with a library provider over an area for a period (default one year).' })
  createContract(@Ctx() ctx: Context, @Arg('input') input: CreateContractInput) {
    return contractService.create(ctx, input);
  }

  @Mutation(() => ServiceContract, { description: 'Renews a contract: a new period from the day after it ends, linked to it.' })
  renewContract(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('input', () => RenewContractInput, { nullable: true }) input: RenewContractInput | null) {
    return contractService.renew(ctx, id, input ?? {});
  }

  @Mutation(() => ServiceContract, { description: 'Ends a contract early: `lastDay` (today or later) becomes its last day in force. Contracts are never deleted.' })
  endContract(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('lastDay', () => DateScalar) lastDay: string,
    @Arg('reason', { description: '1 to 2,000 characters.' }) reason: string,
  ) {
    return contractService.end(ctx, id, lastDay, reason);
  }
}
