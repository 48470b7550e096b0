import { Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { CheckedMaterial, OversightKind, OversightPurpose } from './oversight.rules';

@InputType({ description: 'A village’s or town’s call or visit to a recipient (回訪, 抽查, 探视巡访), with its written record.' })
export class RecordOversightVisitInput {
  @Field(() => ID, { description: 'The person reached.' })
  personId: string;

  @Field(() => String, { nullable: true, description: 'The village or town that reached them, in the caller’s subtree, the person living below it (default the caller’s home).' })
  by?: string | null;

  @Field(() => OversightKind)
  kind: OversightKind;

  @Field(() => OversightPurpose, { description: 'SPOT_CHECK: a recipient enrolled that month; WELFARE_VISIT: a left-behind or dispersed 特困 elder that day.' })
  purpose: OversightPurpose;

  @Field(() => DateScalar, { nullable: true, description: 'Not after today (default today).' })
  visitedOn?: string | null;

  @Field(() => [CheckedMaterial], { nullable: true, description: 'What a spot check looked at, each once («抽查服務協議、服務記錄本»); none for a welfare visit.' })
  checked?: CheckedMaterial[] | null;

  @Field({ description: 'What was found, 1 to 2,000 characters.' })
  findings: string;

  @Field({ description: 'Whether the service records look falsified («是否有弄虛作假情況»); a spot check only.' })
  falsificationSuspected: boolean;

  @Field({ description: 'The written record («並作書面回訪記錄»), 1 to 4,000 characters.' })
  record: string;
}
