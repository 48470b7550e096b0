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
