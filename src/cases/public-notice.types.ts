import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { Sex } from '../elderly/national-id';

@ObjectType({
  simpleResolvers: true,
  description: 'One applicant on a public notice (公示): who, what was applied for, the period. No birth date: the age only, and the ID masked as everywhere.',
})
export class PublicNoticeEntry {
  @Field(() => ID)
  caseId: number;

  @Field()
  name: string;

  @Field(() => Sex)
  sex: Sex;

  @Field(() => Int, { description: 'Completed years of age on the day of the list.' })
  age: number;

  @Field({ description: 'Masked as in the registry: the first character only.' })
  nationalId: string;

  @Field(() => [String], { description: 'The names of the schemes applied for.' })
  schemes: string[];

  @Field({ description: 'The name of the notice step in the case’s procedure.' })
  step: string;

  @Field(() => DateScalar, { description: 'The day it was posted: the day the notice step began.' })
  posted: string;

  @Field(() => Int, { description: 'The least the notice runs, in working days.' })
  minWorkingDays: number;

  @Field(() => DateScalar, { description: 'The first day it may pass: its minimum of working days run, by the calendar at the office.' })
  earliestPass: string;

  @Field(() => DateScalar, { nullable: true, description: 'The step’s due date (深圳: within 初审’s 10 working days); null: no deadline.' })
  dueDate: string | null;

  @Field(() => JurisdictionRef, { description: 'The office that posts it and receives objections (异议): the step’s acting node.' })
  office: JurisdictionRef;
}

@ObjectType({ simpleResolvers: true, description: 'A village’s public-notice list (公示) on a day.' })
export class VillagePublicNotice {
  @Field(() => JurisdictionRef)
  village: JurisdictionRef;

  @Field(() => DateScalar, { description: 'The day of the list.' })
  on: string;

  @Field(() => [JurisdictionRef], { description: 'Where objections go: the offices posting its entries (the village or community itself under both templates).' })
  offices: JurisdictionRef[];

  @Field(() => [PublicNoticeEntry], { description: 'By the day posted, then case.' })
  entries: PublicNoticeEntry[];
}
