import DataLoader from 'dataloader';
import { codeReached, requireActor, requireCapability, requireCodes } from '../access/scope';
import { Capability } from '../kernel/actor';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { CODE_LENGTH, parentCodeOf } from '../kernel/division-codes';
import { decodeCursor, pageSize, toPage, type Page } from '../kernel/pagination';
import { competitionRanks } from '../kernel/ranking';
import { asInstance } from '../graphql/roots';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { caseFiguresRepository, type CaseCounts } from './case-figures.repository';
import { CaseFigures, CaseFiguresOrder } from './case-figures.types';

/**
 * Where a case counts: at the village it is filed at (the applicant's 户籍) and at every ancestor of it,
 * whoever acts on its step. Rank 1 is the best: the fewest overdue cases, then the fewest open ones;
 * siblings equal in both share a place.
 */
export interface Place {
  rank: number;
  among: number;
}

const ZERO = { open: 0, waiting: 0, inReview: 0, returned: 0, overdue: 0 };

/** Better first: fewer overdue, then fewer open. */
const byRank = (a: CaseFigures, b: CaseFigures) => a.overdue - b.overdue || a.open - b.open;
const byCode = (a: CaseFigures, b: CaseFigures) => (a.jurisdiction.code < b.jurisdiction.code ? -1 : a.jurisdiction.code > b.jurisdiction.code ? 1 : 0);

/** The sort of each order, and the key its cursor keeps (the sort's fields, the code last). */
const ORDERS: Record<CaseFiguresOrder, { compare: (a: CaseFigures, b: CaseFigures) => number; key: (f: CaseFigures) => string; valid: RegExp }> = {
  [CaseFiguresOrder.OVERDUE_DESC]: {
    compare: (a, b) => -byRank(a, b) || byCode(a, b),
    key: (f) => `${f.overdue}|${f.open}|${f.jurisdiction.code}`,
    valid: /^\d{1,9}\|\d{1,9}\|\d{2,12}$/,
  },
  [CaseFiguresOrder.CODE]: { compare: byCode, key: (f) => f.jurisdiction.code, valid: /^\d{2,12}$/ },
};

function figuresOf(node: Jurisdiction, counts: Omit<CaseCounts, 'code'> | undefined, today: string, ranked: Place | null = null): CaseFigures {
  const { open, waiting, inReview, returned, overdue } = counts ?? ZERO;
  return asInstance(CaseFigures, { jurisdiction: node, open, waiting, inReview, returned, overdue, asOf: today, ranked });
}

/** The figures with their competition ranks among themselves. */
function rankAll(figures: CaseFigures[]): CaseFigures[] {
  const ranks = competitionRanks(figures, byRank);
  figures.forEach((figure, i) => {
    figure.ranked = { rank: ranks[i], among: figures.length };
  });
  return figures;
}

/** Per request: the counts of single nodes, batched into one statement. */
const nodeCounts = (ctx: Context) =>
  new DataLoader<string, CaseCounts | undefined>(async (codes) => {
    const rows = await caseFiguresRepository.ofNodes(ctx.db, codes, todayInChina());
    return codes.map((code) => rows.find((row) => row.code === code));
  });

/** Per request: the ranked children of a node, by the parent's id. */
const childRankings = () => new Map<number, Promise<CaseFigures[]>>();

function requireReadable(ctx: Context, node: Jurisdiction): void {
  requireCapability(ctx, Capability.READ_CASE_FIGURES);
  requireCodes(ctx, [node.code]);
}

/** Every child of the node with its figures, ranked among them: one statement (the children come from the tree's cache). */
function rankedChildren(ctx: Context, node: Jurisdiction): Promise<CaseFigures[]> {
  const memo = loader(ctx, childRankings);
  let found = memo.get(node.id);
  if (!found) {
    found = (async () => {
      const children = await jurisdictionService.allChildren(ctx, node.id);
      if (children.length === 0) return [];
      const today = todayInChina();
      const rows = await caseFiguresRepository.ofChildren(ctx.db, node.code, CODE_LENGTH[children[0].level], today);
      const byCodeOf = new Map(rows.map((row) => [row.code, row]));
      return rankAll(children.map((child) => figuresOf(child, byCodeOf.get(child.code), today)));
    })();
    memo.set(node.id, found);
  }
  return found;
}

export const caseFiguresService = {
  /** The node's figures today. */
  async ofNode(ctx: Context, node: Jurisdiction): Promise<CaseFigures> {
    requireReadable(ctx, node);
    return figuresOf(node, await loader(ctx, nodeCounts).load(node.code), todayInChina());
  },

  /** The node's children with their figures, ranked among themselves, sorted and in keyset pages. */
  async children(
    ctx: Context,
    node: Jurisdiction,
    args: { order?: CaseFiguresOrder | null; first?: number | null; after?: string | null },
  ): Promise<Page<CaseFigures>> {
    requireReadable(ctx, node);
    const order = ORDERS[args.order ?? CaseFiguresOrder.OVERDUE_DESC];
    const first = pageSize(args.first);
    const after = decodeCursor(args.after, (key) => order.valid.test(key));
    const figures = [...(await rankedChildren(ctx, node))].sort(order.compare);
    const probe = after === null ? null : keyFigure(after);
    const start = probe === null ? 0 : figures.findIndex((figure) => order.compare(figure, probe) > 0);
    const rows = start < 0 ? [] : figures.slice(start, start + first + 1);
    return toPage(rows, first, order.key, () => figures.length);
  },

  /** The node's place among its siblings, or null when the caller cannot see its parent. */
  async place(ctx: Context, figure: CaseFigures): Promise<Place | null> {
    if (figure.ranked) return figure.ranked;
    const node = figure.jurisdiction;
    const parentCode = parentCodeOf(node.code);
    if (node.parentId === null || parentCode === null || !codeReached(requireActor(ctx), parentCode)) return null;
    const parent = await jurisdictionService.byId(ctx, node.parentId);
    const siblings = await rankedChildren(ctx, parent!);
    return siblings.find((sibling) => sibling.jurisdiction.id === node.id)?.ranked ?? null;
  },
};

/** A cursor's key as a figure to compare with: the fields the order sorts by. */
function keyFigure(key: string): CaseFigures {
  const parts = key.split('|');
  const [overdue, open] = parts.length === 3 ? [Number(parts[0]), Number(parts[1])] : [0, 0];
  return { jurisdiction: { code: parts[parts.length - 1] } as Jurisdiction, overdue, open } as CaseFigures;
}
