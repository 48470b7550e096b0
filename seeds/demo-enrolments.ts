import type { DataSource, EntityManager } from 'typeorm';

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
 * closed review procedure of the person's village, with the schemes and an open enrolment in each
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
       SELECT DISTINCT p.hukou_jurisdiction_id AS id FROM person p WHERE p.id = ANY($1::int[])
     ), proc AS (
       INSERT INTO review_procedure (jurisdiction_id, name, source, uses_intake_windows, effective_from, effective_to, steps)
       SELECT v.id, '平台上線前審批', 'approved before the platform', false, $2::date, $2::date, $5::jsonb FROM v
       RETURNING id, jurisdiction_id
     ), cases AS (
       INSERT INTO application_case (person_id, village_id, village_code, procedure_id, state, filed_on, filed_by, filed_as_role, filer, decided_on)
       SELECT p.id, p.hukou_jurisdiction_id, h.code, proc.id, 'APPROVED', $2::date, $3, 'CIVIL_AFFAIRS_ADMIN', 'VILLAGE_WORKER', $2::date
       FROM person p JOIN jurisdiction h ON h.id = p.hukou_jurisdiction_id JOIN proc ON proc.jurisdiction_id = p.hukou_jurisdiction_id
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
