import { codeReached, denied } from '../access/scope';
import { mutation, type Write } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { pastDay } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { EnrolmentEnd } from './case-kinds';
import { endEnrolments, enrolmentRepository, type EnrolmentRow } from './enrolment';

/**
 * Locks an enrolment for a change by the caller: FORBIDDEN unless the case's village (the applicant's
 * 户籍 when filed) lies in the caller's subtree, whether or not it exists; the trail names it and the village.
 */
export async function lockReachedEnrolment({ tx, grant, target, at }: Pick<Write, 'tx' | 'grant' | 'target' | 'at'>, rawId: string): Promise<EnrolmentRow> {
  const id = parseId(rawId, 'id', 'an enrolment');
  target('Enrolment', [id]);
  const row = await enrolmentRepository.lock(tx, id);
  if (!row || !codeReached(grant!.actor, row.villageCode)) throw denied(text('CASE_NOT_IN_SCOPE'));
  at(row.villageId);
  return row;
}

export const enrolmentService = {
  /**
   * Ends an open enrolment of a person whose 户籍 village is in the caller's subtree (REVIEW_CASES: the
   * village or town that verifies it, 「各鎮、村(社區)進行核實後,應立即核銷」): the last month paid follows
   * the scheme's lastMonth rule from `on` (today or earlier).
   */
  async cancel(ctx: Context, rawId: string, reason: EnrolmentEnd, on: string): Promise<EnrolmentRow & { scheme: { id: number; name: string } }> {
    const spec = { action: 'enrolment.cancel', capability: Capability.REVIEW_CASES };
    const id = await mutation(ctx, spec, async (w) => {
      const { tx, detail } = w;
      const row = await lockReachedEnrolment(w, rawId);
      if (!Object.values(EnrolmentEnd).includes(reason)) throw new BadUserInputError('reason', `must be one of ${Object.values(EnrolmentEnd).join(', ')}`);
      const day = pastDay(on, 'on');
      if (row.untilMonth !== null) throw new ConflictError(`the enrolment already ended (${row.endReason}, ${row.endedOn})`, 'id');
      await endEnrolments(tx, [row], reason, day);
      detail({ reason, on: day });
      return row.id;
    });
    const [row] = await enrolmentRepository.byIds(ctx.db, [id]);
    return { ...row, scheme: { id: row.schemeId, name: row.schemeName } };
  },
};
