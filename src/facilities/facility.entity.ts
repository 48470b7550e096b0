import { FacilityEventKind, FacilityService, FacilityStatus, FacilityType, OperatingModel } from './facility-kinds';

/** A registered organisation that operates facilities (运营机构), keyed by its unified social credit code. */
export interface Organisation {
  id: number;
  creditCode: string;
  name: string;
  createdAt: Date;
}

/** An elderly-care facility (养老服务设施) in a village, town or county; `status` is its latest event's. */
export interface Facility {
  id: number;
  name: string;
  type: FacilityType;
  jurisdictionId: number;
  organisationId: number | null;
  operatingModel: OperatingModel | null;
  services: FacilityService[];
  floorAreaM2: number | null;
  bedsTotal: number;
  bedsNursing: number;
  bedsDementia: number;
  staff: number | null;
  dailyDiners: number | null;
  status: FacilityStatus;
  statusSince: string;
  lastEventOn: string;
  createdAt: Date;
  updatedAt: Date;
}

/** One dated entry of a facility's history, with the coverage-relevant state after it; never changed. */
export interface FacilityEvent {
  id: string;
  facilityId: number;
  kind: FacilityEventKind;
  occurredOn: string;
  fromStatus: FacilityStatus | null;
  status: FacilityStatus;
  services: FacilityService[];
  note: string | null;
  recordedAt: Date;
  recordedBy: number | null;
}
