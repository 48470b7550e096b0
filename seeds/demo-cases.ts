import type { DataSource } from 'typeorm';
import { CaseAction } from '../src/cases/case-kinds';
import { caseService } from '../src/cases/case.service';
import { AbilityLevel } from '../src/elderly/elderly-kinds';
import { personService } from '../src/elderly/person.service';
import { DEMO_COUNTY } from './demo-facilities';
import { DEMO_INTAKE_WINDOWS } from './demo-procedures';
import { actingAs } from './demo-targets';

/** The day the demo's applications were received: in 2026's first intake window. */
export const DEMO_CASES_RECEIVED = DEMO_INTAKE_WINDOWS[0].opens;
/** The day the demo's public notices were posted (as stored: decisions through the API happen today). */
export const DEMO_NOTICE_POSTED = '2026-06-15';

/** The position of the assessment in 江都's procedure (村審核, 鎮審批, 區備案, 第三方評估, 村公示). */
const ASSESSMENT_STEP = 4;

/** The four people of 江都区 whose applications the demo files. */
export async function demoApplicants(dataSource: DataSource): Promise<{ id: number }[]> {
  return dataSource.query(
    `SELECT p.id FROM person p JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id
     WHERE h.level = 'VILLAGE' AND h.code LIKE $1 || '%' AND p.status = 'ACTIVE' ORDER BY p.id LIMIT 4`,
    [DEMO_COUNTY],
  );
}

/**
 * Four applications of 江都区 people for its first service subsidy, filed through the service as its
 * civil-affairs administrator would in the June window: one at the village's 審核, one at the third-party
 * assessment awaiting its assessor, one at its 公示, one approved after its 公示 (so enrolled). The notices were posted on DEMO_NOTICE_POSTED, written as
 * stored: the API starts a step on the day it is decided. Returns how many cases were filed.
 */
export async function seedDemoCases(dataSource: DataSource, adminUsername: string, assessorUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  const assessor = await actingAs(dataSource, assessorUsername);
  const people = await demoApplicants(dataSource);
  const [scheme] = await dataSource.query(
    `SELECT s.id FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id JOIN subsidy_scheme_version v ON v.scheme_id = s.id
     WHERE j.code = $1 AND v.requires_application ORDER BY s.id LIMIT 1`,
    [DEMO_COUNTY],
  );
  let key = 0;
  const decide = async (caseId: number, step: number, action: CaseAction, as = admin) =>
    caseService.decide(as, { caseId: String(caseId), step, action, opinion: '同意', idempotencyKey: `demo-${(key += 1)}` });
  // 「評估工作由區民政局委託第三方組織上門評估」(篇四): the district assigns its assessor, who records the
  // applicant's ability at the level last assessed (自理 when never assessed) and passes the step.
  const assess = async (caseId: number, personId: number) => {
    await caseService.assignAssessor(admin, String(caseId), ASSESSMENT_STEP, assessorUsername);
    const [last] = await dataSource.query(`SELECT level FROM ability_assessment WHERE person_id = $1 ORDER BY assessed_on DESC, id DESC LIMIT 1`, [personId]);
    await personService.recordAssessment(assessor, String(personId), { level: last?.level ?? AbilityLevel.INTACT, assessor: '江都区第三方评估机构（演示）' });
    await decide(caseId, ASSESSMENT_STEP, CaseAction.PASS, assessor);
  };
  for (const [i, person] of people.entries()) {
    const filed = await caseService.file(admin, { personId: String(person.id), schemeIds: [String(scheme.id)], receivedOn: DEMO_CASES_RECEIVED, materials: [{ kind: '申请表', receivedOn: DEMO_CASES_RECEIVED, checked: true }] });
    if (i === 0) continue;
    for (let step = 1; step < ASSESSMENT_STEP; step += 1) await decide(filed.id, step, CaseAction.PASS);
    if (i === 1) continue;
    await assess(filed.id, person.id);
    await dataSource.query(`UPDATE application_case SET step_began = $2 WHERE id = $1`, [filed.id, DEMO_NOTICE_POSTED]);
    if (i === 3) await decide(filed.id, 5, CaseAction.APPROVE);
  }
  return people.length;
}
