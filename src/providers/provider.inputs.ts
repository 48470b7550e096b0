import { Field, InputType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { OrganisationInput } from '../facilities/facility.inputs';
import { BanReason } from './provider-kinds';

@InputType({ description: 'A qualification of a provider (资质): a licence or certificate with its number and validity.' })
export class QualificationInput {
  @Field({ description: 'What it is, 1 to 50 characters (e.g. 养老机构备案, 营业执照).' })
  kind: string;

  @Field({ description: 'Its number, 1 to 50 characters.' })
  number: string;

  @Field(() => DateScalar)
  validFrom: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day it is valid; null: no end.' })
  validUntil?: string | null;
}

@InputType({ description: 'Admits an organisation into a level’s provider library (服务商库).' })
export class AdmitProviderInput {
  @Field({ description: 'The level whose library it joins: any level above a village, in the caller’s subtree.' })
  jurisdictionCode: string;

  @Field(() => OrganisationInput, { description: 'Found by its credit code, registered if new.' })
  organisation: OrganisationInput;

  @Field(() => DateScalar, { nullable: true, description: 'Default today.' })
  admittedOn?: string | null;

  @Field(() => [QualificationInput], { nullable: true, description: 'Up to 20.' })
  qualifications?: QualificationInput[] | null;
}

@InputType({ description: 'Cancels a provider’s qualification at a level (取消服務資格) for a period.' })
export class BanProviderInput {
  @Field({ description: 'The banning level: the ban runs in its whole subtree.' })
  jurisdictionCode: string;

  @Field(() => OrganisationInput)
  organisation: OrganisationInput;

  @Field(() => BanReason)
  reason: BanReason;

  @Field({ description: 'What happened, 1 to 2,000 characters.' })
  detail: string;

  @Field(() => DateScalar, { nullable: true, description: 'The first day it runs; default today.' })
  from?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The last day it runs; default the day before the third anniversary of `from` («近三年內»).' })
  until?: string | null;
}
