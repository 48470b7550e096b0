import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { codeInScope } from '../access/actor';
import { Capability } from '../kernel/actor';
import { requireActor, requireCapability } from '../access/scope';
import { audited } from '../audit/audit.service';
import { changing, throughCache } from '../db/shared-cache';
import { cacheRegion } from '../db/cache-registry';
import { loader, type Context } from '../kernel/context';
import { isDay, todayInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError, ForbiddenError } from '../kernel/errors';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { parseId } from '../kernel/ids';
import { asInstance } from '../graphql/roots';
import { parseText } from '../kernel/text';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import type { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import type { TargetStatus } from '../targets/target-kinds';
import { targetService } from '../targets/target.service';
import { BoardOrder, type TargetBoard, type TargetNode } from '../targets/target.types';
import { SupervisionStatus } from './desk-kinds';
import type { CreateSupervisionItemInput, IssueNoticeInput } from './desk.inputs';
import { NoticeNode, SupervisionItemNode, type SupervisionNote } from './desk.types';
import { noticeRepository, type NoticeContent, type NoticeRow } from './notice.repository';
import { supervisionRepository, type SupervisionItemRow } from './supervision.repository';

const TITLE = { required: true, max: 200 };
const LONG_TEXT = { required: false, max: 4000 };
const UNIT = { required: false, max: 200 };
const ID_PATTERN = /^[1-9]\d{0,9}$/;

const refOf = (node: Jurisdiction): JurisdictionRef => ({ code: node.code, name: node.name, level: node.level });

function notesLoader(ctx: Context): DataLoader<number, SupervisionNote[]> {
  return new DataLoader(async (ids) => {
    const byItem = new Map<number, SupervisionNote[]>(ids.map((id) => [id, []]));
    for (const row of await supervisionRepository.notesOf(ctx.db, ids)) byItem.get(row.itemId)!.push(row);
    return ids.map((id) => byItem.get(id)!);
  });
}

// A board's overdue items are kept across requests by issuer and day, cleared by any change of an item
// (db/shared-cache.ts) and by the API's own item writes once they commit.
const overdueLists = (dataSource: DataSource) =>
  cacheRegion<string, readonly SupervisionItemRow[]>(dataSource, 'overdue-supervision-items');

/** Overdue items by issuing jurisdiction and day: one statement per day asked about for those not kept, whatever the number of boards. */
function overdueLoader(ctx: Context): DataLoader<{ issuerId: number; day: string }, readonly SupervisionItemRow[], string> {
  const keyOf = (key: { issuerId: number; day: string }) => `${key.issuerId}|${key.day}`;
  return new DataLoader(
    async (keys) => {
      const found = await throughCache(overdueLists(ctx.dataSource), keys.map(keyOf), async (missing) => {
        const lists = new Map<string, SupervisionItemRow[]>(missing.map((key) => [key, []]));
        const asked = keys.filter((key) => lists.has(keyOf(key)));
        for (const day of new Set(asked.map((key) => key.day))) {
          const issuers = asked.filter((key) => key.day === day).map((key) => key.issuerId);
          for (const row of await supervisionRepository.overdueIssuedAt(ctx.db, issuers, day)) lists.get(keyOf({ issuerId: row.issuerId, day }))!.push(Object.freeze(row));
        }
        return lists;
      });
      return keys.map((key) => found.get(keyOf(key)) ?? []);
    },
    { cacheKeyFn: keyOf },
  );
}

async function itemNodes(ctx: Context, rows: readonly SupervisionItemRow[]): Promise<SupervisionItemNode[]> {
  const today = todayInChina();
  const ids = [...new Set(rows.flatMap((row) => [row.issuerId, row.responsibleId]))];
  const nodes = new Map((await Promise.all(ids.map((id) => jurisdictionService.byId(ctx, id)))).map((node) => [node!.id, node!]));
  return rows.map((row) =>
    asInstance(SupervisionItemNode, {
      id: String(row.id),
      title: row.title,
      detail: row.detail,
      issuedBy: refOf(nodes.get(row.issuerId)!),
      responsible: refOf(nodes.get(row.responsibleId)!),
      responsibleUnit: row.responsibleUnit,
      targetId: row.targetId === null ? null : String(row.targetId),
      deadline: row.deadline,
      status: row.status,
      closedOn: row.closedOn,
      overdue: row.status === SupervisionStatus.OPEN && row.deadline < today,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    }),
  );
}

/** An item the caller sees: issued in its subtree, or assigned to a unit in it; FORBIDDEN otherwise and for an id that names none. */
function visibleItem(ctx: Context, row: SupervisionItemRow | null | undefined): SupervisionItemRow {
  const actor = requireActor(ctx);
  if (!row || !(codeInScope(actor, row.issuerCode) || codeInScope(actor, row.responsibleCode))) throw new ForbiddenError();
  return row;
}

function noticeNode(row: NoticeRow): NoticeNode {
  const { content } = row;
  return asInstance(NoticeNode, {
    id: String(row.id),
    title: row.title,
    body: row.body,
    issuedBy: content.target.jurisdiction as JurisdictionRef,
    target: {
      id: content.target.id,
      title: content.target.title,
      jurisdiction: content.target.jurisdiction as JurisdictionRef,
      metric: content.target.metric,
      comparator: content.target.comparator,
      threshold: content.target.threshold,
      deadline: content.target.deadline,
    } as NoticeNode['target'],
    asOf: row.asOf,
    observedAt: new Date(content.observedAt),
    issuedAt: row.createdAt,
    author: row.author,
    progress: { ...content.progress, status: content.progress.status as TargetStatus | null },
    laggards: content.laggards,
    rows: content.rows.map((r) => ({
      jurisdiction: { code: r.code, name: r.name, level: r.level } as JurisdictionRef,
      threshold: r.threshold,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      expected: r.expected,
      status: r.status as TargetStatus | null,
      rank: r.rank,
    })),
  });
}

/** What a notice keeps of a board. */
function contentOf(board: TargetBoard, target: TargetNode): NoticeContent {
  return {
    target: {
      id: target.id,
      title: target.title,
      metric: target.metric,
      metricKind: target.metricKind,
      comparator: target.comparator,
      threshold: target.threshold,
      deadline: target.deadline,
      jurisdiction: { code: target.jurisdiction.code, name: target.jurisdiction.name, level: target.jurisdiction.level },
    },
    observedAt: board.observedAt.toISOString(),
    progress: {
      value: board.progress.value,
      numerator: board.progress.numerator,
      denominator: board.progress.denominator,
      expected: board.progress.expected,
      status: board.progress.status,
    },
    laggards: board.laggards,
    rows: board.rows.map((row) => ({
      code: row.jurisdiction.code,
      name: row.jurisdiction.name,
      level: row.jurisdiction.level,
      threshold: row.threshold,
      value: row.value,
      numerator: row.numerator,
      denominator: row.denominator,
      expected: row.expected,
      status: row.status,
      rank: row.rank,
    })),
  };
}

export const deskService = {
  /** Supervision items issued below `under` (default the caller's home) or assigned to a unit there, soonest deadline first. */
  async supervisionItems(
    ctx: Context,
    args: { under?: string | null; status?: SupervisionStatus | null; overdue?: boolean | null; first?: number | null; after?: string | null },
  ): Promise<Page<SupervisionItemNode>> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const first = pageSize(args.first);
    const offset = Number(decodeCursor(args.after, (key) => /^[1-9]\d{0,6}$/.test(key)) ?? 0);
    const filter = { underCode: under.code, status: args.status ?? null, overdueOn: args.overdue ? todayInChina() : null };
    const rows = await supervisionRepository.list(ctx.db, filter, offset, first + 1);
    const nodes = await itemNodes(ctx, rows);
    const position = new Map(nodes.map((node, i) => [node, offset + i + 1]));
    return toPage(nodes, first, (node) => String(position.get(node)), () => supervisionRepository.count(ctx.db, filter));
  },

  async notes(ctx: Context, item: SupervisionItemNode): Promise<SupervisionNote[]> {
    return loader(ctx, notesLoader).load(Number(item.id));
  },

  /** Issues a supervision item at a jurisdiction of the subtree, assigned to it or a unit below it. */
  async createSupervisionItem(ctx: Context, input: CreateSupervisionItemInput): Promise<SupervisionItemNode> {
    const id = await changing(ctx.dataSource, () => audited(ctx, 'supervisionItem.create', Capability.MANAGE_TARGETS, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_TARGETS);
      const issuer = await jurisdictionService.get(ctx, input.jurisdictionCode, 'input.jurisdictionCode');
      draft.jurisdictionId = issuer.id;
      draft.targetType = 'SupervisionItem';
      const responsible = await jurisdictionService.get(ctx, input.responsibleCode, 'input.responsibleCode');
      if (!responsible.code.startsWith(issuer.code)) throw new BadUserInputError('input.responsibleCode', 'must be the issuing jurisdiction or a unit below it');
      const title = parseText(input.title, 'input.title', TITLE)!;
      if (!isDay(input.deadline) || input.deadline < '2000-01-01' || input.deadline > '2100-12-31') {
        throw new BadUserInputError('input.deadline', 'must be a day from 2000-01-01 to 2100-12-31');
      }
      let targetId: number | null = null;
      if (input.targetId) {
        const target = await targetService.get(ctx, input.targetId);
        if (!target.jurisdiction.code.startsWith(issuer.code)) throw new BadUserInputError('input.targetId', 'must be a target set at the issuing jurisdiction or below it');
        targetId = Number(target.id);
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
        actor.userId,
      );
      draft.targetIds = [String(created)];
      draft.detail = { responsible: responsible.code, deadline: input.deadline };
      return created;
    }));
    const [row] = await supervisionRepository.byIds(ctx.db, [id]);
    return (await itemNodes(ctx, [row]))[0];
  },

  /**
   * Adds a follow-up note to an item the caller sees (issued in its subtree or assigned to a unit in
   * it); `status` closes (DONE, CANCELLED) or reopens it, which only the issuing side may do.
   */
  async addSupervisionNote(ctx: Context, rawId: string, note: string, status?: SupervisionStatus | null): Promise<SupervisionItemNode> {
    const id = parseId(rawId, 'id', 'a supervision item');
    await changing(ctx.dataSource, () => audited(ctx, 'supervisionItem.note', Capability.MANAGE_TARGETS, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_TARGETS);
      const item = visibleItem(ctx, await supervisionRepository.lock(tx, id));
      draft.jurisdictionId = item.issuerId;
      draft.targetType = 'SupervisionItem';
      draft.targetIds = [String(item.id)];
      const text = parseText(note, 'note', { required: true, max: 4000 })!;
      const next = status ?? item.status;
      if (next !== item.status && !codeInScope(actor, item.issuerCode)) throw new ForbiddenError('Only the issuing level may close or reopen a supervision item');
      // Checked under the row lock: of concurrent closes, one closes the item and the others are told it is closed.
      if (status != null && status !== SupervisionStatus.OPEN && item.status !== SupervisionStatus.OPEN) {
        throw new ConflictError(`The supervision item is already ${item.status}; reopen it first`, 'status');
      }
      await supervisionRepository.addNote(tx, item.id, text, next, todayInChina(), actor.userId);
      draft.detail = { status: next };
    }));
    const [row] = await supervisionRepository.byIds(ctx.db, [id]);
    return (await itemNodes(ctx, [row]))[0];
  },

  /** The open items issued at the board's jurisdiction whose deadline has passed by the board's day (batched across the boards of a request). */
  async overdueOnBoard(ctx: Context, board: TargetBoard): Promise<SupervisionItemNode[]> {
    return itemNodes(ctx, await loader(ctx, overdueLoader).load({ issuerId: board.target.jurisdiction.id, day: board.asOf }));
  },

  /** Issues a notice from a target's board as it stands now (or stood at the end of `asOf`), kept unchangeable. */
  async issueNotice(ctx: Context, input: IssueNoticeInput): Promise<NoticeNode> {
    const id = await audited(ctx, 'notice.issue', Capability.MANAGE_TARGETS, async (tx, draft, ctx) => {
      const actor = requireActor(ctx);
      requireCapability(ctx, Capability.MANAGE_TARGETS);
      const target = await targetService.get(ctx, input.targetId);
      draft.jurisdictionId = target.jurisdiction.id;
      draft.targetType = 'Notice';
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
        actor.userId,
      );
      draft.targetIds = [String(created)];
      draft.detail = { targetId: target.id, asOf: board.asOf, laggards: board.laggards };
      return created;
    });
    return deskService.notice(ctx, String(id));
  },

  /** A notice concerning the caller (issued in its subtree or naming its home or a level above it). */
  async notice(ctx: Context, rawId: string): Promise<NoticeNode> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const actor = requireActor(ctx);
    const row = await noticeRepository.byId(ctx.db, parseId(rawId, 'id', 'a notice'));
    const concerns = row?.concernedCodes.some((code) => codeInScope(actor, code) || actor.jurisdictionCode.startsWith(code));
    if (!row || !concerns) throw new ForbiddenError();
    return noticeNode(row);
  },

  /** The notices concerning the caller, newest first. */
  async notices(ctx: Context, args: { first?: number | null; after?: string | null }): Promise<Page<NoticeNode>> {
    requireCapability(ctx, Capability.READ_TARGETS);
    const actor = requireActor(ctx);
    const first = pageSize(args.first);
    const before = decodeCursor(args.after, (key) => ID_PATTERN.test(key));
    const rows = await noticeRepository.list(ctx.db, actor.jurisdictionPath, before === null ? null : Number(before), first + 1);
    return toPage(rows.map(noticeNode), first, (node) => node.id, () => noticeRepository.count(ctx.db, actor.jurisdictionPath));
  },
};
