import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';

/** A stored setting, or null. */
export async function readSetting<T>(dataSource: DataSource, key: string): Promise<T | null> {
  const [row] = await dataSource.query(`SELECT value FROM app_setting WHERE key = $1`, [key]);
  return (row?.value as T | undefined) ?? null;
}

export async function writeSetting(dataSource: DataSource, key: string, value: unknown): Promise<void> {
  await dataSource.query(
    `INSERT INTO app_setting (key, value) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** JWT_SECRET, or outside production a random secret kept in the database so tokens survive restarts. */
export async function signingSecret(dataSource: DataSource, configured: string | null): Promise<string> {
  if (configured) return configured;
  await dataSource.query(
    `INSERT INTO app_setting (key, value) VALUES ('development_jwt_secret', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
    [crypto.randomBytes(48).toString('base64url')],
  );
  return (await readSetting<string>(dataSource, 'development_jwt_secret'))!;
}
