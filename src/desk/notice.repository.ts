import type { EntityManager } from 'typeorm';

/** What a notice keeps of the board it was generated from, as it stood. */
export interface NoticeContent {
  target: { id: string; title: string; metric: string; metricKind: string; comparator: string; threshold: number; deadline: string; jurisdiction: { code: string; name: string; level: string } };
  observedAt: string;
  progress: { value: number | null; numerator: number; denominator: number; denominatorSource?: string | null; expected: number; status: string | null };
  laggards: number;
  rows: {
    code: string;
    name: string;
    level: string;
    threshold: number | null;
    value: number | null;
    numerator: number;
    denominator: number;
    /** Kept since notices say what a share of the elderly divided by; absent in older ones. */
    denominatorSource?: string | null;
    expected: number | null;
    status: string | null;
    rank: number | null;
  }[];
}

export interface NoticeRow {
  id: number;
  issuerId: number;
  /** The issuer's division code: where the notice is placed. */
  jurisdictionCode: string;
  targetId: number | null;
  title: string;
  body: string | null;
  asOf: string;
  content: NoticeContent;
  author: string;
  createdAt: Date;
}

const COLUMNS = `n.id, n.jurisdiction_id AS "issuerId", i.code AS "jurisdictionCode", n.target_id AS "targetId", n.title, n.body, n.as_of AS "asOf",
  n.content, u.username AS author, n.created_at AS "createdAt"`;
const FROM = `notice n JOIN jurisdiction i ON i.id = n.jurisdiction_id JOIN app_user u ON u.id = n.created_by`;
// A notice concerns its issuer and every unit on its board: it is listed for a caller whose home is one of
// them or lies below one, and for a caller above its issuer.
const CONCERNS = `EXISTS (SELECT 1 FROM jurisdiction c WHERE c.id = ANY (n.concerned_ids) AND (c.path @> $1::ltree OR c.path <@ $1::ltree))`;

export const noticeRepository = {
  async byId(db: EntityManager, id: number): Promise<(NoticeRow & { concernedCodes: string[] }) | null> {
    const [row] = await db.query(
      `SELECT ${COLUMNS}, ARRAY(SELECT c.code FROM jurisdiction c WHERE c.id = ANY (n.concerned_ids)) AS "concernedCodes" FROM ${FROM} WHERE n.id = $1`,
      [id],
    );
    return row ?? null;
  },

  /** A page of the notices concerning the node at `path`, newest first. */
  async list(db: EntityManager, path: string, beforeId: number | null, limit: number): Promise<NoticeRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE ${CONCERNS} AND ($2::int IS NULL OR n.id < $2) ORDER BY n.id DESC LIMIT $3`, [path, beforeId, limit]);
  },

  async count(db: EntityManager, path: string): Promise<number> {
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM notice n WHERE ${CONCERNS}`, [path]);
    return n;
  },

  async insert(
    tx: EntityManager,
    notice: { issuerId: number; targetId: number; title: string; body: string | null; asOf: string; concernedIds: number[]; content: NoticeContent },
    userId: number,
  ): Promise<number> {
    const [{ id }] = await tx.query(
      `INSERT INTO notice (jurisdiction_id, target_id, title, body, as_of, concerned_ids, content, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [notice.issuerId, notice.targetId, notice.title, notice.body, notice.asOf, notice.concernedIds, JSON.stringify(notice.content), userId],
    );
    return id;
  },
};
