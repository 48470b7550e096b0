import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { connectionTypes } from '../kernel/pagination';
import { AbilityLevel, HardshipCategory, ImportRowErrorCode, LivingSituation, PersonStatus } from './elderly-kinds';
import { Sex } from './national-id';

@ObjectType({ simpleResolvers: true, description: 'A hardship category for a span of days.' })
export class PersonCategory {
  @Field(() => HardshipCategory)
  category: HardshipCategory;

  @Field(() => Int, { nullable: true })
  disabilityGrade: number | null;

  @Field(() => DateScalar)
  validFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'The first day it no longer applies; null while it applies.' })
  validTo: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A 生活能力评估: it qualifies the person for ability-based tiers until validUntil.' })
export class AbilityAssessment {
  @Field(() => AbilityLevel)
  level: AbilityLevel;

  @Field(() => DateScalar)
  assessedOn: string;

  @Field(() => DateScalar)
  validUntil: string;

  @Field()
  assessor: string;

  @Field(() => String, { nullable: true })
  note: string | null;
}

@ObjectType('Person', {
  simpleResolvers: true,
  description: 'An older person (老年人) living in the caller’s subtree. ID number, birth date, phone and address are masked unless asked for unmasked (audited).',
})
export class PersonNode {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field(() => Sex)
  sex: Sex;

  @Field(() => DateScalar, { nullable: true })
  residentSince: string | null;

  @Field(() => [LivingSituation])
  livingSituations: LivingSituation[];

  @Field(() => FenScalar, { nullable: true })
  ownMonthlyIncomeFen: number | null;

  @Field(() => FenScalar, { nullable: true })
  householdMonthlyIncomeFen: number | null;

  @Field(() => PersonStatus)
  status: PersonStatus;

  @Field(() => DateScalar, { nullable: true })
  statusSince: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

export const { Edge: PersonEdge, Connection: PersonConnection } = connectionTypes(PersonNode, 'Person');

@ObjectType({ simpleResolvers: true, description: 'A refused row of a people import: where it is in the file and what is wrong.' })
export class ImportRowError {
  @Field(() => Int, { description: 'The line of the file the row starts on (the header is line 1; a quoted line break starts a new line).' })
  line: number;

  @Field(() => String, { nullable: true, description: 'The column, by its English name; null for a problem of the whole row.' })
  field: string | null;

  @Field(() => ImportRowErrorCode)
  code: ImportRowErrorCode;

  @Field({ description: 'What is wrong. A national ID appears only masked.' })
  message: string;
}

@ObjectType({ simpleResolvers: true, description: 'The outcome of a people import.' })
export class PersonImport {
  @Field({ description: 'True when the file was only checked.' })
  dryRun: boolean;

  @Field(() => Int, { description: 'Data rows in the file (blank lines left out).' })
  rows: number;

  @Field(() => Int, { description: 'People registered by this request (0 for a dry run or a refused file).' })
  imported: number;

  @Field(() => Int, { description: 'Rows with at least one error.' })
  rejectedRows: number;

  @Field(() => [ImportRowError], { description: 'Every error of every refused row, by line and column.' })
  rejected: ImportRowError[];
}
