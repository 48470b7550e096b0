import { Field, InputType, Int } from 'type-graphql';
import { ServiceClass, ServiceItem } from '../care/care-kinds';
import { DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';

@InputType({ description: 'A line of a contract’s catalogue: an item for a service class, at a price per visit.' })
export class ContractPriceInput {
  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => ServiceClass)
  serviceClass: ServiceClass;

  @Field(() => FenScalar, { description: 'Price of one visit in fen, 0 to 1,000,000.' })
  unitPriceFen: number;

  @Field(() => Int, { nullable: true, description: 'The least a visit lasts, 60 to 1,440 minutes; default 60 («每次服務時長不低於1小時»).' })
  minMinutes?: number | null;
}

@InputType({ description: 'A service contract (服务合同) between a county or town, or a county and one of its towns jointly, and a library provider.' })
export class CreateContractInput {
  @Field({ description: 'The contracting county or town, in the caller’s subtree.' })
  jurisdictionCode: string;

  @Field(() => String, { nullable: true, description: 'A town of that county tendering with it («以區、鎮共同招標»): the area then lies in the town.' })
  jointWith?: string | null;

  @Field({ description: 'The provider’s credit code: in the library of the contracting level or above.' })
  provider: string;

  @Field(() => [String], { description: 'Towns and villages served, in the contracting level’s subtree (up to 500).' })
  area: string[];

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar, { nullable: true, description: 'The last day; default the day before the first anniversary of `from` («招標服務以一年為期»).' })
  until?: string | null;

  @Field(() => [ContractPriceInput], { description: 'One line per item and class, at least one.' })
  catalogue: ContractPriceInput[];
}

@InputType({ description: 'The next period of a contract, from the day after it ends: same parties and area.' })
export class RenewContractInput {
  @Field(() => DateScalar, { nullable: true, description: 'The last day; default a year.' })
  until?: string | null;

  @Field(() => [ContractPriceInput], { nullable: true, description: 'A new catalogue; default the previous period’s.' })
  catalogue?: ContractPriceInput[] | null;
}
