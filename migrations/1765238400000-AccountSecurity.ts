import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account security:
 * - `app_user.tokens_revoked_at`: set whenever an account is deactivated (by the API or by hand in
 *   psql, hence a trigger); tokens carry the later of it and `password_changed_at`, so a token issued
 *   before a deactivation stays dead after the account is reactivated.
 * - `login_throttle`: failed sign-ins counted per (username, client address) and per username, with
 *   the lock each has earned (users/login-throttle.ts).
 */
export class AccountSecurity1765238400000 implements MigrationInterface {
  name = 'AccountSecurity1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE app_user ADD COLUMN tokens_revoked_at timestamptz`);
    await q.query(`
      CREATE FUNCTION revoke_tokens_on_deactivation() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.tokens_revoked_at := clock_timestamp();
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER app_user_revoke_tokens BEFORE UPDATE OF active ON app_user
      FOR EACH ROW WHEN (OLD.active AND NOT NEW.active) EXECUTE FUNCTION revoke_tokens_on_deactivation()`);

    // One row per (username, address) pair, and one per username with address '' (the account).
    await q.query(`
      CREATE TABLE login_throttle (
        username      varchar(64) NOT NULL,
        address       text NOT NULL,
        failures      integer NOT NULL DEFAULT 0,
        window_start  timestamptz NOT NULL DEFAULT clock_timestamp(),
        locks         integer NOT NULL DEFAULT 0,
        locked_until  timestamptz,
        last_success  timestamptz,
        PRIMARY KEY (username, address)
      )`);
    await q.query(`CREATE INDEX login_throttle_stale ON login_throttle (window_start)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE login_throttle`);
    await q.query(`DROP TRIGGER app_user_revoke_tokens ON app_user`);
    await q.query(`DROP FUNCTION revoke_tokens_on_deactivation()`);
    await q.query(`ALTER TABLE app_user DROP COLUMN tokens_revoked_at`);
  }
}
