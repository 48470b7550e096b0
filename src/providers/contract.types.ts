import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ServiceClass, ServiceItem } from '../care/care-kinds';
import { DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { OrganisationNode } from '../facilities/facility.types';

@ObjectType({ simpleResolvers: true, description: 'A line of a contract’s catalogue.' })
export class ContractPrice {
  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => ServiceClass)
  serviceClass: ServiceClass;

  @Field(() => FenScalar, { description: 'Price of one visit.' })
  unitPriceFen: number;

  @Field(() => Int, { description: 'The least a visit lasts.' })
  minMinutes: number;
}

@ObjectType({ simpleResolvers: true, description: 'A period of a service contract (服务合同) between a county or town (or both jointly) and a provider.' })
export class ServiceContract {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The contracting level.' })
  jurisdiction: JurisdictionRef;

  @Field(() => JurisdictionRef, { nullable: true, description: 'The town tendering jointly with the county, if any.' })
  jointWith: JurisdictionRef | null;

  @Field(() => OrganisationNode)
  provider: OrganisationNode;

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar, { description: 'The last day as contracted.' })
  until: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day in force when ended early.' })
  endedOn: string | null;

  @Field(() => String, { nullable: true })
  endReason: string | null;

  @Field(() => ID, { nullable: true, description: 'The period this one renews.' })
  renewsId: number | null;

  @Field(() => ID, { nullable: true, description: 'The period that renews this one.' })
  renewedById: number | null;

  @Field(() => [JurisdictionRef], { description: 'The towns and villages served, as contracted.' })
  area: JurisdictionRef[];

  @Field(() => [ContractPrice])
  catalogue: ContractPrice[];
}

export const { Connection: ServiceContractConnection } = connectionTypes(ServiceContract, 'ServiceContract');
