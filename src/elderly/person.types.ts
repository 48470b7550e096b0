import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../graphql/dates';
import { FenScalar } from '../graphql/money';
import { connectionTypes } from '../graphql/pagination';
import { AbilityLevel, HardshipCategory, LivingSituation, PersonStatus } from './elderly-kinds';
import { Sex } from './national-id';

@ObjectType({ description: 'A hardship category for a span of days.' })
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

@ObjectType({ description: 'A 生活能力评估: it qualifies the person for ability-based tiers until validUntil.' })
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
  description: 'An older person (老年人) living in the caller’s subtree. ID number, phone and address are masked unless asked for unmasked (audited).',
})
export class PersonNode {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field(() => Sex)
  sex: Sex;

  @Field(() => DateScalar)
  birthDate: string;

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
