import type { EntityManager } from 'typeorm';

export interface HomePlaceRow {
  personId: number;
  lat: number;
  lng: number;
  recordedAt: Date;
  /** When the current service card was issued, or null when the person has none. */
  cardIssuedAt: Date | null;
}

export const serviceCardRepository = {
  /** Records (or moves) the person's registered place. */
  async setHomePlace(tx: EntityManager, personId: number, lat: number, lng: number, userId: number): Promise<void> {
    await tx.query(
      `INSERT INTO person_home_place (person_id, lat, lng, recorded_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_id) DO UPDATE SET lat = EXCLUDED.lat, lng = EXCLUDED.lng, recorded_by = EXCLUDED.recorded_by, recorded_at = now()`,
      [personId, lat, lng, userId],
    );
  },

  /** Replaces the person's current card (if any) by a new one with the token's hash; the new card's id and issue time. */
  async issue(tx: EntityManager, personId: number, tokenHash: Buffer, userId: number): Promise<{ id: number; issuedAt: Date; replaced: number | null }> {
    const [old] = await tx.query(`UPDATE service_card SET replaced_at = now() WHERE person_id = $1 AND replaced_at IS NULL RETURNING id`, [personId]);
    const [row] = await tx.query(
      `INSERT INTO service_card (person_id, token_hash, issued_by) VALUES ($1, $2, $3) RETURNING id, issued_at AS "issuedAt"`,
      [personId, tokenHash, userId],
    );
    return { ...row, replaced: old?.id ?? null };
  },

  async homePlaces(db: EntityManager, personIds: readonly number[]): Promise<HomePlaceRow[]> {
    return db.query(
      `SELECT p.id AS "personId", h.lat, h.lng, h.recorded_at AS "recordedAt",
         (SELECT s.issued_at FROM service_card s WHERE s.person_id = p.id AND s.replaced_at IS NULL) AS "cardIssuedAt"
       FROM person p JOIN person_home_place h ON h.person_id = p.id WHERE p.id = ANY($1::int[])`,
      [personIds],
    );
  },

  /** Serialises the card writes of one person. */
  async lockPerson(tx: EntityManager, personId: number): Promise<void> {
    await tx.query(`SELECT 1 FROM person WHERE id = $1 FOR UPDATE`, [personId]);
  },
};
