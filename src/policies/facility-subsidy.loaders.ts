import DataLoader from 'dataloader';
import type { Context } from '../kernel/context';
import { groupByKey } from '../kernel/grouping';
import { facilitySubsidyRepository, type DesignationRow } from './facility-subsidy.repository';

/** The designations of a village, oldest month first. */
export function villageDesignationsLoader(ctx: Context): DataLoader<number, DesignationRow[]> {
  return new DataLoader(async (villageIds) => groupByKey(villageIds, await facilitySubsidyRepository.designationsOf(ctx.db, villageIds), (row) => row.villageId));
}
