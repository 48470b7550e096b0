import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../kernel/actor';

@InputType()
export class CreateUserInput {
  @Field({ description: 'Lower case letters, digits and . _ @ -, 3 to 64 characters.' })
  username: string;

  @Field({ description: 'At least 10 characters.' })
  password: string;

  @Field({ description: 'Division code of the home jurisdiction: at or below the caller’s.' })
  jurisdictionCode: string;

  @Field(() => [Role], { description: 'Roles the caller may grant.' })
  roles: Role[];

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Credit code of the organisation the user works for; required with SERVICE_PROVIDER (it sees only that organisation’s facilities).',
  })
  organisationCreditCode?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The caregiver a CAREGIVER account stands for (required with CAREGIVER, which comes alone); the account belongs to the caregiver’s organisation.',
  })
  caregiverId?: string | null;
}

@InputType({ description: 'Fields left out stay as they are.' })
export class UpdateUserInput {
  @Field()
  username: string;

  @Field(() => String, { nullable: true })
  jurisdictionCode?: string | null;

  @Field(() => [Role], { nullable: true })
  roles?: Role[] | null;

  @Field(() => Boolean, { nullable: true })
  active?: boolean | null;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: 'Credit code of the organisation the user works for.' })
  organisationCreditCode?: string | null;
}
