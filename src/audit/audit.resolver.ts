import { Args, ArgsType, Ctx, Field, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { connectionCost } from '../graphql/limits';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import type { AuditRow } from './audit.repository';
import { auditTrail } from './audit.service';
import { AuditEntryConnection, AuditEntryNode, AuditOutcomeValue } from './audit.types';

@ArgsType()
class AuditTrailArgs {
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

  @Field(() => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' })
  first: number | null;

  @Field(() => String, { nullable: true })
  after: string | null;
}

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
