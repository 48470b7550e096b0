import { Field, ID, ObjectType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { OrganisationNode } from '../facilities/facility.types';
import { BanReason } from './provider-kinds';
import { connectionTypes } from '../kernel/pagination';

@ObjectType({ simpleResolvers: true, description: 'A qualification of a provider (资质).' })
export class ProviderQualification {
  @Field()
  kind: string;

  @Field()
  number: string;

  @Field(() => DateScalar)
  validFrom: string;

  @Field(() => DateScalar, { nullable: true })
  validUntil: string | null;
}

@ObjectType({ simpleResolvers: true, description: 'An organisation in a level’s provider library (服务商库).' })
export class ProviderEntry {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The level whose library it is in.' })
  jurisdiction: JurisdictionRef;

  @Field(() => OrganisationNode)
  organisation: OrganisationNode;

  @Field(() => DateScalar)
  admittedOn: string;

  @Field(() => [ProviderQualification])
  qualifications: ProviderQualification[];
}

@ObjectType({ simpleResolvers: true, description: 'The early end of a ban: a record of its own, the ban itself unchanged.' })
export class ProviderBanLift {
  @Field(() => DateScalar, { description: 'The first day the ban no longer runs.' })
  liftedOn: string;

  @Field()
  reason: string;

  @Field()
  recordedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A cancelled qualification (取消服務資格): the provider is neither admitted nor contracted in the level’s subtree while it runs.' })
export class ProviderBan {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The banning level.' })
  jurisdiction: JurisdictionRef;

  @Field(() => OrganisationNode)
  organisation: OrganisationNode;

  @Field(() => BanReason)
  reason: BanReason;

  @Field()
  detail: string;

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar, { description: 'The last day as decided.' })
  until: string;

  @Field(() => ProviderBanLift, { nullable: true })
  lift: ProviderBanLift | null;

  @Field(() => DateScalar, { description: 'The last day it runs: `until`, or the day before it was lifted.' })
  lastDay: string;
}

export const { Connection: ProviderEntryConnection } = connectionTypes(ProviderEntry, 'ProviderEntry');
export const { Connection: ProviderBanConnection } = connectionTypes(ProviderBan, 'ProviderBan');
