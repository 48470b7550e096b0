import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { DateScalar } from '../kernel/dates';
import { READ_COST, singleYearCost } from '../graphql/limits';
import { SetWorkingCalendarYearInput } from './calendar.inputs';
import { calendarService } from './calendar.service';
import { WorkingCalendarYear, WorkingDeadline } from './calendar.types';

@Resolver()
export class WorkingCalendarResolver {
  @Query(() => WorkingCalendarYear, { complexity: singleYearCost, description: 'A year’s working days at a jurisdiction: its holidays, make-up working days and where they come from.' })
  workingCalendar(@Ctx() ctx: Context, @Arg('code') code: string, @Arg('year', () => Int) year: number) {
    return calendarService.year(ctx, code, year);
  }

  @Query(() => WorkingDeadline, { complexity: READ_COST, description: 'The day `days` working days after `from` at a jurisdiction (“within N working days”).' })
  workingDeadline(@Ctx() ctx: Context, @Arg('code') code: string, @Arg('from', () => DateScalar) from: string, @Arg('days', () => Int) days: number) {
    return calendarService.deadline(ctx, code, from, days);
  }

  @Mutation(() => WorkingCalendarYear, { description: 'Enters a year’s official working-day arrangement at a jurisdiction (and below), superseding the last one entered there.' })
  setWorkingCalendarYear(@Ctx() ctx: Context, @Arg('input', () => SetWorkingCalendarYearInput) input: SetWorkingCalendarYearInput) {
    return calendarService.setYear(ctx, input);
  }
}
