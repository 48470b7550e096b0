import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { FacilityEventKind, FacilityService, FacilityStatus, FacilityType, OperatingModel } from './facility-kinds';

@ObjectType('Organisation', { simpleResolvers: true, description: 'A registered organisation that operates facilities (运营机构).' })
export class OrganisationNode {
  @Field({ description: '统一社会信用代码' })
  creditCode: string;

  @Field()
  name: string;
}

@ObjectType({ simpleResolvers: true, description: 'Beds of a facility.' })
export class FacilityBeds {
  @Field(() => Int)
  total: number;

  @Field(() => Int, { description: '护理型床位' })
  nursing: number;

  @Field(() => Int, { description: '认知障碍(失智)照护床位' })
  dementia: number;
}

@ObjectType('FacilityEvent', { simpleResolvers: true, description: 'One dated entry of a facility’s history; entries are never changed.' })
export class FacilityEventNode {
  @Field(() => FacilityEventKind)
  kind: FacilityEventKind;

  @Field(() => DateScalar, { description: 'The day it took effect.' })
  occurredOn: string;

  @Field(() => FacilityStatus, { nullable: true, description: 'The status before a TRANSITION.' })
  fromStatus: FacilityStatus | null;

  @Field(() => FacilityStatus, { description: 'The status after the entry.' })
  status: FacilityStatus;

  @Field(() => [FacilityService], { description: 'The services offered after the entry.' })
  services: FacilityService[];

  @Field(() => String, { nullable: true })
  note: string | null;

  @Field({ description: 'When it was recorded.' })
  recordedAt: Date;
}

@ObjectType('FacilityDiners', { simpleResolvers: true, description: 'A month’s diner count of a facility: average diners a day (日均就餐人数) that month.' })
export class FacilityDinersNode {
  @Field(() => MonthScalar)
  month: string;

  @Field(() => Int)
  diners: number;

  @Field({ description: 'When it was recorded (last replaced).' })
  recordedAt: Date;
}

@ObjectType('Facility', { simpleResolvers: true, description: 'An elderly-care facility (养老服务设施).' })
export class FacilityNode {
  @Field(() => ID)
  id: number;

  @Field()
  name: string;

  @Field(() => FacilityType)
  type: FacilityType;

  @Field(() => OperatingModel, { nullable: true })
  operatingModel: OperatingModel | null;

  @Field(() => [FacilityService])
  services: FacilityService[];

  @Field(() => Float, { nullable: true, description: 'm²' })
  floorAreaM2: number | null;

  @Field(() => Int, { nullable: true })
  staff: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Average diners a day (日均就餐人数) in the latest month recorded (recordFacilityDiners); the operating subsidy pays each month by that month’s count (dinerMonths).',
  })
  dailyDiners: number | null;

  @Field(() => FacilityStatus)
  status: FacilityStatus;

  @Field(() => DateScalar, { description: 'Since when it has had its status.' })
  statusSince: string;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

export const { Edge: FacilityEdge, Connection: FacilityConnection } = connectionTypes(FacilityNode, 'Facility');
