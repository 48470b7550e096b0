import { grantFor } from '../access/scope';
import { calendarsAt } from '../calendar/calendar.cache';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError } from '../kernel/errors';
import { JurisdictionLevel } from '../kernel/division-codes';
import { ageOn, maskNationalId } from '../elderly/national-id';
import type { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { parseDayField } from '../procedures/procedure.rules';
import { publicNoticeRepository } from './public-notice.repository';
import type { PublicNoticeEntry, VillagePublicNotice } from './public-notice.types';

/**
 * The public notice (公示): «社區工作站須將申請人的有關情況張榜公佈,接受監督» (seed 004 篇二, 篇五),
 * «村(社區)對申辦服務對象進行公示,公示時間不少於5個工作日» (篇四). A village's list on a day holds the
 * cases whose current step is a public notice begun by then: who (name, sex, age on the day, the ID
 * masked as in the registry; never the birth date), what was applied for, the period, and the office
 * that receives objections. Reading it is a read of masked data: nothing is unmasked, nothing audited.
 */

/** A day asked for: a real day within the supported years, or BAD_USER_INPUT naming `field`; default today. */
export function noticeDay(raw: string | null | undefined, field: string): string {
  return raw === null || raw === undefined ? todayInChina() : parseDayField(raw, field);
}

/** The most people the lists under one node hold: more (a province's) is refused; ask for a county, a town or a village. */
export const MAX_NOTICE_ENTRIES = 5000;

const ref = (node: JurisdictionRef): JurisdictionRef => ({ code: node.code, name: node.name, level: node.level });

/** The lists of the villages at or below `under` with someone on notice on `on`, in code order: a fixed number of statements for any number of rows. */
async function listsUnder(ctx: Context, under: string, on: string): Promise<VillagePublicNotice[]> {
  const rows = await publicNoticeRepository.posted(ctx.db, under, on, MAX_NOTICE_ENTRIES + 1);
  if (rows.length > MAX_NOTICE_ENTRIES) throw new BadUserInputError('under', `more than ${MAX_NOTICE_ENTRIES} people are on notice below it: ask for a node lower down`);
  if (rows.length === 0) return [];
  const [calendars, nodes] = await Promise.all([
    calendarsAt(ctx.db, rows.map((r) => r.actingNodeId), 'on'),
    jurisdictionService.byCodesAnywhere(ctx, [...new Set(rows.flatMap((r) => [r.villageCode, r.actingCode]))]),
  ]);
  const lists = new Map<string, VillagePublicNotice>();
  for (const row of rows) {
    let list = lists.get(row.villageCode);
    if (!list) lists.set(row.villageCode, (list = { village: ref(nodes.get(row.villageCode)!), on, offices: [], entries: [] }));
    const office = ref(nodes.get(row.actingCode)!);
    if (!list.offices.some((o) => o.code === office.code)) list.offices.push(office);
    const minWorkingDays = row.minWorkingDays ?? 0;
    const entry: PublicNoticeEntry = {
      caseId: row.caseId,
      name: row.personName,
      sex: row.sex,
      // Completed years only: with the masked ID, no more of the birth date than the registry's own `age` shows.
      age: on < row.birthDate ? 0 : ageOn(row.birthDate, on),
      nationalId: maskNationalId(row.nationalId),
      schemes: row.schemes,
      step: row.stepName,
      posted: row.began,
      minWorkingDays,
      earliestPass: calendars.get(row.actingNodeId)!.addWorkingDays(row.began, minWorkingDays),
      dueDate: row.due,
      office,
    };
    list.entries.push(entry);
  }
  return [...lists.values()];
}

export const publicNoticeService = {
  /** The public-notice lists of the villages at or below `under` (default the caller's home) on `on` (default today): READ_CASES in the subtree. */
  async lists(ctx: Context, rawUnder: string | null | undefined, rawOn: string | null | undefined): Promise<VillagePublicNotice[]> {
    grantFor(ctx, Capability.READ_CASES);
    const under = rawUnder ? await jurisdictionService.get(ctx, rawUnder, 'under') : await jurisdictionService.home(ctx);
    return listsUnder(ctx, under.code, noticeDay(rawOn, 'on'));
  },

  /** One village's list (empty when no one is on notice): the village must be one of the subtree (FORBIDDEN otherwise, existing or not). */
  async ofVillage(ctx: Context, rawCode: string, rawOn: string | null | undefined): Promise<VillagePublicNotice> {
    grantFor(ctx, Capability.READ_CASES);
    const village = await jurisdictionService.get(ctx, rawCode, 'villageCode');
    if (village.level !== JurisdictionLevel.VILLAGE) throw new BadUserInputError('villageCode', 'must be a village or community');
    const on = noticeDay(rawOn, 'on');
    const [list] = await listsUnder(ctx, village.code, on);
    return list ?? { village: ref(village), on, offices: [], entries: [] };
  },
};
