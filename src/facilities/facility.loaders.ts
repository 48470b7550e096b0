import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { groupByKey } from '../kernel/grouping';
import type { FacilityEvent, Organisation } from './facility.entity';
import { facilityRepository, type DinerMonth, type FacilityRow } from './facility.repository';

export function facilityByIdLoader(ctx: Context): DataLoader<number, FacilityRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await facilityRepository.byIds(ctx.db, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function facilityHistoryLoader(ctx: Context): DataLoader<number, FacilityEvent[]> {
  return new DataLoader(async (ids) => groupByKey(ids, await facilityRepository.historiesOf(ctx.db, ids), (row) => row.facilityId));
}

export function organisationByIdLoader(ctx: Context): DataLoader<number, Organisation | null> {
  return new DataLoader(async (ids) => {
    const rows = await facilityRepository.organisationsByIds(ctx.db, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** A facility's recorded diner counts, oldest month first. */
export function facilityDinersLoader(ctx: Context): DataLoader<number, DinerMonth[]> {
  return new DataLoader(async (ids) => groupByKey(ids, await facilityRepository.dinersOf(ctx.db, ids), (row) => row.facilityId));
}

/** The facilities located in a jurisdiction, oldest first. */
export function facilitiesInUnitLoader(ctx: Context): DataLoader<number, FacilityRow[]> {
  return new DataLoader(async (ids) => groupByKey(ids, await facilityRepository.inUnits(ctx.db, ids), (row) => row.jurisdictionId));
}
