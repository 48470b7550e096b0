import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../kernel/actor';
import { connectionTypes } from '../kernel/pagination';

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
