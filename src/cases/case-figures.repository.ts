import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';

/** The open cases filed at the villages under one code, by what they await. */
export interface CaseCounts {
  code: string;
  open: number;
  waiting: number;
  inReview: number;
  returned: number;
  overdue: number;
}

// The villages under X are the codes from X to X followed by ':' (the character after '9'): a range the
// index over the open cases (village_code, state, step_began, step_due) answers without visiting the table.
const COUNTS = `count(*)::int AS open,
  count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began > $T::date)::int AS waiting,
  count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began <= $T::date)::int AS "inReview",
  count(*) FILTER (WHERE c.state = 'RETURNED')::int AS returned,
  count(*) FILTER (WHERE c.state = 'IN_REVIEW' AND c.step_began <= $T::date AND c.step_due < $T::date)::int AS overdue`;
const OPEN_UNDER = (code: string) =>
  `c.state IN ('IN_REVIEW', 'RETURNED') AND c.village_code >= (${code}) COLLATE "C" AND c.village_code < (${code} || ':') COLLATE "C"`;

export const caseFiguresRepository = {
  /** The counts of each node (by code) on `today`, in one statement; a node without open cases has a row of zeros. */
  async ofNodes(db: EntityManager, codes: readonly string[], today: string): Promise<CaseCounts[]> {
    return namedQuery<CaseCounts & Record<string, unknown>>(
      db,
      'case_figures_of_nodes',
      `SELECT n.code, f.* FROM unnest($1::text[]) AS n (code)
       CROSS JOIN LATERAL (SELECT ${COUNTS.replaceAll('$T', '$2')} FROM application_case c WHERE ${OPEN_UNDER('n.code')}) f`,
      [codes, today],
    );
  },

  /** The counts of the nodes under `code` whose codes are `childLength` long, one row per child with open cases. */
  async ofChildren(db: EntityManager, code: string, childLength: number, today: string): Promise<CaseCounts[]> {
    return namedQuery<CaseCounts & Record<string, unknown>>(
      db,
      'case_figures_of_children',
      `SELECT left(c.village_code, $2) AS code, ${COUNTS.replaceAll('$T', '$3')}
       FROM application_case c WHERE ${OPEN_UNDER('$1::text')} GROUP BY 1`,
      [code, childLength, today],
    );
  },
};
