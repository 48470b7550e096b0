import { Field, InputType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { Satisfaction } from './callback.rules';

@InputType({ description: 'What a call-back of an order found (回訪): the provider’s or the county’s, the same answer.' })
export class CallbackInput {
  @Field({ description: 'Whether the recipient (or their family) was reached.' })
  reached: boolean;

  @Field(() => Satisfaction, { nullable: true, description: 'Required when reached; none when not.' })
  satisfaction?: Satisfaction | null;

  @Field(() => Boolean, { nullable: true, description: 'The service fell short of the standard in quality or length: a verified order becomes VOID (VOIDED_ON_CALLBACK). Only when reached; default false.' })
  belowStandard?: boolean | null;

  @Field(() => String, { nullable: true, description: 'What was said, 1 to 2,000 characters.' })
  note?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day of the call: not before the visit’s day, not after today (default today).' })
  calledOn?: string | null;
}
