import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../kernel/actor';
import { connectionTypes, PageArgs } from '../kernel/pagination';

export enum AuditOutcomeValue {
  SUCCESS = 'SUCCESS',
  FAILURE = 'FAILURE',
}
registerEnumType(AuditOutcomeValue, { name: 'AuditOutcome' });

@ObjectType('AuditEntry', { simpleResolvers: true, description: 'One mutation as it happened.' })
export class AuditEntryNode {
  @Field(() => ID)
  id: string;

  @Field()
  at: Date;

  @Field(() => String, { nullable: true, description: 'Who: the username (as typed, for a failed sign-in).' })
  actorUsername: string | null;

  @Field(() => Role, { nullable: true, description: 'The role under which the user acted.' })
  actorRole: Role | null;

  @Field({ description: 'What: the mutation.' })
  action: string;

  @Field(() => String, { nullable: true })
  targetType: string | null;

  @Field(() => [String], { description: 'On which records.' })
  targetIds: string[];

  @Field(() => AuditOutcomeValue)
  outcome: AuditOutcomeValue;

  @Field(() => String, { nullable: true, description: 'The error code of a failed attempt.' })
  errorCode: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What changed (never a password).' })
  detail: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The message the caller was given, for a failed attempt.' })
  errorMessage: string | null;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true, description: 'The client’s IP address (none for the command line and for entries before it was kept).' })
  clientAddress: string | null;
}

export const { Edge: AuditEntryEdge, Connection: AuditEntryConnection } = connectionTypes(AuditEntryNode, 'AuditEntry');

/** What the trail is filtered by, and the page. */
@ArgsType()
export class AuditTrailArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Code of the jurisdiction to read at and below; default the caller’s home.' })
  under: string | null;

  @Field(() => String, { nullable: true, description: 'Only this mutation, e.g. createUser.' })
  action: string | null;

  @Field(() => String, { nullable: true, description: 'Only this actor.' })
  username: string | null;

  @Field(() => AuditOutcomeValue, { nullable: true })
  outcome: AuditOutcomeValue | null;

  @Field(() => Date, { nullable: true, description: 'From this moment (inclusive).' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'Until this moment (exclusive).' })
  to: Date | null;
}
