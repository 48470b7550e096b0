import { Field, ID, InputType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';

@InputType()
export class CreateSupervisionItemInput {
  @Field({ description: 'The issuing jurisdiction: the caller’s home or below it.' })
  jurisdictionCode: string;

  @Field({ description: 'The jurisdiction held responsible: the issuer or below it.' })
  responsibleCode: string;

  @Field(() => String, { nullable: true, description: '责任单位, up to 200 characters.' })
  responsibleUnit?: string | null;

  @Field({ description: '1 to 200 characters.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Up to 4,000 characters.' })
  detail?: string | null;

  @Field(() => DateScalar)
  deadline: string;

  @Field(() => ID, { nullable: true, description: 'A target set at the issuer or below that the item follows up.' })
  targetId?: string | null;
}

@InputType()
export class IssueNoticeInput {
  @Field(() => ID, { description: 'The target whose board the notice shows.' })
  targetId: string;

  @Field({ description: '1 to 200 characters.' })
  title: string;

  @Field(() => String, { nullable: true, description: 'Up to 4,000 characters.' })
  body?: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The board as of the end of a past day; default now (live).' })
  asOf?: string | null;
}
