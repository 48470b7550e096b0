import type { EntityManager } from 'typeorm';

export interface AuditRow {
  id: string;
  at: Date;
  actorUsername: string | null;
  actorRole: string | null;
  jurisdictionId: number | null;
  action: string;
  targetType: string | null;
  targetIds: string[];
  outcome: 'SUCCESS' | 'FAILURE';
  errorCode: string | null;
  errorMessage: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
  clientAddress: string | null;
}

export interface AuditFilter {
  underPath: string;
  action: string | null;
  actorUsername: string | null;
  outcome: 'SUCCESS' | 'FAILURE' | null;
  from: Date | null;
  to: Date | null;
}

function filterSql(filter: AuditFilter, params: unknown[]): string {
  params.push(filter.underPath);
  const clauses = [`j.path <@ $${params.length}::ltree`];
  const add = (sql: string, value: unknown) => {
    if (value === null) return;
    params.push(value);
    clauses.push(sql.replace('?', `$${params.length}`));
  };
  add('a.action = ?', filter.action);
  add('a.actor_username = ?', filter.actorUsername);
  add('a.outcome = ?', filter.outcome);
  add('a.at >= ?', filter.from);
  add('a.at < ?', filter.to);
  return clauses.join(' AND ');
}

export const auditRepository = {
  /** Entries recorded at a jurisdiction in the subtree, newest first. */
  async search(db: EntityManager, filter: AuditFilter, beforeId: string | null, limit: number): Promise<AuditRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (beforeId) {
      params.push(beforeId);
      where += ` AND a.id < $${params.length}::bigint`;
    }
    params.push(limit);
    return db.query(
      `SELECT a.id::text AS id, a.at, a.actor_username AS "actorUsername", a.actor_role AS "actorRole",
         a.jurisdiction_id AS "jurisdictionId", a.action, a.target_type AS "targetType", a.target_ids AS "targetIds",
         a.outcome, a.error_code AS "errorCode", a.error_message AS "errorMessage", a.detail, a.request_id AS "requestId",
         a.client_address AS "clientAddress"
       FROM audit_entry a JOIN jurisdiction j ON j.id = a.jurisdiction_id
       WHERE ${where} ORDER BY a.id DESC LIMIT $${params.length}`,
      params,
    );
  },

  async count(db: EntityManager, filter: AuditFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM audit_entry a JOIN jurisdiction j ON j.id = a.jurisdiction_id WHERE ${filterSql(filter, params)}`,
      params,
    );
    return n;
  },
};
