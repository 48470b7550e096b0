import { Field, Float, InputType, Int } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { FacilityService, FacilityStatus, FacilityType, OperatingModel } from './facility-kinds';

@InputType({ description: 'The operator organisation (运营机构).' })
export class OrganisationInput {
  @Field({ description: '统一社会信用代码: 18 characters with a valid check character (GB 32100).' })
  creditCode: string;

  @Field({ description: 'Registered name, 1 to 100 characters; must match the name already registered for the code.' })
  name: string;
}

@InputType({ description: 'Beds: nursing-type and dementia beds are each part of the total.' })
export class BedsInput {
  @Field(() => Int)
  total: number;

  @Field(() => Int, { defaultValue: 0 })
  nursing: number;

  @Field(() => Int, { defaultValue: 0 })
  dementia: number;
}

@InputType()
export class CreateFacilityInput {
  @Field({ description: '1 to 100 characters.' })
  name: string;

  @Field(() => FacilityType)
  type: FacilityType;

  @Field({ description: 'Division code of the village (or town, or county, by type) it is located in.' })
  jurisdictionCode: string;

  @Field(() => OrganisationInput, { nullable: true })
  operator?: OrganisationInput | null;

  @Field(() => OperatingModel, { nullable: true })
  operatingModel?: OperatingModel | null;

  @Field(() => [FacilityService], { nullable: true })
  services?: FacilityService[] | null;

  @Field(() => Float, { nullable: true, description: 'Floor area in m², up to 2 decimals.' })
  floorAreaM2?: number | null;

  @Field(() => BedsInput, { nullable: true })
  beds?: BedsInput | null;

  @Field(() => Int, { nullable: true })
  staff?: number | null;

  @Field(() => Int, { nullable: true, description: 'This month’s average diners a day, recorded as recordFacilityDiners records it.' })
  dailyDiners?: number | null;

  @Field(() => FacilityStatus, {
    nullable: true,
    description: 'Status at registration (default PLANNED); an existing facility may be entered as it stands, not CLOSED.',
  })
  status?: FacilityStatus | null;

  @Field(() => DateScalar, { nullable: true, description: 'Since when it has had that status (default today); not in the future.' })
  since?: string | null;
}

@InputType({
  description:
    'Fields left out stay as they are. A SERVICE_PROVIDER may change only services, beds, staff and dailyDiners of facilities its organisation operates.',
})
export class UpdateFacilityInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => OrganisationInput, { nullable: true })
  operator?: OrganisationInput | null;

  @Field(() => OperatingModel, { nullable: true })
  operatingModel?: OperatingModel | null;

  @Field(() => [FacilityService], { nullable: true })
  services?: FacilityService[] | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: 'When the new services took effect (default today): not in the future nor before the latest history entry.',
  })
  servicesSince?: string | null;

  @Field(() => Float, { nullable: true })
  floorAreaM2?: number | null;

  @Field(() => BedsInput, { nullable: true })
  beds?: BedsInput | null;

  @Field(() => Int, { nullable: true })
  staff?: number | null;

  @Field(() => Int, { nullable: true, description: 'This month’s average diners a day, recorded as recordFacilityDiners records it.' })
  dailyDiners?: number | null;
}
