import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';

export enum CalendarOrigin {
  PACKAGE = 'PACKAGE',
  ENTERED = 'ENTERED',
}

registerEnumType(CalendarOrigin, {
  name: 'CalendarOrigin',
  description: 'Where a year’s working-day arrangement comes from.',
  valuesConfig: {
    PACKAGE: { description: 'The holiday calendar package the server ships with (chinese-days).' },
    ENTERED: { description: 'An official arrangement (国务院办公厅 notice) entered by an administrator at or above the jurisdiction.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'A day of a working-day arrangement.' })
export class CalendarDay {
  @Field(() => DateScalar)
  date: string;

  @Field({ description: 'The festival (春节, 国庆节…); 调休上班 for a make-up working day entered without one.' })
  name: string;
}

@ObjectType({ simpleResolvers: true, description: 'A year’s working days at a jurisdiction: its holidays (放假), its make-up working days (调休上班), and where they come from.' })
export class WorkingCalendarYear {
  @Field(() => Int)
  year: number;

  @Field(() => [CalendarDay], { description: 'Days off by the arrangement, in day order (a holiday on a weekend is listed, and is off either way).' })
  holidays: CalendarDay[];

  @Field(() => [CalendarDay], { description: 'Weekend days worked (调休上班), in day order.' })
  makeupDays: CalendarDay[];

  @Field(() => Int, { description: 'Working days in the year.' })
  workingDays: number;

  @Field(() => CalendarOrigin)
  origin: CalendarOrigin;

  @Field(() => String, { nullable: true, description: 'The package and its version, when the year comes from the package.' })
  packageVersion: string | null;

  @Field(() => String, { nullable: true, description: 'The jurisdiction the arrangement was entered at (this one or an ancestor).' })
  enteredAtCode: string | null;

  @Field(() => Int, { nullable: true, description: 'The revision of the entered arrangement (1 for the first; a later one supersedes it).' })
  revision: number | null;

  @Field(() => String, { nullable: true, description: 'The notice’s title, e.g. 国务院办公厅关于2025年部分节假日安排的通知.' })
  sourceTitle: string | null;

  @Field(() => String, { nullable: true, description: 'The notice’s number, e.g. 国办发明电〔2024〕12号.' })
  sourceNumber: string | null;

  @Field(() => String, { nullable: true, description: 'Who entered it.' })
  enteredBy: string | null;

  @Field(() => String, { nullable: true, description: 'When it was entered (ISO 8601, UTC).' })
  enteredAt: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A deadline counted in working days.' })
export class WorkingDeadline {
  @Field(() => DateScalar, { description: 'The day counting starts from: `from`, or the next working day when `from` is not one (not itself counted).' })
  countedFrom: string;

  @Field(() => Int)
  workingDays: number;

  @Field(() => DateScalar, { description: 'The due date: the last working day of the period.' })
  dueDate: string;
}
