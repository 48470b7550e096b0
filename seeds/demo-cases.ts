import type { DataSource } from 'typeorm';
import { CaseAction } from '../src/cases/case-kinds';
import { caseService } from '../src/cases/case.service';
import { DEMO_COUNTY } from './demo-facilities';
import { DEMO_INTAKE_WINDOWS } from './demo-procedures';
import { actingAs } from './demo-targets';

/** The day the demo's applications were received: in 2026's first intake window. */
export const DEMO_CASES_RECEIVED = DEMO_INTAKE_WINDOWS[0].opens;
/** The day the demo's public notices were posted (as stored: decisions through the API happen today). */
export const DEMO_NOTICE_POSTED = '2026-06-15';

/** The three people of 江都区 whose applications the demo files. */
export async function demoApplicants(dataSource: DataSource): Promise<{ id: number }[]> {
  return dataSource.query(
    `SELECT p.id FROM person p JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id
     WHERE h.level = 'VILLAGE' AND h.code LIKE $1 || '%' AND p.status = 'ACTIVE' ORDER BY p.id LIMIT 3`,
    [DEMO_COUNTY],
  );
}

/**
 * Three applications of 江都区 people for its first service subsidy, filed through the service as its
 * civil-affairs administrator would in the June window: one at the village's 審核, one at its 公示,
 * one approved after its 公示 (so enrolled). The notices were posted on DEMO_NOTICE_POSTED, written as
 * stored: the API starts a step on the day it is decided. Returns how many cases were filed.
 */
export async function seedDemoCases(dataSource: DataSource, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  const people = await demoApplicants(dataSource);
  const [scheme] = await dataSource.query(
    `SELECT s.id FROM subsidy_scheme s JOIN jurisdiction j ON j.id = s.jurisdiction_id JOIN subsidy_scheme_version v ON v.scheme_id = s.id
     WHERE j.code = $1 AND v.requires_application ORDER BY s.id LIMIT 1`,
    [DEMO_COUNTY],
  );
  let key = 0;
  const decide = async (caseId: number, step: number, action: CaseAction) =>
    caseService.decide(admin, { caseId: String(caseId), step, action, opinion: '同意', idempotencyKey: `demo-${(key += 1)}` });
  for (const [i, person] of people.entries()) {
    const filed = await caseService.file(admin, { personId: String(person.id), schemeIds: [String(scheme.id)], receivedOn: DEMO_CASES_RECEIVED, materials: [{ kind: '申请表', receivedOn: DEMO_CASES_RECEIVED, checked: true }] });
    if (i === 0) continue;
    for (let step = 1; step <= 4; step += 1) await decide(filed.id, step, CaseAction.PASS);
    await dataSource.query(`UPDATE application_case SET step_began = $2 WHERE id = $1`, [filed.id, DEMO_NOTICE_POSTED]);
    if (i === 2) await decide(filed.id, 5, CaseAction.APPROVE);
  }
  return people.length;
}
