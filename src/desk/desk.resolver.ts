import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../kernel/context';
import { connectionCost } from '../graphql/limits';
import { TargetBoard } from '../targets/target.types';
import { SupervisionStatus } from './desk-kinds';
import { CreateSupervisionItemInput, IssueNoticeInput } from './desk.inputs';
import { deskService } from './desk.service';
import { NoticeConnection, NoticeNode, SupervisionItemConnection, SupervisionItemNode, SupervisionNote } from './desk.types';

@Resolver(() => SupervisionItemNode)
export class SupervisionResolver {
  @Query(() => SupervisionItemConnection, {
    complexity: connectionCost,
    description: 'Supervision items issued below `under` (default the caller’s home, itself included) or assigned to a unit there, soonest deadline first.',
  })
  supervisionItems(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('status', () => SupervisionStatus, { nullable: true }) status: SupervisionStatus | null,
    @Arg('overdue', () => Boolean, { nullable: true, description: 'true: only open items whose deadline has passed.' }) overdue: boolean | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
  ) {
    return deskService.supervisionItems(ctx, { under, status, overdue, first, after });
  }

  @Mutation(() => SupervisionItemNode, { description: 'Issues a supervision item (督办) at a jurisdiction of the caller’s subtree, assigned to it or a unit below.' })
  createSupervisionItem(@Ctx() ctx: Context, @Arg('input', () => CreateSupervisionItemInput) input: CreateSupervisionItemInput) {
    return deskService.createSupervisionItem(ctx, input);
  }

  @Mutation(() => SupervisionItemNode, {
    description: 'Adds a follow-up note; `status` closes (DONE, CANCELLED) or reopens the item, which only the issuing level may do.',
  })
  addSupervisionNote(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('note') note: string,
    @Arg('status', () => SupervisionStatus, { nullable: true }) status: SupervisionStatus | null,
  ) {
    return deskService.addSupervisionNote(ctx, id, note, status);
  }

  @FieldResolver(() => [SupervisionNote], { description: 'Follow-up notes, oldest first.' })
  notes(@Ctx() ctx: Context, @Root() item: SupervisionItemNode) {
    return deskService.notes(ctx, item);
  }
}

@Resolver(() => TargetBoard)
export class BoardSupervisionResolver {
  @FieldResolver(() => [SupervisionItemNode], { description: 'Open supervision items issued at the board’s jurisdiction whose deadline has passed by the board’s day.' })
  overdueItems(@Ctx() ctx: Context, @Root() board: TargetBoard) {
    return deskService.overdueOnBoard(ctx, board);
  }
}

@Resolver(() => NoticeNode)
export class NoticeResolver {
  @Query(() => NoticeNode, { description: 'A notice concerning the caller: issued in its subtree, or naming its home or a level above it.' })
  notice(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return deskService.notice(ctx, id);
  }

  @Query(() => NoticeConnection, { complexity: connectionCost, description: 'The notices concerning the caller, newest first.' })
  notices(@Ctx() ctx: Context, @Arg('first', () => Int, { nullable: true }) first: number | null, @Arg('after', () => String, { nullable: true }) after: string | null) {
    return deskService.notices(ctx, { first, after });
  }

  @Mutation(() => NoticeNode, { description: 'Issues a notice (通报) from a target’s board as it stands now or stood at the end of `asOf`; it is kept as issued.' })
  issueNotice(@Ctx() ctx: Context, @Arg('input', () => IssueNoticeInput) input: IssueNoticeInput) {
    return deskService.issueNotice(ctx, input);
  }
}
