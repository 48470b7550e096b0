import type { EntityManager } from 'typeorm';

/** A village's designated center from a month on (每个村（居）委会补助一个养老中心). */
export interface DesignationRow {
  villageId: number;
  /** YYYY-MM */
  fromMonth: string;
  facilityId: number;
  designatedAt: Date;
}

const COLUMNS = `village_id AS "villageId", to_char(from_month, 'YYYY-MM') AS "fromMonth", facility_id AS "facilityId", designated_at AS "designatedAt"`;

export const facilitySubsidyRepository = {
  /** The designations of many villages, oldest month first. */
  async designationsOf(db: EntityManager, villageIds: readonly number[]): Promise<DesignationRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM village_facility_designation WHERE village_id = ANY($1::int[]) ORDER BY village_id, from_month`, [villageIds]);
  },

  /** Designates the facility from `fromMonth` on, replacing a designation from that same month; the previous facility (or null). */
  async designate(tx: EntityManager, villageId: number, fromMonth: string, facilityId: number, userId: number | null): Promise<{ previous: number | null; row: DesignationRow }> {
    const [row] = await tx.query(
      `WITH previous AS (SELECT facility_id FROM village_facility_designation WHERE village_id = $1 AND from_month = $2::date)
       INSERT INTO village_facility_designation (village_id, from_month, facility_id, designated_by) VALUES ($1, $2::date, $3, $4)
       ON CONFLICT (village_id, from_month) DO UPDATE SET facility_id = EXCLUDED.facility_id, designated_by = EXCLUDED.designated_by, designated_at = now()
       RETURNING ${COLUMNS}, (SELECT facility_id FROM previous) AS previous`,
      [villageId, `${fromMonth}-01`, facilityId, userId],
    );
    const { previous, ...designation } = row;
    return { previous, row: designation };
  },
};
