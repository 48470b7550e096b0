import { Field, ID, InputType, Int } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { RegisterPersonInput } from '../elderly/person.inputs';
import { CaseAction } from './case-kinds';

@InputType({ description: 'A material received with an application: metadata only, never the document.' })
export class MaterialInput {
  @Field({ description: '1 to 50 characters: what it is (身份证复印件, 户口簿, 评估申请表…).' })
  kind: string;

  @Field(() => DateScalar, { description: 'The day it was received: today or earlier.' })
  receivedOn: string;

  @Field(() => Boolean, { nullable: true, description: 'Checked by the caller now (default false).' })
  checked?: boolean | null;
}

@InputType({ description: 'The applicant’s agent who brought the application.' })
export class AgentInput {
  @Field({ description: '1 to 50 characters.' })
  name: string;

  @Field({ description: '1 to 20 characters: 子女, 配偶, 亲属…' })
  relation: string;
}

@InputType({ description: 'An application: for a registered person (`personId`) or someone registered with it (`person`), never both.' })
export class FileApplicationInput {
  @Field(() => ID, { nullable: true, description: 'A registered person whose 户籍 is a village of the caller’s subtree.' })
  personId?: string | null;

  @Field(() => RegisterPersonInput, { nullable: true, description: 'Someone not yet registered: registered in the same transaction (needs EDIT_PEOPLE).' })
  person?: RegisterPersonInput | null;

  @Field(() => [ID], { description: 'The schemes applied for: each in force at the village and requiring an application.' })
  schemeIds: string[];

  @Field(() => [MaterialInput], { nullable: true })
  materials?: MaterialInput[] | null;

  @Field(() => AgentInput, { nullable: true, description: 'The agent who brought it; absent: a village worker files it for the person.' })
  agent?: AgentInput | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day the application was received (default today; not after today).' })
  receivedOn?: string | null;
}

@InputType({ description: 'A decision on a case’s current step.' })
export class DecideCaseInput {
  @Field(() => ID)
  caseId: string;

  @Field(() => CaseAction, { description: 'PASS, APPROVE, RETURN, REFUSE or WITHDRAW.' })
  action: CaseAction;

  @Field(() => Int, { description: 'The step position the caller saw: another one now is a CONFLICT.' })
  step: number;

  @Field(() => String, { nullable: true, description: 'At most 2,000 characters.' })
  opinion?: string | null;

  @Field(() => String, { nullable: true, description: 'Written reasons (required for REFUSE); at most 2,000 characters.' })
  reasons?: string | null;

  @Field({ description: '1 to 100 characters, unique per case: a replay answers the first time’s answer and changes nothing.' })
  idempotencyKey: string;
}
