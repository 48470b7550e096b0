import { onPersonStatus } from '../elderly/person-status-hooks';
import { closeOpenCases } from './case-decision';
import type { EnrolmentEnd } from './case-kinds';
import { endEnrolments, enrolmentRepository } from './enrolment';

/**
 * Registers what the cases do when a person dies or moves away, in the transaction that records it:
 * their open cases close with the reason, and their enrolments end by each scheme's lastMonth rule
 * (江都 「對於服務對象中出現遷離、去世…應立即核銷平台人員信息、停止提供服務」, seed 004 篇四).
 */
export function registerCaseHooks(): void {
  onPersonStatus('cases', async ({ tx, actor, personId, status, on }) => {
    await closeOpenCases({ tx }, personId, status, actor);
    await endEnrolments(tx, await enrolmentRepository.openOf(tx, personId), status as unknown as EnrolmentEnd, on);
  });
}
