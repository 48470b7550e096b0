import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every audit entry names the client's address (the socket's peer, or what a trusted proxy
 * forwarded), so that an attempt by no signed-in user can still be traced; a failed attempt keeps
 * the message its caller was given. Both are text: the address may read `unknown` when the socket
 * had none. Entries written before this have neither.
 */
export class AuditClientAddress1765240000000 implements MigrationInterface {
  name = 'AuditClientAddress1765240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entry ADD COLUMN client_address text, ADD COLUMN error_message text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_entry DROP COLUMN client_address, DROP COLUMN error_message`);
  }
}
