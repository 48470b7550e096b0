import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../kernel/context';
import { connectionCost, READ_COST } from '../graphql/limits';
import { reReviewService } from './re-review.service';
import { ConfirmedEnrolment, ReReviewConnection, ReReviewCounts } from './re-review.types';

const UNDER = { nullable: true, description: 'Enrolments of cases filed at or below this node (default the caller’s home).' };

@Resolver()
export class ReReviewResolver {
  @Query(() => ReReviewConnection, {
    complexity: connectionCost,
    description: 'Dynamic management (动态管理): open enrolments whose facts changed since their approval or last re-review, by the earliest change’s day, then id.',
  })
  reReviews(
    @Ctx() ctx: Context,
    @Arg('under', () => String, UNDER) under: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1 to MAX_PAGE_SIZE (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return reReviewService.list(ctx, { under, first, after });
  }

  @Query(() => ReReviewCounts, { complexity: READ_COST, description: 'How many enrolments are to re-review at or below a node, and below each of its children.' })
  reReviewCounts(@Ctx() ctx: Context, @Arg('under', () => String, UNDER) under: string | null) {
    return reReviewService.counts(ctx, under);
  }

  @Mutation(() => ConfirmedEnrolment, { description: 'Confirms an enrolment after its re-review, with the opinion: it leaves the re-review list until a newer change.' })
  confirmEnrolment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('opinion') opinion: string,
    @Arg('idempotencyKey', () => String, { nullable: true }) idempotencyKey: string | null,
  ) {
    return reReviewService.confirm(ctx, id, opinion, idempotencyKey);
  }
}
