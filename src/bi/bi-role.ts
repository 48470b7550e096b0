import type { EntityManager } from 'typeorm';

/** The schema whose views are the BI door (migration BiViews). */
export const BI_SCHEMA = 'bi';
export const DEFAULT_BI_ROLE = 'yiyang_bi';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * Creates (or updates) a login role that may read the views of schema `bi` and nothing else: it may
 * connect and use that schema, select from its views, and every session it opens is read-only with
 * a statement timeout. Tables of `public` stay closed to it (PostgreSQL grants nothing on them to
 * PUBLIC), and so do views added later until this runs again. The caller needs CREATEROLE.
 */
export async function grantBiRole(db: EntityManager, role: string, password: string): Promise<{ role: string; created: boolean; views: string[] }> {
  if (!ROLE_NAME.test(role)) throw new Error(`--role: ${role} is not a plain lower-case role name`);
  if (password.length < 16) throw new Error('the password must have at least 16 characters');
  return db.transaction(async (tx) => {
    const [{ exists }] = await tx.query(`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists`, [role]);
    // Role and password cannot be bound as parameters in these statements: the name is checked above, the password quoted.
    await tx.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD ${quoteLiteral(password)}`);
    await tx.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
    await tx.query(`ALTER ROLE ${role} SET statement_timeout = '60s'`);
    const [{ database }] = await tx.query(`SELECT current_database() AS database`);
    await tx.query(`GRANT CONNECT ON DATABASE "${database.replace(/"/g, '""')}" TO ${role}`);
    await tx.query(`REVOKE ALL ON SCHEMA public FROM ${role}`);
    await tx.query(`GRANT USAGE ON SCHEMA ${BI_SCHEMA} TO ${role}`);
    await tx.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${BI_SCHEMA} TO ${role}`);
    const views: { name: string }[] = await tx.query(`SELECT table_name AS name FROM information_schema.views WHERE table_schema = $1 ORDER BY 1`, [BI_SCHEMA]);
    return { role, created: !exists, views: views.map((view) => `${BI_SCHEMA}.${view.name}`) };
  });
}
