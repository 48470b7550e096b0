import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import type { Sex } from '../elderly/national-id';

/**
 * A case on a public notice (公示) as stored: the applicant's facts a notice shows or derives from
 * (the birth date only to work out the age; it is never given out), the notice step and its days.
 */
export interface NoticeRow {
  caseId: number;
  personName: string;
  sex: Sex;
  birthDate: string;
  nationalId: string;
  villageCode: string;
  actingNodeId: number;
  actingCode: string;
  stepName: string;
  minWorkingDays: number | null;
  began: string;
  due: string | null;
  schemes: string[];
}

export const publicNoticeRepository = {
  /**
   * The cases filed at villages under `under` whose current step is a public notice that has begun by
   * `on`, by village and then by the day posted and id; the schemes applied for by name, in id order.
   * At most `limit` rows.
   */
  async posted(db: EntityManager, under: string, on: string, limit: number): Promise<NoticeRow[]> {
    return namedQuery<NoticeRow & Record<string, unknown>>(
      db,
      'public_notices_posted',
      `SELECT c.id AS "caseId", p.name AS "personName", p.sex, to_char(p.birth_date, 'YYYY-MM-DD') AS "birthDate",
         p.national_id AS "nationalId", c.village_code AS "villageCode", c.acting_node_id AS "actingNodeId", c.acting_code AS "actingCode",
         s.step ->> 'name' AS "stepName", (s.step ->> 'minWorkingDays')::int AS "minWorkingDays",
         to_char(c.step_began, 'YYYY-MM-DD') AS began, to_char(c.step_due, 'YYYY-MM-DD') AS due,
         ARRAY(SELECT ss.name FROM application_case_scheme cs JOIN subsidy_scheme ss ON ss.id = cs.scheme_id
               WHERE cs.case_id = c.id ORDER BY ss.id) AS schemes
       FROM application_case c
       JOIN person p ON p.id = c.person_id
       JOIN review_procedure r ON r.id = c.procedure_id
       CROSS JOIN LATERAL (SELECT r.steps -> (c.step_position - 1) AS step) s
       WHERE c.village_code LIKE $1 || '%' AND c.state = 'IN_REVIEW' AND c.step_began <= $2::date
         AND s.step ->> 'kind' = 'PUBLIC_NOTICE'
       ORDER BY c.village_code, c.step_began, c.id LIMIT $3`,
      [under, on, limit],
    );
  },
};
