import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../kernel/dates';

@InputType()
export class CalendarHolidayInput {
  @Field(() => DateScalar)
  date: string;

  @Field({ description: 'The festival, 1 to 50 characters (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节…).' })
  name: string;
}

@InputType({ description: 'A year’s official working-day arrangement, as the 国务院办公厅 notice (or a regional one) gives it.' })
export class SetWorkingCalendarYearInput {
  @Field({ description: 'The jurisdiction it applies at (and below): the caller’s home or below it.' })
  jurisdictionCode: string;

  @Field(() => Int)
  year: number;

  @Field(() => [CalendarHolidayInput], { description: 'Every day off (放假) of the year, each once; up to 60.' })
  holidays: CalendarHolidayInput[];

  @Field(() => [DateScalar], { description: 'The weekend days worked (调休上班), each a Saturday or Sunday of the year; up to 20.' })
  makeupDays: string[];

  @Field({ description: 'The notice’s title, 1 to 200 characters.' })
  sourceTitle: string;

  @Field({ description: 'The notice’s number (文号), 1 to 100 characters, e.g. 国办发明电〔2024〕12号.' })
  sourceNumber: string;
}
