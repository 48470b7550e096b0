import { GraphQLError } from 'graphql';
import { allow, deny, rule, shield } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { actingRole } from '../access/actor';
import { Capability } from '../access/roles';
import type { Context } from './context';
import { ForbiddenError, UnauthenticatedError } from './errors';

/**
 * Who may touch each field. Roots are gated by sign-in or by a capability (access/roles.ts says which
 * roles carry it); fields of types below them are `reachable`: open to whoever could reach the parent.
 * A field missing here is denied (fallbackRule: deny) until a rule opens it.
 */
export type Gate = 'public' | 'signed-in' | 'reachable' | Capability;

const reachable = (...fields: string[]): Record<string, Gate> => Object.fromEntries(fields.map((f) => [f, 'reachable']));

export const ACCESS_RULES: Record<string, Record<string, Gate>> = {
  Query: {
    me: 'signed-in',
    jurisdiction: Capability.READ_TREE,
    jurisdictions: Capability.READ_TREE,
    user: Capability.READ_USERS,
    users: Capability.READ_USERS,
    grantableRoles: Capability.MANAGE_USERS,
    auditTrail: Capability.READ_AUDIT,
  },
  Mutation: {
    login: 'public',
    changePassword: 'signed-in',
    createUser: Capability.MANAGE_USERS,
    updateUser: Capability.MANAGE_USERS,
    resetPassword: Capability.MANAGE_USERS,
  },
  Jurisdiction: reachable('code', 'name', 'level', 'townKind', 'villageKind', 'parent', 'ancestors', 'children', 'descendantCounts'),
  JurisdictionRef: reachable('code', 'name', 'level'),
  DescendantCounts: reachable('cities', 'counties', 'towns', 'villages', 'total'),
  JurisdictionConnection: reachable('totalCount', 'edges', 'pageInfo'),
  JurisdictionEdge: reachable('cursor', 'node'),
  PageInfo: reachable('hasNextPage', 'endCursor'),
  User: reachable('username', 'displayName', 'roles', 'active', 'createdAt', 'updatedAt', 'jurisdiction'),
  UserConnection: reachable('totalCount', 'edges', 'pageInfo'),
  UserEdge: reachable('cursor', 'node'),
  LoginResult: reachable('token', 'expiresAt', 'user'),
  AuditEntry: reachable(
    'id',
    'at',
    'actorUsername',
    'actorRole',
    'jurisdiction',
    'action',
    'targetType',
    'targetIds',
    'outcome',
    'errorCode',
    'detail',
    'requestId',
  ),
  AuditEntryConnection: reachable('totalCount', 'edges', 'pageInfo'),
  AuditEntryEdge: reachable('cursor', 'node'),
};

const signedIn = rule('signed-in', { cache: 'contextual' })((_parent, _args, ctx: Context) =>
  ctx.actor ? true : new UnauthenticatedError(),
);

const capabilityRules = new Map(
  Object.values(Capability).map((capability) => [
    capability,
    rule(`can ${capability}`, { cache: 'contextual' })((_parent, _args, ctx: Context) => {
      if (!ctx.actor) return new UnauthenticatedError();
      return actingRole(ctx.actor, capability) ? true : new ForbiddenError();
    }),
  ]),
);

function toRule(gate: Gate) {
  if (gate === 'public' || gate === 'reachable') return allow;
  if (gate === 'signed-in') return signedIn;
  return capabilityRules.get(gate)!;
}

/** The shield middleware for ACCESS_RULES; anything not listed is denied with FORBIDDEN. */
export function accessShield() {
  const tree: IRules = Object.fromEntries(
    Object.entries(ACCESS_RULES).map(([type, fields]) => [
      type,
      Object.fromEntries(Object.entries(fields).map(([field, gate]) => [field, toRule(gate)])),
    ]),
  );
  return shield(tree, {
    fallbackRule: deny,
    allowExternalErrors: true,
    fallbackError: new GraphQLError('Not allowed for this user', { extensions: { code: 'FORBIDDEN' } }),
  });
}
