import { JurisdictionLevel, TownKind, VillageKind } from '../kernel/division-codes';

/** A node of the administrative tree; every fact table hangs off one of these. */
export interface Jurisdiction {
  id: number;
  code: string;
  name: string;
  level: JurisdictionLevel;
  parentId: number | null;
  path: string;
  townKind: TownKind | null;
  villageKind: VillageKind | null;
  cityCount: number;
  countyCount: number;
  townCount: number;
  villageCount: number;
}
