import { CODE_LENGTH, JurisdictionLevel, LEVELS } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';

/** A node whose figures are read per child: the length of its children's codes (null for a village, read as itself). */
export interface FigureNode {
  id: number;
  code: string;
  childLength: number | null;
}

export function figureNode(node: Jurisdiction): FigureNode {
  const village = node.level === JurisdictionLevel.VILLAGE;
  return { id: node.id, code: node.code, childLength: village ? null : CODE_LENGTH[LEVELS[LEVELS.indexOf(node.level) + 1]] };
}

/** The parameters every per-child figure statement starts with: $1 the node's id, $2 its code, $3 the length of its children's codes. */
export const figureParams = (node: FigureNode): unknown[] => [node.id, node.code, node.childLength ?? node.code.length];

/** The rows a per-child statement answers: the node's children (the node itself for a village), `j`, in code order, with `f` (keyed by code) joined. */
export const FIGURE_ROWS = `FROM jurisdiction j LEFT JOIN f ON f.code = j.code WHERE CASE WHEN $3 = length($2) THEN j.id = $1 ELSE j.parent_id = $1 END ORDER BY j.code`;

export const nodeRef = (node: { code: string; name: string; level: JurisdictionLevel }) => ({ code: node.code, name: node.name, level: node.level });
