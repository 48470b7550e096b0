import { Field, ID, Int, ObjectType } from 'type-graphql';
import { FenScalar } from '../kernel/money';
import { AdjustmentState } from './ledger.types';
import { SettlementShare } from './settlement.types';

@ObjectType('FacilitySubsidyPayment', {
  simpleResolvers: true,
  description: 'A facility’s subsidies of a year paid through the ledger: what the rules make it due less what was paid before, funder by funder, proposed by one person and approved by another.',
})
export class FacilitySubsidyPayment {
  @Field(() => ID)
  id: number;

  @Field(() => ID)
  facilityId: number;

  @Field(() => Int)
  year: number;

  @Field(() => FenScalar, { description: 'The sum of the shares: negative when the year is now due less than was paid.' })
  amountFen: number;

  @Field(() => [SettlementShare], { description: 'What each funder pays (or takes back), highest level first.' })
  shares: SettlementShare[];

  @Field(() => AdjustmentState)
  state: AdjustmentState;

  @Field()
  proposedBy: string;

  @Field()
  proposedAt: Date;

  @Field(() => String, { nullable: true })
  decidedBy: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt: Date | null;

  @Field(() => String, { nullable: true })
  decisionNote: string | null;

  @Field(() => ID, { nullable: true, description: 'The ledger posting, once approved.' })
  postingId: string | null;
}
