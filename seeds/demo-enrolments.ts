import type { DataSource, EntityManager } from 'typeorm';
import { personService } from '../src/elderly/person.service';
import { jurisdictionService } from '../src/jurisdictions/jurisdiction.service';
import { thisMonthInChina } from '../src/kernel/dates';
import { entitlementOf } from '../src/policies/entitlement.engine';
import { policyService } from '../src/policies/policy.service';
import { DEMO_COUNTY } from './demo-facilities';
import { demoApplicants } from './demo-cases';
import { actingAs } from './demo-targets';

const STEP = {
  position: 1,
  kind: 'VILLAGE_REVIEW',
  name: '平台上線前審批',
  level: 'VILLAGE',
  capability: 'REVIEW_CASES',
  deadlineWorkingDays: null,
  countedWithin: null,
  minWorkingDays: null,
  mayRefuse: false,
};

/**
 * Enrolments that stand for applications approved before the platform: an APPROVED case under a
 * review procedure of the person's county in force on `fromMonth`'s first day only, with the schemes and an open enrolment in each
 * from `fromMonth`, written straight to the tables. A scheme that requires an application (seed 004
 * 篇四 「須到户籍所在地村(社區)提出申請」) pays only the months of an enrolment.
 */
export async function enrolBeforePlatform(
  db: DataSource | EntityManager,
  filedBy: number,
  people: readonly { personId: number; schemeIds: readonly number[] }[],
  fromMonth: string,
): Promise<number> {
  const wanted = people.filter((p) => p.schemeIds.length > 0);
  if (wanted.length === 0) return 0;
  const day = `${fromMonth}-01`;
  await db.query(
    `WITH v AS (
       SELECT DISTINCT c.id FROM person p JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id JOIN jurisdiction c ON c.code = left(h.code, 6)
       WHERE p.id = ANY($1::int[])
     ), proc AS (
       INSERT INTO review_procedure (jurisdiction_id, name, source, uses_intake_windows, effective_from, effective_to, steps)
       SELECT v.id, '平台上線前審批', 'approved before the platform', false, $2::date, $2::date, $5::jsonb FROM v
       RETURNING id, jurisdiction_id
     ), cases AS (
       INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, filed_on, filed_by, filed_as_role, filer, decided_on)
       SELECT p.id, p.hukou_jurisdiction_id, h.code, proc.id, 'APPROVED', $2::date, $3, 'CIVIL_AFFAIRS_ADMIN', 'VILLAGE_WORKER', $2::date
       FROM person p JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id
         JOIN jurisdiction c ON c.code = left(h.code, 6) JOIN proc ON proc.jurisdiction_id = c.id
       WHERE p.id = ANY($1::int[])
       RETURNING id, person_id
     ), wanted AS (
       SELECT w.person_id, w.scheme_id FROM jsonb_to_recordset($4::jsonb) AS w (person_id int, scheme_id int)
     ), scheme_rows AS (
       INSERT INTO application_case_scheme (case_id, scheme_id)
       SELECT cases.id, wanted.scheme_id FROM cases JOIN wanted USING (person_id)
     )
     INSERT INTO enrolment (person_id, scheme_id, case_id, from_month)
     SELECT cases.person_id, wanted.scheme_id, cases.id, $2::date FROM cases JOIN wanted USING (person_id)`,
    [
      wanted.map((p) => p.personId),
      day,
      filedBy,
      JSON.stringify(wanted.flatMap((p) => p.schemeIds.map((schemeId) => ({ person_id: p.personId, scheme_id: schemeId })))),
      JSON.stringify([STEP]),
    ],
  );
  return wanted.length;
}

/** The month the demo's earlier applications count from (the 江都 schemes' first version). */
export const DEMO_ENROLLED_FROM = '2024-01';

/**
 * The demo's 江都区 people who qualify this month for a scheme that requires an application, enrolled
 * in those schemes from DEMO_ENROLLED_FROM as applications approved before the platform, so that the
 * demo keeps showing figures. Whether they qualify is the engine's answer as if they were enrolled;
 * the people whose applications the demo files (demo-cases.ts) are left to them. Seeded after the
 * review procedures (the county's is defined first) and before the targets, whose entitlement run
 * counts the recipients. Returns how many were enrolled.
 */
export async function seedDemoEnrolments(dataSource: DataSource, adminUsername: string): Promise<number> {
  const admin = await actingAs(dataSource, adminUsername);
  const month = thisMonthInChina();
  const people: { id: number }[] = await dataSource.query(
    `SELECT p.id FROM person p JOIN jurisdiction v ON v.id = p.village_id
     WHERE v.code LIKE $1 || '%' AND p.status = 'ACTIVE' AND p.id <> ALL($2::int[])
       AND NOT EXISTS (SELECT 1 FROM application_case c WHERE c.person_id = p.id)
     ORDER BY p.id`,
    [DEMO_COUNTY, (await demoApplicants(dataSource)).map((p) => p.id)],
  );
  const wanted: { personId: number; schemeIds: number[] }[] = [];
  for (const { id } of people) {
    const { person, facts } = await personService.factsFor(admin, String(id));
    const village = (await jurisdictionService.byId(admin, person.villageId))!;
    const lineage = (await jurisdictionService.lineage(admin, village)).map(policyService.ref);
    const { schemes, floors } = await policyService.rulesFor(admin.db, lineage, month);
    const applied = schemes.filter((s) => s.requiresApplication);
    const enrolments = applied.map((s) => ({ schemeId: s.schemeId, fromMonth: DEMO_ENROLLED_FROM, untilMonth: null }));
    const result = entitlementOf({ ...facts, enrolments }, month, lineage, schemes, floors, { explain: false });
    const qualifies = result.schemes.filter((o) => o.scheme.requiresApplication && o.tiers.some((t) => t.eligible)).map((o) => o.scheme.schemeId);
    wanted.push({ personId: id, schemeIds: qualifies });
  }
  const [admins]: { id: number }[] = await dataSource.query(`SELECT id FROM app_user WHERE username = $1`, [adminUsername]);
  return enrolBeforePlatform(dataSource, admins.id, wanted, DEMO_ENROLLED_FROM);
}
