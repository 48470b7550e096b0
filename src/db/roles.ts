import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { ConfigError } from '../config';

/** Tables the application may add to and read, never change, empty or take apart: the trail. */
export const APPEND_ONLY_TABLES: readonly string[] = ['audit_entry', 'application_history', 'enrolment_review', 'person_move', 'provider_ban', 'provider_ban_lift', 'callback_draw', 'order_callback', 'oversight_visit', 'ledger_posting', 'ledger_line'];
// TypeORM's record of the applied migrations: the owner's alone.
const OWNER_ONLY_TABLES: readonly string[] = ['migrations'];
const SCHEMA = 'public';
// One start at a time grants a database's rights (arbitrary key of this project's advisory locks).
const GRANT_LOCK = 7_261_001;

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The role a database's server connects as: `<database>_app`. Roles belong to the whole cluster, so
 * the name follows the database: two checkouts, or two test workers, on one server never share one.
 */
export function appRoleName(database: string): string {
  const name = `${database}_app`;
  if (Buffer.byteLength(name) <= 63) return name;
  return `yiyang_app_${crypto.createHash('sha256').update(database).digest('hex').slice(0, 16)}`;
}

/**
 * The role's password, derived from the token secret (HKDF with the database and role as context):
 * every process of one deployment computes the same one, so a restart or a second process does not
 * lock the others out, and there is no further secret to keep.
 */
function appRolePassword(secret: string, database: string, role: string): string {
  return Buffer.from(crypto.hkdfSync('sha256', secret, database, `yiyang database role ${role}`, 32)).toString('base64url');
}

// A SCRAM-SHA-256 verifier (RFC 7677), as PostgreSQL stores it: the password itself never reaches
// the server, nor its log.
function scramVerifier(password: string): string {
  const salt = crypto.randomBytes(16);
  const iterations = 4096;
  const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => crypto.createHmac('sha256', key).update(text).digest();
  const storedKey = crypto.createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

// What the application role may do: read and write the ordinary tables, only add to the trail's,
// use the sequences; nothing on the migrations' record, no TRUNCATE, no triggers, no new objects.
async function grantRights(tx: EntityManager, role: string, database: string): Promise<void> {
  const r = quoteIdent(role);
  await tx.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(database)} TO ${r}`);
  // PostgreSQL 15's default; older servers let every role create tables in `public`.
  await tx.query(`REVOKE CREATE ON SCHEMA ${SCHEMA} FROM PUBLIC`);
  await tx.query(`GRANT USAGE ON SCHEMA ${SCHEMA} TO ${r}`);
  await tx.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${SCHEMA} TO ${r}`);
  await tx.query(`REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA ${SCHEMA} FROM ${r}`);
  for (const table of APPEND_ONLY_TABLES) await tx.query(`REVOKE UPDATE, DELETE ON ${SCHEMA}.${quoteIdent(table)} FROM ${r}`);
  for (const table of OWNER_ONLY_TABLES) await tx.query(`REVOKE ALL ON ${SCHEMA}.${quoteIdent(table)} FROM ${r}`);
  await tx.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${SCHEMA} TO ${r}`);
}

/**
 * What the role could do that would let it rewrite the trail, or anything else it must not change:
 * empty when it is an ordinary role that owns nothing here and may only add to the trail.
 */
async function excessRights(tx: EntityManager, role: string): Promise<string[]> {
  const [attributes] = await tx.query(
    `SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication FROM pg_roles WHERE rolname = $1`,
    [role],
  );
  const found: string[] = Object.entries(attributes as Record<string, boolean>)
    .filter(([, held]) => held)
    .map(([attribute]) => `is ${attribute.replace(/^rol/, '').toUpperCase()}`);
  const owned: { what: string }[] = await tx.query(
    `SELECT 'owns or acts as the owner of ' || what AS what FROM (
       SELECT 'database ' || datname AS what FROM pg_database WHERE datname = current_database() AND pg_has_role($1, datdba, 'MEMBER')
       UNION ALL
       SELECT 'schema ' || nspname FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' AND pg_has_role($1, nspowner, 'MEMBER')
       UNION ALL
       SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND pg_has_role($1, c.relowner, 'MEMBER')
       UNION ALL
       SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' AND pg_has_role($1, p.proowner, 'MEMBER')
     ) o
     UNION ALL
     SELECT 'may create schemas' WHERE has_database_privilege($1, current_database(), 'CREATE')
     UNION ALL
     SELECT 'may create objects in schema ' || nspname FROM pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' AND has_schema_privilege($1, oid, 'CREATE')
     UNION ALL
     SELECT 'may ' || p.privilege || ' ' || t.name
       FROM unnest($2::text[]) t(name), unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER', 'REFERENCES']) p(privilege)
      WHERE has_table_privilege($1, '${SCHEMA}.' || quote_ident(t.name), p.privilege)`,
    [role, [...APPEND_ONLY_TABLES]],
  );
  return [...found, ...owned.map((row) => row.what)];
}

/**
 * Prepares the role the server's requests run as and returns its connection URL. With `configured`
 * (APP_DATABASE_URL) the role is an operator's; otherwise the owner creates `<database>_app` and sets
 * its password. Either way the owner grants it its rights on every start (after the migrations, so
 * new tables are covered), and the start fails when the role could change what it must not.
 */
export async function prepareAppRole(owner: DataSource, options: { configured: string | null; secret: string }): Promise<string> {
  return owner.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [GRANT_LOCK]);
    const [{ database, ownerRole, mayCreateRoles }] = await tx.query(
      `SELECT current_database() AS database, current_user AS "ownerRole", rolsuper OR rolcreaterole AS "mayCreateRoles"
       FROM pg_roles WHERE rolname = current_user`,
    );
    let url: URL;
    let role: string;
    if (options.configured) {
      url = new URL(options.configured);
      role = decodeURIComponent(url.username);
      const [known] = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
      if (!known) throw new ConfigError('APP_DATABASE_URL', `names role ${role}, which does not exist (see docs/database-roles.md)`);
    } else {
      role = appRoleName(database);
      if (!mayCreateRoles) {
        throw new ConfigError(
          'DATABASE_URL',
          `names role ${ownerRole}, which may not create the application role ${role} (it needs CREATEROLE): create the role and set APP_DATABASE_URL (see docs/database-roles.md)`,
        );
      }
      const password = appRolePassword(options.secret, database, role);
      const [exists] = await tx.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role]);
      const verifier = quoteLiteral(scramVerifier(password));
      // Only a superuser may name SUPERUSER, REPLICATION or BYPASSRLS in ALTER ROLE, even to deny them:
      // a role that has gained one is refused below instead.
      await tx.query(
        exists
          ? `ALTER ROLE ${quoteIdent(role)} LOGIN NOINHERIT PASSWORD ${verifier}`
          : `CREATE ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD ${verifier}`,
      );
      url = new URL((owner.options as { url: string }).url);
      url.username = role;
      url.password = password;
    }
    await grantRights(tx, role, database);
    const excess = await excessRights(tx, role);
    if (excess.length) {
      throw new ConfigError(
        options.configured ? 'APP_DATABASE_URL' : 'DATABASE_URL',
        `gives the server the role ${role}, which ${excess.join('; ')}: it must be an ordinary role that owns nothing here (see docs/database-roles.md)`,
      );
    }
    return url.toString();
  });
}
