import { Field, ObjectType } from 'type-graphql';
import { Role } from '../kernel/actor';
import { connectionTypes } from '../kernel/pagination';

@ObjectType('User', { simpleResolvers: true, description: 'A user account: one home jurisdiction, one or more roles.' })
export class UserNode {
  @Field()
  username: string;

  @Field(() => String, { nullable: true })
  displayName: string | null;

  @Field(() => [Role])
  roles: Role[];

  @Field({ description: 'Inactive users cannot sign in, and their tokens stop working at once.' })
  active: boolean;

  @Field()
  createdAt: Date;

  @Field()
  updatedAt: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A signed access token; send it as Authorization: Bearer <token>.' })
export class LoginResult {
  @Field()
  token: string;

  @Field()
  expiresAt: Date;

  @Field(() => UserNode)
  user: UserNode;
}

export const { Edge: UserEdge, Connection: UserConnection } = connectionTypes(UserNode, 'User');
