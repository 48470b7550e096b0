import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { JurisdictionLevel, TownKind, VillageKind } from './division-codes';

/** A node of the administrative tree; every fact table hangs off one of these. */
@Entity('jurisdiction')
export class Jurisdiction {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'varchar', length: 12 })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: JurisdictionLevel, enumName: 'jurisdiction_level' })
  level: JurisdictionLevel;

  @Column({ name: 'parent_id', type: 'integer', nullable: true })
  parentId: number | null;

  @Column({ type: 'ltree' })
  path: string;

  @Column({ name: 'town_kind', type: 'enum', enum: TownKind, enumName: 'town_kind', nullable: true })
  townKind: TownKind | null;

  @Column({ name: 'village_kind', type: 'enum', enum: VillageKind, enumName: 'village_kind', nullable: true })
  villageKind: VillageKind | null;

  @Column({ name: 'city_count', type: 'integer' })
  cityCount: number;

  @Column({ name: 'county_count', type: 'integer' })
  countyCount: number;

  @Column({ name: 'town_count', type: 'integer' })
  townCount: number;

  @Column({ name: 'village_count', type: 'integer' })
  villageCount: number;
}
