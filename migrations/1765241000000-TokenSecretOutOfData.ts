import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outside production the token secret used to be generated into `app_setting`: a table the
 * application reads, and every dump and replica carries. It now lives in the data directory (see
 * users/token.ts); the stored copy goes, and with it every token it signed.
 */
export class TokenSecretOutOfData1765241000000 implements MigrationInterface {
  name = 'TokenSecretOutOfData1765241000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM app_setting WHERE key = 'development_jwt_secret'`);
  }

  async down(): Promise<void> {
    // Nothing to put back: the removed secret is gone, and the code before this migration makes a new one.
  }
}
