import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { boardCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { CallbackInput } from './callback.inputs';
import { callbackService } from './callback.service';
import { CallbackDraw, CallbackRates, OrderCallback } from './callback.types';

@Resolver()
export class CallbackResolver {
  @Query(() => [OrderCallback], { description: 'A work order’s call-backs (the provider’s and the county’s online one), in the order recorded.' })
  orderCallbacks(@Ctx() ctx: Context, @Arg('order', () => ID) order: string) {
    return callbackService.ofOrder(ctx, order);
  }

  @Query(() => CallbackDraw, { nullable: true, description: 'A county’s stored draw of a day’s orders for its online call-backs; null: not drawn.' })
  callbackDraw(@Ctx() ctx: Context, @Arg('county') county: string, @Arg('day', () => DateScalar) day: string) {
    return callbackService.drawOf(ctx, county, day);
  }

  @Query(() => CallbackRates, { complexity: boardCost, description: 'Call-back rates of the verified orders at a node (default the caller’s home) over a day range of at most a year, with each child’s.' })
  callbackRates(
    @Ctx() ctx: Context,
    @Arg('from', () => DateScalar) from: string,
    @Arg('to', () => DateScalar) to: string,
    @Arg('under', () => String, { nullable: true }) under: string | null,
  ) {
    return callbackService.rates(ctx, under, from, to);
  }

  @Mutation(() => OrderCallback, { description: 'The provider’s call-back of its order (服務商回訪): once per order; below standard, a verified order becomes VOID.' })
  recordProviderCallback(@Ctx() ctx: Context, @Arg('order', () => ID) order: string, @Arg('input') input: CallbackInput) {
    return callbackService.recordProvider(ctx, order, input);
  }

  @Mutation(() => OrderCallback, { description: 'The county’s online call-back of a drawn order (線上回訪): once per order; below standard, a verified order becomes VOID.' })
  recordOnlineCallback(@Ctx() ctx: Context, @Arg('order', () => ID) order: string, @Arg('input') input: CallbackInput) {
    return callbackService.recordOnline(ctx, order, input);
  }

  @Mutation(() => CallbackDraw, { description: 'Draws a county’s day of verified orders for online call-backs (≥ onlineCallbackPercent), once: a second call answers the stored draw.' })
  drawCallbackSample(@Ctx() ctx: Context, @Arg('county') county: string, @Arg('day', () => DateScalar) day: string) {
    return callbackService.draw(ctx, county, day);
  }
}
