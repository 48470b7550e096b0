import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { intakeWindowService } from './intake-window.service';
import { DefineProcedureInput, OpenIntakeWindowInput } from './procedure.inputs';
import { procedureService } from './procedure.service';
import { IntakeWindow, IntakeWindowAnswer, ReviewProcedure, ReviewProcedureInForce, ReviewProcedureTemplate } from './procedure.types';

@Resolver()
export class ProcedureResolver {
  @Query(() => ReviewProcedureInForce, {
    nullable: true,
    description: 'The review procedure in force at a node of the caller’s subtree on `on` (default today): its own, else its nearest ancestor’s; null when none is set.',
  })
  reviewProcedure(@Ctx() ctx: Context, @Arg('code') code: string, @Arg('on', () => DateScalar, { nullable: true }) on: string | null) {
    return procedureService.inForce(ctx, code, on);
  }

  @Query(() => [ReviewProcedure], { description: 'Every version of the procedures set at `code` (default the caller’s home) or below it, by node and day (at most 500).' })
  reviewProcedures(@Ctx() ctx: Context, @Arg('code', () => String, { nullable: true }) code: string | null) {
    return procedureService.list(ctx, code);
  }

  @Query(() => [ReviewProcedureTemplate], { description: 'The procedures of the policy documents (深圳, 江都), with their sources.' })
  reviewProcedureTemplates(@Ctx() ctx: Context) {
    return procedureService.templates(ctx);
  }

  @Query(() => IntakeWindowAnswer, {
    nullable: true,
    description: 'The intake window (集中申报) open at a node on `on` (default today), opened there or above; else the next one to open; null when none.',
  })
  intakeWindow(@Ctx() ctx: Context, @Arg('code') code: string, @Arg('on', () => DateScalar, { nullable: true }) on: string | null) {
    return intakeWindowService.at(ctx, code, on);
  }

  @Mutation(() => ReviewProcedure, { description: 'Sets a jurisdiction’s review procedure from a day: its first, or a new version that ends the open one the day before.' })
  defineReviewProcedure(@Ctx() ctx: Context, @Arg('input') input: DefineProcedureInput) {
    return procedureService.define(ctx, input);
  }

  @Mutation(() => ReviewProcedure, { description: 'Ends a version of a review procedure after `lastDay` (today or later).' })
  endReviewProcedure(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('lastDay', () => DateScalar) lastDay: string) {
    return procedureService.end(ctx, id, lastDay);
  }

  @Mutation(() => IntakeWindow, { description: 'Opens an intake window (集中申报) at a jurisdiction for its subtree; windows of one jurisdiction never share a day.' })
  openIntakeWindow(@Ctx() ctx: Context, @Arg('input') input: OpenIntakeWindowInput) {
    return intakeWindowService.open(ctx, input);
  }

  @Mutation(() => IntakeWindow, { description: 'Closes an intake window early: `lastDay` (today or later) becomes its last day.' })
  closeIntakeWindow(@Ctx() ctx: Context, @Arg('id', () => ID) id: string, @Arg('lastDay', () => DateScalar) lastDay: string) {
    return intakeWindowService.close(ctx, id, lastDay);
  }
}
