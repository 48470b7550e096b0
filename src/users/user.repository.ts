import type { EntityManager } from 'typeorm';
import type { Role } from '../kernel/actor';
import { namedQuery } from '../db/named-query';

export interface UserRow {
  id: number;
  username: string;
  displayName: string | null;
  jurisdictionId: number;
  roles: Role[];
  /** The organisation a SERVICE_PROVIDER works for. */
  organisationId: number | null;
  /** The caregiver a CAREGIVER account stands for. */
  caregiverId: number | null;
  active: boolean;
  /** The later of password_changed_at and tokens_revoked_at, in ms: tokens carry it and die with the password or a deactivation. */
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A user with the division code of their home, where the access layer places them. */
export interface PlacedUserRow extends UserRow {
  jurisdictionCode: string;
}

export interface ActorRow extends PlacedUserRow {
  jurisdictionPath: string;
  jurisdictionLevel: string;
}

const COLUMNS = `u.id, u.username, u.display_name AS "displayName", u.jurisdiction_id AS "jurisdictionId",
  u.roles::text[] AS roles, u.organisation_id AS "organisationId", u.caregiver_id AS "caregiverId", u.active, (extract(epoch FROM greatest(u.password_changed_at, u.tokens_revoked_at)) * 1000)::float8 AS "tokenVersion",
  u.created_at AS "createdAt", u.updated_at AS "updatedAt"`;

export interface UserFilter {
  underPath: string;
  role: Role | null;
  active: boolean | null;
  usernameContains: string | null;
}

function filterSql(filter: UserFilter, params: unknown[]): string {
  params.push(filter.underPath);
  const clauses = [`j.path <@ $${params.length}::ltree`];
  if (filter.role) {
    params.push(filter.role);
    clauses.push(`$${params.length}::user_role = ANY(u.roles)`);
  }
  if (filter.active !== null) {
    params.push(filter.active);
    clauses.push(`u.active = $${params.length}`);
  }
  if (filter.usernameContains) {
    params.push(`%${filter.usernameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    clauses.push(`u.username LIKE $${params.length}`);
  }
  return clauses.join(' AND ');
}

export const userRepository = {
  /** The user with the home jurisdiction's code and path, for building an actor. */
  async actorById(db: EntityManager, id: number): Promise<ActorRow | null> {
    const [row] = await namedQuery<ActorRow>(
      db,
      'actor_by_id',
      `SELECT ${COLUMNS}, j.code AS "jurisdictionCode", j.path::text AS "jurisdictionPath", j.level AS "jurisdictionLevel"
       FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id WHERE u.id = $1`,
      [id],
    );
    return row ?? null;
  },

  async credentialsByUsername(db: EntityManager, username: string): Promise<(UserRow & { passwordHash: string }) | null> {
    const [row] = await db.query(
      `SELECT ${COLUMNS}, u.password_hash AS "passwordHash" FROM app_user u WHERE u.username = $1`,
      [username],
    );
    return row ?? null;
  },

  async passwordHashById(db: EntityManager, id: number, forUpdate = false): Promise<string | null> {
    const [row] = await db.query(`SELECT password_hash AS "passwordHash" FROM app_user WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return row?.passwordHash ?? null;
  },

  /** The user with their home's division code, for the access layer to judge; locks the row when `forUpdate`. */
  async byUsername(db: EntityManager, username: string, forUpdate = false): Promise<PlacedUserRow | null> {
    const [row] = await db.query(
      `SELECT ${COLUMNS}, j.code AS "jurisdictionCode" FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id
       WHERE u.username = $1 ${forUpdate ? 'FOR UPDATE OF u' : ''}`,
      [username],
    );
    return row ?? null;
  },

  async byIds(db: EntityManager, ids: readonly number[]): Promise<UserRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM app_user u WHERE u.id = ANY($1::int[])`, [ids]);
  },

  async search(db: EntityManager, filter: UserFilter, afterUsername: string | null, limit: number): Promise<UserRow[]> {
    const params: unknown[] = [];
    let where = filterSql(filter, params);
    if (afterUsername) {
      params.push(afterUsername);
      where += ` AND u.username > $${params.length}`;
    }
    params.push(limit);
    return db.query(
      `SELECT ${COLUMNS} FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id
       WHERE ${where} ORDER BY u.username LIMIT $${params.length}`,
      params,
    );
  },

  async count(db: EntityManager, filter: UserFilter): Promise<number> {
    const params: unknown[] = [];
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM app_user u JOIN jurisdiction j ON j.id = u.jurisdiction_id WHERE ${filterSql(filter, params)}`,
      params,
    );
    return n;
  },

  /** Inserts the user; null when the username is taken. */
  async insert(
    db: EntityManager,
    user: {
      username: string;
      displayName: string | null;
      passwordHash: string;
      jurisdictionId: number;
      roles: Role[];
      organisationId?: number | null;
      caregiverId?: number | null;
    },
  ): Promise<UserRow | null> {
    const [row] = await db.query(
      `INSERT INTO app_user AS u (username, display_name, password_hash, jurisdiction_id, roles, organisation_id, caregiver_id)
       VALUES ($1, $2, $3, $4, $5::user_role[], $6, $7)
       ON CONFLICT (username) DO NOTHING
       RETURNING ${COLUMNS}`,
      [user.username, user.displayName, user.passwordHash, user.jurisdictionId, user.roles, user.organisationId ?? null, user.caregiverId ?? null],
    );
    return row ?? null;
  },

  async update(
    db: EntityManager,
    id: number,
    changes: {
      displayName?: string | null;
      jurisdictionId?: number;
      roles?: Role[];
      organisationId?: number | null;
      active?: boolean;
      passwordHash?: string;
    },
  ): Promise<UserRow> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (changes.displayName !== undefined) set('display_name', changes.displayName);
    if (changes.jurisdictionId !== undefined) set('jurisdiction_id', changes.jurisdictionId);
    if (changes.roles !== undefined) set('roles', changes.roles, '::user_role[]');
    if (changes.organisationId !== undefined) set('organisation_id', changes.organisationId);
    if (changes.active !== undefined) set('active', changes.active);
    if (changes.passwordHash !== undefined) {
      set('password_hash', changes.passwordHash);
      sets.push('password_changed_at = clock_timestamp()');
    }
    const [[row]] = await db.query(`UPDATE app_user AS u SET ${sets.join(', ')} WHERE u.id = $1 RETURNING ${COLUMNS}`, params);
    return row;
  },
};
