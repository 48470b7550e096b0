import { codeReached, denied } from '../access/scope';
import type { Write } from '../audit/mutation';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { parseText } from '../kernel/text';
import { checkDeadline, LONG_TEXT } from '../desk/desk.service';
import { supervisionRepository } from '../desk/supervision.repository';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { procedureRepository } from '../procedures/procedure.repository';
import { caseRepository } from './case.repository';
import { currentStep, overdueOn } from './case.rules';

export interface SuperviseCaseInput {
  caseId: string;
  deadline: string;
  detail?: string | null;
}

/**
 * Issues a supervision item (督办) for the overdue step of a case, at the caller's home, assigned to the
 * step's acting node, which must be the caller's home or below it. The case is locked: of concurrent
 * calls one issues the item and the others are CONFLICT, as is any later call for the same step
 * reached (the case's version); a case that is not overdue is CONFLICT too. The title names the case
 * and its step, never the applicant: the desk's readers include analysts.
 */
export async function superviseWithin(w: Write, input: SuperviseCaseInput): Promise<number> {
  const actor = w.grant!.actor;
  const id = parseId(input.caseId, 'caseId', 'a case');
  w.target('Case', [id]);
  const c = await caseRepository.lock(w.tx, id);
  if (!c || !codeReached(actor, c.villageCode)) throw denied(text('CASE_NOT_IN_SCOPE'));
  w.at(actor.jurisdictionId);
  checkDeadline(input.deadline, 'deadline');
  const today = todayInChina();
  if (input.deadline < today) throw new BadUserInputError('deadline', `must be today (${today}) or later`);
  const detail = parseText(input.detail, 'detail', LONG_TEXT);
  if (!overdueOn(c, today)) throw new ConflictError(`the case is not overdue: only an overdue step is supervised`, 'caseId');
  // The issuer stands at or above the node that has to act.
  if (!codeReached(actor, c.actingCode!)) throw denied('Only the acting node or a level above it may supervise this step');
  if ((await supervisionRepository.forCaseStep(w.tx, c.id, c.version)) !== null) {
    throw new ConflictError('this step of the case is already supervised', 'caseId');
  }
  const [procedure] = await procedureRepository.byIds(w.tx, [c.procedureId]);
  const step = currentStep(c, procedure.steps)!;
  const [issuer, responsible] = await Promise.all([jurisdictionService.byId(w.ctx, actor.jurisdictionId), jurisdictionService.byId(w.ctx, c.actingNodeId!)]);
  const created = await supervisionRepository.insert(
    w.tx,
    {
      issuerId: issuer!.id,
      responsibleId: responsible!.id,
      responsibleUnit: null,
      targetId: null,
      caseId: c.id,
      caseVersion: c.version,
      title: `申请 ${c.id} 第${step.position}步「${step.name}」逾期（应于 ${c.stepDue} 前办结）`.slice(0, 200),
      detail,
      deadline: input.deadline,
    },
    actor.userId,
  );
  w.detail({ supervisionItemId: created, step: step.position, responsible: responsible!.code, deadline: input.deadline });
  return created;
}
