import { actingRole } from '../access/actor';
import { denied, grantFor, reaches, requireAccess, requireActor, requireCapability, type Reach } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { isDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { parseId } from '../kernel/ids';
import { ID_KEY, keysetPage, POSITION_KEY, type Page, type PageArgs } from '../kernel/pagination';
import { parseText } from '../kernel/text';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { targetService } from '../targets/target.service';
import { BoardOrder, type TargetBoard } from '../targets/target.types';
import { SupervisionStatus } from './desk-kinds';
import { contentOf, itemNodes, noticeNode } from './desk-nodes';
import type { CreateSupervisionItemInput, IssueNoticeInput } from './desk.inputs';
import { notesLoader, overdueLoader } from './desk.loaders';
import type { NoticeNode, SupervisionItemNode, SupervisionNote } from './desk.types';
import { noticeRepository, type NoticeRow } from './notice.repository';
import { supervisionRepository, type SupervisionItemRow } from './supervision.repository';

export const TITLE = { required: true, max: 200 };
export const LONG_TEXT = { required: false, max: 4000 };
const UNIT = { required: false, max: 200 };

/** An item is reached from the level that issued it and from the unit it is assigned to. */
const ITEM_REACH: Reach<SupervisionItemRow> = { at: (row) => [row.jurisdictionCode, row.responsibleCode] };

/** A notice concerns its issuer and every unit on its board, and the levels above them read it too. */
const NOTICE_REACH: Reach<NoticeRow & { concernedCodes: string[] }> = { at: (row) => row.concernedCodes, lineage: true };

export interface SupervisionListArgs extends PageArgs {
  under?: string | null;
  status?: SupervisionStatus | null;
  overdue?: boolean | null;
}

/** A supervision item's deadline: a day from 2000-01-01 to 2100-12-31, or BAD_USER_INPUT naming `field`. */
export function checkDeadline(deadline: string, field: string): void {
  if (!isDay(deadline) || deadline < '2000-01-01' || deadline > '2100-12-31') {
    throw new BadUserInputError(field, 'must be a day from 2000-01-01 to 2100-12-31');
  }
}

/** The item once written, as the API shows it. */
async function itemNode(ctx: Context, id: number): Promise<SupervisionItemNode> {
  const [row] = await supervisionRepository.byIds(ctx.db, [id]);
  return (await itemNodes(ctx, [row]))[0];
}

export const deskService = {
  /** Supervision items issued below `under` (default the caller's home) or assigned to a unit there, soonest deadline first. */
  async supervisionItems(ctx: Context, args: SupervisionListArgs): Promise<Page<SupervisionItemNode>> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const filter = { underCode: under.code, status: args.status ?? null, overdueOn: args.overdue ? todayInChina() : null };
    // Ordered by deadline: a cursor is a position in the list.
    return keysetPage(args, {
      key: POSITION_KEY,
      search: (after, limit) => supervisionRepository.list(ctx.db, filter, after ?? 0, limit),
      count: () => supervisionRepository.count(ctx.db, filter),
      cursorOf: (_row, i, after) => String((after ?? 0) + i + 1),
      nodes: (rows) => itemNodes(ctx, rows),
    });
  },

  /** The item once written, as the API shows it (for the features that issue items of their own). */
  async item(ctx: Context, id: number): Promise<SupervisionItemNode> {
    return itemNode(ctx, id);
  },

  /**
   * The items following up each case that the caller sees on the desk (READ_TARGETS, issued or assigned
   * in its subtree), oldest first; none for a caller without the desk.
   */
  async ofCases(ctx: Context, caseIds: readonly number[]): Promise<SupervisionItemNode[][]> {
    if (!actingRole(requireActor(ctx), Capability.READ_TARGETS)) return caseIds.map(() => []);
    const grant = grantFor(ctx, Capability.READ_TARGETS);
    const rows = (await supervisionRepository.ofCases(ctx.db, caseIds)).filter((row) => reaches(grant, row, ITEM_REACH));
    const nodes = await itemNodes(ctx, rows);
    return caseIds.map((id) => nodes.filter((_node, i) => rows[i].caseId === id));
  },

  async notes(ctx: Context, item: SupervisionItemNode): Promise<SupervisionNote[]> {
    return loader(ctx, notesLoader).load(Number(item.id));
  },

  /** Issues a supervision item at a jurisdiction of the subtree, assigned to it or a unit below it. */
  async createSupervisionItem(ctx: Context, input: CreateSupervisionItemInput): Promise<SupervisionItemNode> {
    const id = await mutation(ctx, { action: 'supervisionItem.create', capability: Capability.MANAGE_TARGETS }, async ({ tx, ctx, grant, target, at, detail }) => {
      const issuer = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      at(issuer.id);
      target('SupervisionItem', []);
      const responsible = await jurisdictionService.get(ctx, input.responsibleCode, 'input.responsibleCode');
      if (!responsible.code.startsWith(issuer.code)) throw new BadUserInputError('input.responsibleCode', 'must be the issuing jurisdiction or a unit below it');
      const title = parseText(input.title, 'input.title', TITLE)!;
      checkDeadline(input.deadline, 'input.deadline');
      let targetId: number | null = null;
      if (input.targetId) {
        const followed = await targetService.get(ctx, input.targetId);
        if (!followed.jurisdiction.code.startsWith(issuer.code)) throw new BadUserInputError('input.targetId', 'must be a target set at the issuing jurisdiction or below it');
        targetId = Number(followed.id);
      }
      const created = await supervisionRepository.insert(
        tx,
        {
          issuerId: issuer.id,
          responsibleId: responsible.id,
          responsibleUnit: parseText(input.responsibleUnit, 'input.responsibleUnit', UNIT),
          targetId,
          title,
          detail: parseText(input.detail, 'input.detail', LONG_TEXT),
          deadline: input.deadline,
        },
        grant!.actor.userId,
      );
      target('SupervisionItem', [created]);
      detail({ responsible: responsible.code, deadline: input.deadline });
      return created;
    });
    return itemNode(ctx, id);
  },

  /**
   * Adds a follow-up note to an item the caller sees (issued in its subtree or assigned to a unit in
   * it); `status` closes (DONE, CANCELLED) or reopens it, which only the issuing side may do.
   */
  async addSupervisionNote(ctx: Context, rawId: string, note: string, status?: SupervisionStatus | null): Promise<SupervisionItemNode> {
    const id = parseId(rawId, 'id', 'a supervision item');
    await mutation(ctx, { action: 'supervisionItem.note', capability: Capability.MANAGE_TARGETS }, async ({ tx, ctx, target, at, detail }) => {
      const row = await supervisionRepository.lock(tx, id);
      const grant = requireAccess(ctx, Capability.MANAGE_TARGETS, [row], ITEM_REACH);
      const item = row!;
      at(item.issuerId);
      target('SupervisionItem', [item.id]);
      const text = parseText(note, 'note', { required: true, max: 4000 })!;
      const next = status ?? item.status;
      // A desk rule: the unit an item is assigned to reports on it; the issuing level alone decides it is done.
      if (next !== item.status && !reaches(grant, item)) throw denied('Only the issuing level may close or reopen a supervision item');
      // Checked under the row lock: of concurrent closes, one closes the item and the others are told it is closed.
      if (status != null && status !== SupervisionStatus.OPEN && item.status !== SupervisionStatus.OPEN) {
        throw new ConflictError(`The supervision item is already ${item.status}; reopen it first`, 'status');
      }
      await supervisionRepository.addNote(tx, item.id, text, next, todayInChina(), grant.actor.userId);
      detail({ status: next });
    });
    return itemNode(ctx, id);
  },

  /** The open items issued at the board's jurisdiction whose deadline has passed by the board's day (batched across the boards of a request). */
  async overdueOnBoard(ctx: Context, board: TargetBoard): Promise<SupervisionItemNode[]> {
    return itemNodes(ctx, await loader(ctx, overdueLoader).load({ issuerId: board.target.jurisdiction.id, day: board.asOf }));
  },

  /** Issues a notice from a target's board as it stands now (or stood at the end of `asOf`), kept unchangeable. */
  async issueNotice(ctx: Context, input: IssueNoticeInput): Promise<NoticeNode> {
    const id = await mutation(ctx, { action: 'notice.issue', capability: Capability.MANAGE_TARGETS }, async ({ tx, ctx, grant, target: named, at, detail }) => {
      const target = await targetService.get(ctx, input.targetId);
      at(target.jurisdiction.id);
      named('Notice', []);
      const title = parseText(input.title, 'input.title', TITLE)!;
      const body = parseText(input.body, 'input.body', LONG_TEXT);
      const board = await targetService.board(ctx, target, input.asOf ?? null, BoardOrder.LAGGARDS_FIRST);
      const created = await noticeRepository.insert(
        tx,
        {
          issuerId: target.jurisdiction.id,
          targetId: Number(target.id),
          title,
          body,
          asOf: board.asOf,
          concernedIds: [target.jurisdiction.id, ...board.rows.map((row) => row.jurisdiction.id)],
          content: contentOf(board, target),
        },
        grant!.actor.userId,
      );
      named('Notice', [created]);
      detail({ targetId: target.id, asOf: board.asOf, laggards: board.laggards });
      return created;
    });
    return deskService.notice(ctx, String(id));
  },

  /** A notice concerning the caller (issued in its subtree or naming its home or a level above it). */
  async notice(ctx: Context, rawId: string): Promise<NoticeNode> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const row = await noticeRepository.byId(ctx.db, parseId(rawId, 'id', 'a notice'));
    requireAccess(ctx, Capability.READ_TARGETS, [row], NOTICE_REACH);
    return noticeNode(row!);
  },

  /** The notices concerning the caller, newest first. */
  async notices(ctx: Context, args: PageArgs): Promise<Page<NoticeNode>> {
    const home = grantFor(ctx, Capability.READ_TARGETS).path;
    return keysetPage(args, {
      key: ID_KEY,
      search: (before, limit) => noticeRepository.list(ctx.db, home, before, limit),
      count: () => noticeRepository.count(ctx.db, home),
      cursorOf: (row) => String(row.id),
      nodes: (rows) => rows.map(noticeNode),
    });
  },
};
