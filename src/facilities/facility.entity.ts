import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { FacilityEventKind, FacilityService, FacilityStatus, FacilityType, OperatingModel } from './facility-kinds';

/** A registered organisation that operates facilities (运营机构), keyed by its unified social credit code. */
@Entity('organisation')
export class Organisation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ name: 'credit_code', type: 'char', length: 18 })
  creditCode: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** An elderly-care facility (养老服务设施) in a village, town or county; `status` is its latest event's. */
@Entity('facility')
export class Facility {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enum: FacilityType, enumName: 'facility_type' })
  type: FacilityType;

  @Column({ name: 'jurisdiction_id', type: 'integer' })
  jurisdictionId: number;

  @Column({ name: 'organisation_id', type: 'integer', nullable: true })
  organisationId: number | null;

  @Column({ name: 'operating_model', type: 'enum', enum: OperatingModel, enumName: 'operating_model', nullable: true })
  operatingModel: OperatingModel | null;

  @Column({ type: 'enum', enum: FacilityService, enumName: 'facility_service', array: true })
  services: FacilityService[];

  @Column({ name: 'floor_area_m2', type: 'numeric', precision: 10, scale: 2, nullable: true })
  floorAreaM2: number | null;

  @Column({ name: 'beds_total', type: 'integer' })
  bedsTotal: number;

  @Column({ name: 'beds_nursing', type: 'integer' })
  bedsNursing: number;

  @Column({ name: 'beds_dementia', type: 'integer' })
  bedsDementia: number;

  @Column({ type: 'integer', nullable: true })
  staff: number | null;

  @Column({ name: 'daily_diners', type: 'integer', nullable: true })
  dailyDiners: number | null;

  @Column({ type: 'enum', enum: FacilityStatus, enumName: 'facility_status' })
  status: FacilityStatus;

  @Column({ name: 'status_since', type: 'date' })
  statusSince: string;

  @Column({ name: 'last_event_on', type: 'date' })
  lastEventOn: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One dated entry of a facility's history, with the coverage-relevant state after it; never changed. */
@Entity('facility_event')
export class FacilityEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'facility_id', type: 'integer' })
  facilityId: number;

  @Column({ type: 'enum', enum: FacilityEventKind, enumName: 'facility_event_kind' })
  kind: FacilityEventKind;

  @Column({ name: 'occurred_on', type: 'date' })
  occurredOn: string;

  @Column({ name: 'from_status', type: 'enum', enum: FacilityStatus, enumName: 'facility_status', nullable: true })
  fromStatus: FacilityStatus | null;

  @Column({ type: 'enum', enum: FacilityStatus, enumName: 'facility_status' })
  status: FacilityStatus;

  @Column({ type: 'enum', enum: FacilityService, enumName: 'facility_service', array: true })
  services: FacilityService[];

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;

  @Column({ name: 'recorded_by', type: 'integer', nullable: true })
  recordedBy: number | null;
}
