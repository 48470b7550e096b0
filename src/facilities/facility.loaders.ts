import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import type { FacilityEvent, Organisation } from './facility.entity';
import { facilityRepository, type FacilityRow } from './facility.repository';

export function facilityByIdLoader(ctx: Context): DataLoader<number, FacilityRow | null> {
  return new DataLoader(async (ids) => {
    const rows = await facilityRepository.byIds(ctx.db, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

export function facilityHistoryLoader(ctx: Context): DataLoader<number, FacilityEvent[]> {
  return new DataLoader(async (ids) => {
    const rows = await facilityRepository.historiesOf(ctx.db, ids);
    const byFacility = new Map<number, FacilityEvent[]>(ids.map((id) => [id, []]));
    for (const row of rows) byFacility.get(row.facilityId)?.push(row);
    return ids.map((id) => byFacility.get(id) ?? []);
  });
}

export function organisationByIdLoader(ctx: Context): DataLoader<number, Organisation | null> {
  return new DataLoader(async (ids) => {
    const rows = await facilityRepository.organisationsByIds(ctx.db, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
