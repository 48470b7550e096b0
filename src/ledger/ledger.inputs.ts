import { Field, ID, InputType } from 'type-graphql';
import { FenScalar } from '../kernel/money';
import { SchemeKind } from '../policies/policy-kinds';

@InputType({ description: 'A manual correction of a recipient’s voucher account, for a second person to approve (maker-checker).' })
export class ProposeVoucherAdjustmentInput {
  @Field(() => ID)
  person: string;

  @Field(() => SchemeKind, { description: 'The voucher account: a service subsidy’s kind.' })
  schemeKind: SchemeKind;

  @Field({ description: 'The division code of the level whose funds take the other side: the person’s village or an ancestor of it, in the caller’s subtree.' })
  funder: string;

  @Field(() => FenScalar, { description: 'Fen added to the account (negative: taken back); not 0, at most 1,000,000 元 either way.' })
  amountFen: number;

  @Field({ description: 'Why, 1 to 500 characters: it stays with the posting.' })
  reason: string;
}
