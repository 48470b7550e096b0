import { Field, InputType, Int } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { AbilityLevel, HardshipCategory, LivingSituation } from './elderly-kinds';

@InputType()
export class CategoryInput {
  @Field(() => HardshipCategory)
  category: HardshipCategory;

  @Field(() => Int, { nullable: true, description: '1 to 4, for DISABILITY only.' })
  disabilityGrade?: number | null;
}

@InputType({ description: 'Facts of a person besides identity; absent optional facts are recorded as unknown.' })
export class PersonFactsInput {
  @Field({ description: '1 to 50 characters.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'A mainland mobile (11 digits) or landline (0 + area code + number).' })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 200 characters.' })
  address?: string | null;

  @Field({ description: 'Division code of the 户籍 jurisdiction (any level, anywhere in the tree).' })
  hukouCode: string;

  @Field(() => DateScalar, { nullable: true, description: 'Since when the person lives in their village.' })
  residentSince?: string | null;

  @Field(() => [LivingSituation], { nullable: true })
  livingSituations?: LivingSituation[] | null;

  @Field(() => FenScalar, { nullable: true, description: 'Own monthly income; unknown when absent.' })
  ownMonthlyIncomeFen?: number | null;

  @Field(() => FenScalar, { nullable: true, description: 'Household monthly income per member; unknown when absent.' })
  householdMonthlyIncomeFen?: number | null;
}

@InputType()
export class RegisterPersonInput extends PersonFactsInput {
  @Field({ description: '18-character national ID (GB 11643); birth date and sex are read from it.' })
  nationalId: string;

  @Field({ description: 'Division code of the village or community the person lives in, in the caller’s subtree.' })
  villageCode: string;

  @Field(() => [CategoryInput], { nullable: true })
  categories?: CategoryInput[] | null;

  @Field(() => DateScalar, { nullable: true, description: 'Since when the categories apply (default today).' })
  categoriesSince?: string | null;
}

@InputType({ description: 'The new facts of a person (every fact is replaced; identity stays).' })
export class UpdatePersonInput extends PersonFactsInput {
  @Field(() => String, { nullable: true, description: 'A village of the caller’s subtree the person moved to; absent: unchanged.' })
  villageCode?: string | null;
}

@InputType()
export class AssessmentInput {
  @Field(() => AbilityLevel)
  level: AbilityLevel;

  @Field(() => DateScalar, { nullable: true, description: 'Default today; not in the future.' })
  assessedOn?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Recorded as the assessment’s validUntil, 1 to 36 months (default 6, a setting). How long it counts for a subsidy is the scheme’s assessmentValidMonths.',
  })
  validMonths?: number | null;

  @Field({ description: 'Who assessed: assessor and organisation, 1 to 100 characters.' })
  assessor: string;

  @Field(() => String, { nullable: true, description: 'At most 500 characters.' })
  note?: string | null;
}

@InputType({ description: 'A CSV file of people to register (see the README, "Importing people from CSV").' })
export class ImportPeopleInput {
  @Field({ description: 'The file’s text: RFC 4180 CSV in UTF-8 (a BOM is fine), a header row of column names, one person per row.' })
  csv: string;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'Import the good rows and report the bad ones; by default one bad row means nothing is written.',
  })
  goodRowsOnly?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Check every row and report, writing nothing.' })
  dryRun?: boolean | null;
}
