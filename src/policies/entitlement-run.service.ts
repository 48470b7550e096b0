import type { DataSource, EntityManager } from 'typeorm';
import { Capability } from '../kernel/actor';
import { mutation } from '../audit/mutation';
import { personService } from '../elderly/person.service';
import { loader, type Context } from '../kernel/context';
import { addMonths, monthEnd, thisMonthInChina } from '../kernel/dates';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { JurisdictionLevel, pathOfCode } from '../kernel/division-codes';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { entitlementOf, isActiveOn, type Entitlement } from './entitlement.engine';
import type { FloorRule, LineageNode, SchemeRule } from './scheme-rules';
import { entitlementRunRepository, LEVEL_COLUMNS, type RunLine, type RunRow, type SchemeTotalRow, type VillageDelta } from './entitlement-run.repository';
import { entitlementRunsLoader, schemeTotalsLoader, subsidyTotalsLoader } from './entitlement-run.loaders';
import { policyService } from './policy.service';
import type { SchemeKind } from './policy-kinds';

const EARLIEST_MONTH = '2000-01';
// A run prepares payments: this month, the next one, or any month already past.
const MONTHS_AHEAD = 1;
// People are read and their lines written in batches; the next batch is fetched while one is computed.
const BATCH = 5_000;
/** How long one statement of a run over a subtree (entitlements, voucher credits, a settlement) may take: far over a request's. */
export const RUN_STATEMENT_TIMEOUT = '15min';

export interface RunFigures {
  people: number;
  recipients: number;
  lines: number;
  replacedLines: number;
  amountFen: number;
}

/** A node's totals of a month over all schemes. */
export interface SubsidyTotalsView {
  nodeId: number;
  month: string;
  recipients: number;
  amountFen: number;
  funders: { level: JurisdictionLevel; amountFen: number }[];
}

export type RunView = RunRow & { jurisdiction: LineageNode };

export interface SchemeTotalView {
  schemeId: number;
  name: string;
  kind: SchemeKind;
  jurisdiction: LineageNode;
  recipients: number;
  amountFen: number;
  funders: { level: JurisdictionLevel; amountFen: number }[];
}

// The breakdown of a node's totals as the API shows it, made once per list of rows the loader keeps
// (its cache holds the same list until the totals change).
const schemeTotalViews = new WeakMap<readonly SchemeTotalRow[], readonly SchemeTotalView[]>();

const funders = (shares: readonly number[]) =>
  LEVEL_COLUMNS.map((level, i) => ({ level, amountFen: shares[i] })).filter((f) => f.amountFen !== 0);

/** A month a run may be made for (BAD_USER_INPUT on `month` otherwise). */
export function checkMonth(month: string): string {
  const latest = addMonths(thisMonthInChina(), MONTHS_AHEAD);
  if (month < EARLIEST_MONTH || month > latest) throw new BadUserInputError('month', `must be from ${EARLIEST_MONTH} to ${latest}`);
  return month;
}

/** The village's schemes (its own and its ancestors') and floors, worked out once per village of a run. */
function rulesByVillage(schemes: readonly SchemeRule[], floors: readonly FloorRule[]) {
  const cache = new Map<string, { schemes: SchemeRule[]; floors: FloorRule[] }>();
  return (villageCode: string) => {
    let rules = cache.get(villageCode);
    if (!rules) {
      rules = {
        schemes: schemes.filter((s) => villageCode.startsWith(s.owner.code)),
        floors: floors.filter((f) => villageCode.startsWith(f.owner.code)),
      };
      cache.set(villageCode, rules);
    }
    return rules;
  };
}

// Runs hold transaction-scoped advisory locks keyed month × 2^32 + node id (the one-key form, used
// for nothing else): exclusive on the run's node, shared on each ancestor. A run and a run of an
// ancestor or descendant collide on one of them; runs of disjoint subtrees share only shared locks.
const RUN_LOCK_KEY = `(($1::bigint * 4294967296) + $2::bigint)`;
const ANCESTOR_LOCK_KEY = `(($1::bigint * 4294967296) + a.id)`;
// Attempts of a run that lost a serialization race (two runs moving the same ancestor's totals).
const RUN_ATTEMPTS = 3;
const SERIALIZATION_FAILURES = new Set(['40001', '40P01']);

const monthIndex = (month: string) => {
  const [year, monthOfYear] = month.split('-').map(Number);
  return year * 12 + monthOfYear;
};

/**
 * Takes the locks of a month's work on `root`'s subtree (an entitlement run, the voucher credits that read
 * its lines): exclusive on the node, shared on its ancestors; CONFLICT on `month` when one overlaps.
 */
export async function lockMonthOfSubtree(tx: EntityManager, root: Pick<Jurisdiction, 'id' | 'path'>, month: string): Promise<void> {
  const [{ locked }] = await tx.query(
    `SELECT pg_try_advisory_xact_lock(${RUN_LOCK_KEY})
       AND coalesce(bool_and(pg_try_advisory_xact_lock_shared(${ANCESTOR_LOCK_KEY})), true) AS locked
     FROM (SELECT 1) one LEFT JOIN jurisdiction a ON a.path @> $3::ltree AND a.id <> $2`,
    [monthIndex(month), root.id, root.path],
  );
  if (!locked) throw new ConflictError(`A run of ${month} that covers part of this subtree is in progress; run again once it has finished`, 'month');
}

/**
 * Runs `work` in the transaction a run of `root`'s subtree needs: REPEATABLE READ, so the whole run
 * reads one snapshot, whose first statement takes the run's locks. A run that overlaps one under way
 * (same node, an ancestor or a descendant) is refused at once (CONFLICT on `month`) rather than left
 * waiting; runs of disjoint subtrees go side by side, and the one that loses the race to the shared
 * ancestors' totals is run again (RUN_ATTEMPTS). Callers check the caller's scope before: a refused
 * call must never hold a lock.
 */
export async function runTransaction<T>(
  dataSource: DataSource,
  root: Pick<Jurisdiction, 'id' | 'path'>,
  month: string,
  work: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction('REPEATABLE READ', async (tx) => {
        // The snapshot is taken by this statement, before its locks: a run that finished in between
        // either changed nothing this one reads, or changed lines or totals this one then writes, which
        // fails it with a serialization failure and runs it again.
        await lockMonthOfSubtree(tx, root, month);
        await tx.query(`SET LOCAL statement_timeout = '${RUN_STATEMENT_TIMEOUT}'`);
        return work(tx);
      });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= RUN_ATTEMPTS || typeof code !== 'string' || !SERIALIZATION_FAILURES.has(code)) throw error;
    }
  }
}

/**
 * Within a runTransaction: computes the month's entitlements of every person living under `root`
 * with the same rules as `entitlement`, replaces the subtree's stored lines for the month, and moves
 * the totals of every village and ancestor by the difference, so that re-running a month is
 * idempotent and a run never half-lands.
 */
export async function computeRun(tx: EntityManager, root: Jurisdiction, month: string, startedBy: number | null): Promise<RunRow> {
  const runId = await execute(tx, root, month, startedBy);
  return (await entitlementRunRepository.runById(tx, runId))!;
}

/** Adds one person's amount and shares to what a village's new lines add up to, for one scheme (0: all schemes). */
type AddToVillage = (villageId: number, schemeId: number, people: number, amountFen: number, shares: readonly number[]) => void;

/** The run's lines of one person's entitlement, one per paying scheme with its shares by level; `add` keeps the village's sums. */
function personLines(personId: number, villageId: number, result: Entitlement, add: AddToVillage): RunLine[] {
  const lines: RunLine[] = [];
  const personShares = [0, 0, 0, 0, 0];
  for (const outcome of result.schemes) {
    if (outcome.amountFen === 0) continue;
    const shares: RunLine['shares'] = [0, 0, 0, 0, 0];
    for (const share of outcome.shares) shares[LEVEL_COLUMNS.indexOf(share.level)] += share.amountFen;
    for (let i = 0; i < shares.length; i++) personShares[i] += shares[i];
    add(villageId, outcome.scheme.schemeId, 1, outcome.amountFen, shares);
    lines.push({
      personId,
      schemeId: outcome.scheme.schemeId,
      versionId: outcome.scheme.versionId,
      villageId,
      tierIds: outcome.tiers.filter((t) => t.applied).map((t) => t.tier.id),
      amountFen: outcome.amountFen,
      shares,
    });
  }
  add(villageId, 0, 1, result.amountFen, personShares);
  return lines;
}

async function execute(tx: EntityManager, root: Jurisdiction, month: string, startedBy: number | null): Promise<number> {
  const nodes: LineageNode[] = await tx.query(
    `SELECT id, code, name, level FROM jurisdiction WHERE path <@ $1::ltree OR path @> $1::ltree`,
    [root.path],
  );
  const byCode = new Map(nodes.map((node) => [node.code, node]));
  const villages = new Map(nodes.filter((node) => node.level === JurisdictionLevel.VILLAGE).map((node) => [node.id, node]));
  const villageIds = [...villages.keys()];
  const runId = await entitlementRunRepository.insertRun(tx, root.id, month, startedBy);
  const replacedLines = await entitlementRunRepository.replaceLines(tx, month, villageIds);
  const { schemes, floors } = await policyService.rulesFor(tx, nodes, month);
  const rulesOf = rulesByVillage(schemes, floors);
  const lineages = new Map<number, LineageNode[]>();
  const lineageOf = (village: LineageNode) => {
    let lineage = lineages.get(village.id);
    if (!lineage) {
      lineage = pathOfCode(village.code).map((code) => byCode.get(code)).filter((n): n is LineageNode => n !== undefined);
      lineages.set(village.id, lineage);
    }
    return lineage;
  };

  const figures: RunFigures = { people: 0, recipients: 0, lines: 0, replacedLines, amountFen: 0 };
  const cursor = 'entitlement_run_people';
  const day = monthEnd(`${month}-01`);
  await personService.openFactsCursor(tx, cursor, villageIds, day);
  const writes: Promise<void>[] = [];
  // What the new lines add up to per village and scheme (0: all schemes), kept as they are made.
  const added = new Map<string, VillageDelta>();
  const add: AddToVillage = (villageId, schemeId, people, amountFen, shares) => {
    const key = `${villageId}|${schemeId}`;
    let delta = added.get(key);
    if (!delta) added.set(key, (delta = { villageId, schemeId, recipients: 0, amountFen: 0, shares: [0, 0, 0, 0, 0] }));
    delta.recipients += people;
    delta.amountFen += amountFen;
    for (let i = 0; i < shares.length; i++) delta.shares[i] += shares[i];
  };
  // The transaction's statements, one after another on its connection, issued ahead of time: the
  // database reads the next batch and writes the last one's lines while this process computes.
  let queue: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(statement: () => Promise<T>): Promise<T> => {
    const result = queue.then(statement);
    queue = result.catch(() => undefined);
    return result;
  };
  let batch = await inTurn(() => personService.fetchFacts(tx, cursor, BATCH));
  while (batch.length > 0) {
    const next = batch.length === BATCH ? inTurn(() => personService.fetchFacts(tx, cursor, BATCH)) : Promise.resolve([]);
    next.catch(() => undefined);
    const lines: RunLine[] = [];
    for (const { villageId, facts } of batch) {
      const village = villages.get(villageId)!;
      const rules = rulesOf(village.code);
      // People who left in the month are read for the schemes that pay it, but are not counted as registered.
      if (isActiveOn(facts, day)) figures.people++;
      if (rules.schemes.length === 0) continue;
      const result = entitlementOf(facts, month, lineageOf(village), rules.schemes, rules.floors, { explain: false });
      if (result.amountFen === 0) continue;
      figures.recipients++;
      figures.amountFen += result.amountFen;
      lines.push(...personLines(facts.id, villageId, result, add));
    }
    figures.lines += lines.length;
    const write = inTurn(() => entitlementRunRepository.insertLines(tx, month, runId, lines));
    write.catch(() => undefined);
    writes.push(write);
    batch = await next;
  }
  await Promise.all(writes);
  await tx.query(`CLOSE ${cursor}`);
  await entitlementRunRepository.rollUp(tx, month, [...added.values()]);
  await entitlementRunRepository.finishRun(tx, runId, figures);
  return runId;
}

export const entitlementRunService = {
  /** Runs the month for a jurisdiction of the caller's subtree (see computeRun) and returns the run. */
  async run(ctx: Context, code: string, rawMonth: string): Promise<RunView> {
    const month = checkMonth(rawMonth);
    let root: Jurisdiction;
    return mutation(
      ctx,
      {
        action: 'entitlementRun.run',
        capability: Capability.RUN_ENTITLEMENTS,
        // The capability is checked before the transaction, the scope before the locks: a refused call never holds up a run it could not make.
        transaction: async (inside) => {
          root = await jurisdictionService.get(ctx, code);
          return runTransaction(ctx.dataSource, root, month, inside);
        },
      },
      async ({ tx, grant, target, at, detail }) => {
        at(root.id);
        target('entitlement_run', []);
        detail({ code: root.code, month });
        const run = await computeRun(tx, root, month, grant!.actor.userId);
        target('entitlement_run', [run.id]);
        return { ...run, jurisdiction: policyService.ref(root) };
      },
    );
  },

  /** The month's stored totals of a node over all schemes (batched across the nodes of a list); zero when nothing was paid. */
  async totals(ctx: Context, node: Jurisdiction, rawMonth: string): Promise<SubsidyTotalsView> {
    const month = checkMonth(rawMonth);
    const [all] = await loader(ctx, subsidyTotalsLoader).load({ nodeId: node.id, month });
    return { nodeId: node.id, month, recipients: all?.recipients ?? 0, amountFen: all?.amountFen ?? 0, funders: all ? funders(all.shares) : [] };
  },

  /** How many people the month's stored entitlements pay in each node's subtree, batched: callers check access. */
  async recipientsOf(ctx: Context, nodeIds: readonly number[], month: string): Promise<number[]> {
    const loaded = await loader(ctx, subsidyTotalsLoader).loadMany(nodeIds.map((nodeId) => ({ nodeId, month })));
    return loaded.map((found) => {
      if (found instanceof Error) throw found;
      return found[0]?.recipients ?? 0;
    });
  },

  /** Fen paid in each node's subtree by the stored runs of the months `fromMonth` to `toMonth`, in one statement: callers check access. */
  async spendingOf(ctx: Context, nodeIds: readonly number[], fromMonth: string, toMonth: string): Promise<number[]> {
    const amounts = await entitlementRunRepository.amountsOver(ctx.db, nodeIds, `${fromMonth}-01`, `${toMonth}-01`);
    return nodeIds.map((id) => amounts.get(id) ?? 0);
  },

  /** The same totals scheme by scheme, with who set each scheme (batched across nodes). */
  async schemeTotals(ctx: Context, totals: SubsidyTotalsView): Promise<readonly SchemeTotalView[]> {
    const rows = await loader(ctx, schemeTotalsLoader).load({ nodeId: totals.nodeId, month: totals.month });
    let views = schemeTotalViews.get(rows);
    if (!views) {
      views = rows.map((row) => ({
        schemeId: row.schemeId,
        name: row.scheme.name,
        kind: row.scheme.kind,
        jurisdiction: row.scheme.owner,
        recipients: row.recipients,
        amountFen: row.amountFen,
        funders: funders(row.shares),
      }));
      schemeTotalViews.set(rows, views);
    }
    return views;
  },

  /** The runs of the month that reached the node (batched across the nodes of a list). */
  async runs(ctx: Context, node: Jurisdiction, rawMonth: string): Promise<RunView[]> {
    const runs = await loader(ctx, entitlementRunsLoader).load({ code: node.code, month: checkMonth(rawMonth) });
    return runs.map(({ root, ...run }) => ({ ...run, jurisdiction: root }));
  },
};
