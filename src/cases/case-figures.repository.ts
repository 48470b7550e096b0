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

// case_figure holds, per node, its open cases by state, the day their step began and its due date
// ('infinity' for none), kept by triggers on application_case: each figure is a sum over those rows.
const COUNTS = `sum(f.cases)::int AS open,
  coalesce(sum(f.cases) FILTER (WHERE f.state = 'IN_REVIEW' AND f.step_began > $T::date), 0)::int AS waiting,
  coalesce(sum(f.cases) FILTER (WHERE f.state = 'IN_REVIEW' AND f.step_began <= $T::date), 0)::int AS "inReview",
  coalesce(sum(f.cases) FILTER (WHERE f.state = 'RETURNED'), 0)::int AS returned,
  coalesce(sum(f.cases) FILTER (WHERE f.state = 'IN_REVIEW' AND f.step_began <= $T::date AND f.step_due < $T::date), 0)::int AS overdue`;

export const caseFiguresRepository = {
  /** The counts of each node (by code) on `today`, in one statement; a node without open cases has no row. */
  async ofNodes(db: EntityManager, codes: readonly string[], today: string): Promise<CaseCounts[]> {
    return namedQuery<CaseCounts & Record<string, unknown>>(
      db,
      'case_figures_of_nodes',
      `SELECT f.node_code AS code, ${COUNTS.replaceAll('$T', '$2')} FROM case_figure f WHERE f.node_code = ANY($1::text[]) GROUP BY 1`,
      [codes, today],
    );
  },

  /** The counts of the nodes under `code` whose codes are `childLength` long (its children), one row per child with open cases. */
  async ofChildren(db: EntityManager, code: string, childLength: number, today: string): Promise<CaseCounts[]> {
    // The children's codes run from X to X followed by ':' (the character after '9').
    return namedQuery<CaseCounts & Record<string, unknown>>(
      db,
      'case_figures_of_children',
      `SELECT f.node_code AS code, ${COUNTS.replaceAll('$T', '$3')} FROM case_figure f
       WHERE f.level_length = $2 AND f.node_code >= ($1::text) COLLATE "C" AND f.node_code < ($1::text || ':') COLLATE "C" GROUP BY 1`,
      [code, childLength, today],
    );
  },
};
