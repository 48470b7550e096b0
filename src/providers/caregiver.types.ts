import { Field, ID, ObjectType } from 'type-graphql';
import { ServiceItem } from '../care/care-kinds';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { OrganisationNode } from '../facilities/facility.types';
import { CaregiverBar } from './caregiver.rules';

@ObjectType({ simpleResolvers: true, description: 'A ban of a caregiver by a county or town: not to serve in its subtree from `from` to `until`. Never changed or deleted.' })
export class CaregiverBan {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The county or town that barred the caregiver: the ban runs in its subtree.' })
  jurisdiction: JurisdictionRef;

  @Field()
  reason: string;

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar, { description: 'The last day the ban runs.' })
  until: string;

  @Field()
  createdAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Whether a caregiver may serve at a place on a day, and if not, why.' })
export class CaregiverStanding {
  @Field()
  at: string;

  @Field(() => DateScalar)
  on: string;

  @Field({ description: 'Trained (passed) by the day, started, not left, and under no ban of the place or above.' })
  mayServe: boolean;

  @Field(() => [CaregiverBar])
  reasons: CaregiverBar[];
}

@ObjectType({ simpleResolvers: true, description: 'A provider organisation’s caregiver (助老服务人员).' })
export class Caregiver {
  @Field(() => ID)
  id: number;

  @Field(() => OrganisationNode, { description: 'The provider organisation the caregiver works for.' })
  organisation: OrganisationNode;

  @Field(() => JurisdictionRef, { description: 'The county, town or village the caregiver is based at.' })
  basedAt: JurisdictionRef;

  @Field()
  name: string;

  @Field({ description: '服務工號: unique within the organisation.' })
  workCardNumber: string;

  @Field({ description: 'Masked (138****5678) for a caller without READ_CAREGIVER_PHONES (docs/personal-data.md).' })
  phone: string;

  @Field(() => String, { nullable: true, description: 'An opaque reference to the photo kept elsewhere.' })
  photoRef: string | null;

  @Field(() => [ServiceItem], { description: 'The service items the caregiver is skilled in.' })
  specialities: ServiceItem[];

  @Field({ description: 'Whether the latest training recorded was passed: «培訓不合格人員不得上崗».' })
  trained: boolean;

  @Field(() => DateScalar, { nullable: true, description: 'The day of the latest training recorded.' })
  trainedOn: string | null;

  @Field(() => String, { nullable: true, description: 'What the latest training recorded was.' })
  training: string | null;

  @Field(() => DateScalar)
  startedOn: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day of work; null while the caregiver works.' })
  leftOn: string | null;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType({
  simpleResolvers: true,
  description: 'What a caregiver’s work card shows: «工作牌必須標有服務人員姓名、照片、服務工號、聯繫電話、所在組織的名稱和服務監督電話» (seed 004 篇四).',
})
export class CaregiverCard {
  @Field()
  name: string;

  @Field(() => String, { nullable: true })
  photoRef: string | null;

  @Field()
  workCardNumber: string;

  @Field({ description: 'Masked as Caregiver.phone is.' })
  phone: string;

  @Field()
  organisationName: string;

  @Field(() => String, { nullable: true, description: 'The service supervision phone (服務監督電話) set nearest the caregiver’s base (their town’s, else their county’s…); null until one is set.' })
  supervisionPhone: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'A level’s service supervision phone (服務監督電話), printed on the work cards of the caregivers based below it.' })
export class ServiceSupervisionPhone {
  @Field(() => JurisdictionRef)
  jurisdiction: JurisdictionRef;

  @Field()
  phone: string;

  @Field()
  updatedAt: Date;
}

export const { Edge: CaregiverEdge, Connection: CaregiverConnection } = connectionTypes(Caregiver, 'Caregiver');
