import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { SupervisionItemNode } from '../desk/desk.types';
import type { Context } from '../kernel/context';
import { connectionCost, noticeListCost } from '../graphql/limits';
import { DateScalar } from '../kernel/dates';
import { PageArgs } from '../kernel/pagination';
import { CaseState, EnrolmentEnd } from './case-kinds';
import { enrolmentService } from './enrolment.service';
import { DecideCaseInput, FileApplicationInput, MaterialInput } from './case.inputs';
import { caseService } from './case.service';
import { Case, CaseConnection, CaseHistoryEntry, CaseMaterial, CaseScheme, Enrolment } from './case.types';
import { publicNoticeService } from './public-notice.service';
import { VillagePublicNotice } from './public-notice.types';

@ArgsType()
class CaseListArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Cases filed at or below this node (default the caller’s home).' })
  under?: string | null;

  @Field(() => CaseState, { nullable: true })
  state?: CaseState | null;

  @Field(() => Boolean, { nullable: true, description: 'Only cases awaiting the caller: a step they may act on, or a return they may resubmit.' })
  awaitingMyAction?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Only cases in review whose due date has passed (China’s today).' })
  overdue?: boolean | null;
}

@Resolver()
export class CaseResolver {
  @Query(() => Case, { description: 'A case of the caller’s subtree.' })
  case(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return caseService.get(ctx, id);
  }

  @Query(() => CaseConnection, { complexity: connectionCost, description: 'Cases filed at or below a node, by due date (none last), then by id.' })
  cases(@Ctx() ctx: Context, @Args() args: CaseListArgs) {
    return caseService.list(ctx, args);
  }

  @Query(() => [VillagePublicNotice], {
    complexity: noticeListCost,
    description: 'The public-notice (公示) lists on a day (default today) of the villages at or below a node (default the caller’s home) with someone on notice: the cases whose current step is a public notice begun by then.',
  })
  publicNotices(
    @Ctx() ctx: Context,
    @Arg('under', () => String, { nullable: true }) under: string | null,
    @Arg('on', () => DateScalar, { nullable: true }) on: string | null,
  ) {
    return publicNoticeService.lists(ctx, under, on);
  }

  @Mutation(() => Case, { description: 'Files an application at the applicant’s 户籍 village; its first step begins that day, or when the next intake window opens.' })
  fileApplication(@Ctx() ctx: Context, @Arg('input') input: FileApplicationInput) {
    return caseService.file(ctx, input);
  }

  @Mutation(() => Case, { description: 'Decides the current step of a case: PASS, APPROVE, RETURN, REFUSE (with reasons) or WITHDRAW. See `allowedActions`.' })
  decideCase(@Ctx() ctx: Context, @Arg('input') input: DecideCaseInput) {
    return caseService.decide(ctx, input);
  }

  @Mutation(() => Case, { description: 'Records an objection (异议) received during the public notice: the case goes back to the review step before it.' })
  recordObjection(
    @Ctx() ctx: Context,
    @Arg('caseId', () => ID) caseId: string,
    @Arg('receivedOn', () => DateScalar) receivedOn: string,
    @Arg('summary') summary: string,
  ) {
    return caseService.recordObjection(ctx, caseId, receivedOn, summary);
  }

  @Mutation(() => Case, {
    description: 'Assigns the assessment step of a case to a third-party assessor (ASSESSOR) whose area holds its village: of the assessors, only they may act on it. See `allowedActions` (ASSIGN_ASSESSOR).',
  })
  assignCaseAssessor(
    @Ctx() ctx: Context,
    @Arg('caseId', () => ID) caseId: string,
    @Arg('step', () => Int, { description: 'The position of the assessment step, as the caller saw it.' }) step: number,
    @Arg('assessor', { description: 'The assessor’s username.' }) assessor: string,
  ) {
    return caseService.assignAssessor(ctx, caseId, step, assessor);
  }

  @Mutation(() => SupervisionItemNode, {
    description: 'Issues a supervision item (督办) for the overdue step of a case, at the caller’s home, assigned to the step’s acting node: one per step reached.',
  })
  superviseCase(
    @Ctx() ctx: Context,
    @Arg('caseId', () => ID) caseId: string,
    @Arg('deadline', () => DateScalar, { description: 'When the acting node must have dealt with it: today or later.' }) deadline: string,
    @Arg('detail', () => String, { nullable: true, description: 'Up to 4,000 characters.' }) detail: string | null,
  ) {
    return caseService.supervise(ctx, { caseId, deadline, detail });
  }

  @Mutation(() => Case, { description: 'Files a returned case again with the material asked for: its village step begins anew.' })
  resubmitCase(@Ctx() ctx: Context, @Arg('caseId', () => ID) caseId: string, @Arg('materials', () => [MaterialInput], { nullable: true }) materials: MaterialInput[] | null) {
    return caseService.resubmit(ctx, caseId, materials ?? []);
  }

  @Mutation(() => Enrolment, { description: 'Ends an enrolment (death, move, withdrawal, fraud) on a day: the last month paid follows the scheme’s lastMonth rule.' })
  cancelEnrolment(
    @Ctx() ctx: Context,
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => EnrolmentEnd) reason: EnrolmentEnd,
    @Arg('on', () => DateScalar) on: string,
  ) {
    return enrolmentService.cancel(ctx, id, reason, on);
  }
}

@Resolver(() => Case)
export class CaseRecordResolver {
  @FieldResolver(() => [CaseScheme], { description: 'The schemes applied for.' })
  schemes(@Ctx() ctx: Context, @Root() c: Case) {
    return caseService.schemes(ctx, c);
  }

  @FieldResolver(() => [CaseMaterial], { description: 'The materials received, in the order received.' })
  materials(@Ctx() ctx: Context, @Root() c: Case) {
    return caseService.materials(ctx, c);
  }

  @FieldResolver(() => [CaseHistoryEntry], { description: 'Everything done to the case, oldest first (append-only).' })
  history(@Ctx() ctx: Context, @Root() c: Case) {
    return caseService.history(ctx, c);
  }

  @FieldResolver(() => [Enrolment], { description: 'The enrolments its approval gave.' })
  enrolments(@Ctx() ctx: Context, @Root() c: Case) {
    return caseService.enrolments(ctx, c);
  }
}

@Resolver(() => Case)
export class CaseSupervisionResolver {
  @FieldResolver(() => [SupervisionItemNode], { description: 'The 督办 items following up the case’s overdue steps that the caller sees on the desk (READ_TARGETS), oldest first; none without it.' })
  supervisionItems(@Ctx() ctx: Context, @Root() c: Case) {
    return caseService.supervisionItems(ctx, c);
  }
}
