import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { caregiverRepository, type BanRow, type CaregiverRow } from './caregiver.repository';

/** The bans of each caregiver, oldest first: one statement for every caregiver of a page. */
export function caregiverBansLoader(ctx: Context): DataLoader<number, BanRow[]> {
  return new DataLoader(async (ids) => {
    const bans = await caregiverRepository.bansOf(ctx.db, ids);
    return ids.map((id) => bans.filter((ban) => ban.caregiverId === id));
  });
}

/** Caregivers by id (missing ones undefined): one statement for every account of a page that stands for one. */
export function caregiverByIdLoader(ctx: Context): DataLoader<number, CaregiverRow | undefined> {
  return new DataLoader(async (ids) => {
    const rows = await caregiverRepository.byIds(ctx.db, ids);
    return ids.map((id) => rows.find((row) => row.id === id));
  });
}
