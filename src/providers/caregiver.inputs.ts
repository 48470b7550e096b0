import { Field, ID, InputType } from 'type-graphql';
import { ServiceItem } from '../care/care-kinds';
import { DateScalar } from '../kernel/dates';

@InputType({ description: 'A caregiver of the caller’s organisation.' })
export class AddCaregiverInput {
  @Field({ description: '1 to 50 characters.' })
  name: string;

  @Field({ description: '服務工號: 1 to 20 letters, digits or hyphens (kept in upper case), unique within the organisation.' })
  workCardNumber: string;

  @Field({ description: 'A mainland mobile or landline number.' })
  phone: string;

  @Field(() => String, { nullable: true, description: 'An opaque reference to the photo kept elsewhere, up to 200 characters.' })
  photoRef?: string | null;

  @Field({ description: 'Division code of the county, town or village the caregiver is based at, in the caller’s subtree.' })
  basedAt: string;

  @Field(() => DateScalar)
  startedOn: string;

  @Field(() => [ServiceItem], { nullable: true })
  specialities?: ServiceItem[] | null;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateCaregiverInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  workCardNumber?: string | null;

  @Field(() => String, { nullable: true })
  phone?: string | null;

  @Field(() => String, { nullable: true, description: 'An empty string removes the reference.' })
  photoRef?: string | null;

  @Field(() => String, { nullable: true })
  basedAt?: string | null;

  @Field(() => [ServiceItem], { nullable: true })
  specialities?: ServiceItem[] | null;
}

@InputType({ description: 'A training of a caregiver and its result: «培訓不合格人員不得上崗».' })
export class CaregiverTrainingInput {
  @Field({ description: 'What the training was, 1 to 100 characters (e.g. 文明禮儀和業務技能培訓).' })
  training: string;

  @Field(() => DateScalar, { description: 'Not after today.' })
  on: string;

  @Field({ description: 'Whether the caregiver passed: the caregiver is `trained` exactly when the latest training was passed.' })
  passed: boolean;
}

@InputType()
export class BanCaregiverInput {
  @Field(() => ID)
  caregiverId: string;

  @Field({ description: 'Division code of the county or town that bars the caregiver, in the caller’s subtree: the ban runs in its subtree.' })
  jurisdictionCode: string;

  @Field({ description: '1 to 500 characters.' })
  reason: string;

  @Field(() => DateScalar, { nullable: true, description: 'Default today; not before today.' })
  from?: string | null;

  @Field(() => DateScalar, { description: 'The last day the ban runs; not before `from`.' })
  until: string;
}
