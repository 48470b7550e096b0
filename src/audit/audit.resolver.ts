import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { connectionCost } from '../graphql/limits';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import type { AuditRow } from './audit.repository';
import { auditTrail } from './audit.service';
import { AuditEntryConnection, AuditEntryNode, AuditTrailArgs } from './audit.types';

@Resolver(() => AuditEntryNode)
export class AuditResolver {
  @Query(() => AuditEntryConnection, {
    complexity: connectionCost,
    description: 'Who changed what in the caller’s subtree, newest first.',
  })
  auditTrail(@Ctx() ctx: Context, @Args() args: AuditTrailArgs) {
    return auditTrail(ctx, args);
  }

  @FieldResolver(() => JurisdictionNode, { nullable: true, description: 'Where: the jurisdiction acted in.' })
  jurisdiction(@Ctx() ctx: Context, @Root() entry: AuditRow) {
    return entry.jurisdictionId === null ? null : jurisdictionService.byId(ctx, entry.jurisdictionId);
  }
}
