import { Capability } from '../kernel/actor';
import { requireCapability, requireReach } from '../access/scope';
import { mutation } from '../audit/mutation';
import type { Context } from '../kernel/context';
import { pathOfCode } from '../kernel/division-codes';
import { todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { text } from '../kernel/messages';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { parseName } from '../policies/policy.rules';
import type { OpenIntakeWindowInput } from './procedure.inputs';
import { procedureRepository, type WindowRow } from './procedure.repository';
import { parseDayField } from './procedure.rules';

/** The longest a window stays open, in days (a half-year's 集中申报 fits with room to spare). */
export const MAX_WINDOW_DAYS = 366;

export interface WindowAnswer {
  window: WindowRow;
  open: boolean;
}

const daysBetween = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

export const intakeWindowService = {
  /**
   * The window open at a node of the caller's subtree on `on` (default today), opened there or above (the
   * deepest node's when several are open); else the next to open; null when none is open or to come.
   */
  async at(ctx: Context, code: string, on: string | null | undefined): Promise<WindowAnswer | null> {
    requireCapability(ctx, Capability.READ_POLICIES);
    const node = await jurisdictionService.get(ctx, code, 'code');
    const day = on == null ? todayInChina() : parseDayField(on, 'on');
    return this.windowFor(ctx, node.code, day);
  },

  /** For the cases: the window open at `code` on `day`, else the next to open, else null. No access check. */
  async windowFor(ctx: Context, code: string, day: string): Promise<WindowAnswer | null> {
    const rows = await procedureRepository.windowsFrom(ctx.db, pathOfCode(code), day);
    const open = rows.filter((w) => w.opens <= day).sort((a, b) => b.jurisdiction.code.length - a.jurisdiction.code.length)[0];
    if (open) return { window: open, open: true };
    return rows[0] ? { window: rows[0], open: false } : null;
  },

  /** Opens a window at a node of the caller's subtree for its subtree; it may not share a day with another of that node's. */
  async open(ctx: Context, input: OpenIntakeWindowInput): Promise<WindowRow> {
    const spec = { action: 'intakeWindow.open', capability: Capability.MANAGE_POLICIES };
    const id = await mutation(ctx, spec, async ({ tx, ctx, grant, target, at, detail }) => {
      const owner = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(owner.id);
      target('IntakeWindow', []);
      const name = parseName(input.name, 'input.name');
      const opens = parseDayField(input.opens, 'input.opens');
      const closes = parseDayField(input.closes, 'input.closes', todayInChina());
      if (closes < opens) throw new BadUserInputError('input.closes', 'must not be before opens');
      if (daysBetween(opens, closes) >= MAX_WINDOW_DAYS) throw new BadUserInputError('input.closes', `must be within ${MAX_WINDOW_DAYS} days of opens`);
      await procedureRepository.lockWindows(tx, owner.id);
      const [overlap] = await procedureRepository.windowsOverlapping(tx, owner.id, opens, closes, null);
      if (overlap) throw new ConflictError(`${owner.name}’s window ${overlap.name} (${overlap.opens} to ${overlap.closes}) shares days with it`, 'input.opens');
      const created = await procedureRepository.insertWindow(tx, owner.id, name, opens, closes, grant!.actor.userId);
      target('IntakeWindow', [created]);
      detail({ name, opens, closes });
      return created;
    });
    return (await procedureRepository.windowById(ctx.db, id))!;
  },

  /** Closes a window of the caller's subtree early: `lastDay` (today or later) becomes its last day. */
  async close(ctx: Context, rawId: string, lastDay: string): Promise<WindowRow> {
    const spec = { action: 'intakeWindow.close', capability: Capability.MANAGE_POLICIES };
    const id = await mutation(ctx, spec, async ({ tx, grant, target, at, detail }) => {
      const id = parseId(rawId, 'id', 'an intake window');
      target('IntakeWindow', [id]);
      const found = await procedureRepository.windowById(tx, id);
      requireReach(grant!, [found && { jurisdictionCode: found.jurisdiction.code }], { denial: text('WINDOW_NOT_IN_SCOPE') });
      at(found!.jurisdiction.id);
      await procedureRepository.lockWindows(tx, found!.jurisdiction.id);
      const window = (await procedureRepository.windowById(tx, id))!;
      const day = parseDayField(lastDay, 'lastDay', todayInChina());
      if (day < window.opens) throw new BadUserInputError('lastDay', `must not be before the window opens on ${window.opens}`);
      if (day >= window.closes) throw new ConflictError(`the window already closes on ${window.closes}`, 'lastDay');
      await procedureRepository.closeWindow(tx, id, day);
      detail({ lastDay: day, closed: window.closes });
      return id;
    });
    return (await procedureRepository.windowById(ctx.db, id))!;
  },
};
