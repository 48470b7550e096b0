import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A recipient's cards by the time they were issued: a visit is checked against the card current at its
 * sign-in (replaced cards included), which without this index scans every card.
 */
export class ServiceCardHistory1765460000000 implements MigrationInterface {
  name = 'ServiceCardHistory1765460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX service_card_person ON service_card (person_id, issued_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX service_card_person`);
  }
}
