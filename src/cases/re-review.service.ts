import { grantFor } from '../access/scope';
import { mutation } from '../audit/mutation';
import { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { CODE_LENGTH, JurisdictionLevel, LEVELS } from '../kernel/division-codes';
import { BadUserInputError, ConflictError } from '../kernel/errors';
import { keysetPage, type Page, type PageArgs } from '../kernel/pagination';
import { maskNationalId } from '../elderly/national-id';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { parseOpinion } from './case.rules';
import { enrolmentRepository, type EnrolmentRow } from './enrolment';
import { lockReachedEnrolment } from './enrolment.service';
import { RE_REVIEW_KEY, reReviewRepository, type ReReviewRow } from './re-review.repository';
import type { ConfirmedEnrolment, ReReview, ReReviewCounts } from './re-review.types';
import { verdictsOf } from './re-review.verdict';

const enrolmentView = (e: EnrolmentRow) => ({ ...e, scheme: { id: e.schemeId, name: e.schemeName } });

/** The listed enrolments as the API shows them: a fixed number of statements for any number of rows. */
async function views(ctx: Context, rows: readonly ReReviewRow[]): Promise<ReReview[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.enrolmentId);
  const [enrolments, reviews, verdicts, villages] = await Promise.all([
    enrolmentRepository.byIds(ctx.db, ids),
    reReviewRepository.reviewsOf(ctx.db, ids),
    verdictsOf(ctx, rows),
    jurisdictionService.byCodesAnywhere(ctx, [...new Set(rows.map((r) => r.villageCode))]),
  ]);
  return rows.map((row, i) => {
    const village = villages.get(row.villageCode)!;
    return {
      enrolment: enrolmentView(enrolments.find((e) => e.id === row.enrolmentId)!),
      applicant: { id: row.personId, name: row.personName, nationalId: maskNationalId(row.nationalId) },
      village: { code: village.code, name: village.name, level: village.level },
      since: row.since,
      changes: row.changes,
      meetsSchemeThisMonth: verdicts[i].meets,
      reasonsThisMonth: verdicts[i].reasons,
      reviews: reviews.filter((r) => r.enrolmentId === row.enrolmentId),
    };
  });
}

export const reReviewService = {
  /**
   * The open enrolments filed at or below `under` (default the caller's home) whose facts changed since
   * their approval or last confirmation, by the earliest change's day, then id (READ_CASES).
   */
  async list(ctx: Context, args: PageArgs & { under?: string | null }): Promise<Page<ReReview>> {
    grantFor(ctx, Capability.READ_CASES);
    const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
    const today = todayInChina();
    return keysetPage(args, {
      key: RE_REVIEW_KEY,
      search: (after, limit) => reReviewRepository.search(ctx.db, under.code, today, after, limit),
      count: () => reReviewRepository.count(ctx.db, under.code, today),
      cursorOf: (row) => `${row.firstChange}|${row.enrolmentId}`,
      nodes: (rows) => views(ctx, rows),
    });
  },

  /** How many enrolments are to re-review at or below `under`, and below each of its children that has any, most first. */
  async counts(ctx: Context, rawUnder: string | null | undefined): Promise<ReReviewCounts> {
    grantFor(ctx, Capability.READ_CASES);
    const node = rawUnder ? await jurisdictionService.get(ctx, rawUnder, 'under') : await jurisdictionService.home(ctx);
    const ref = { code: node.code, name: node.name, level: node.level };
    const childLevel = LEVELS[LEVELS.indexOf(node.level) + 1] ?? JurisdictionLevel.VILLAGE;
    const rows = await reReviewRepository.countsByChild(ctx.db, node.code, CODE_LENGTH[childLevel], todayInChina());
    const total = rows.reduce((sum, r) => sum + r.count, 0);
    if (node.level === JurisdictionLevel.VILLAGE) return { node: ref, total, children: [] };
    const children = await jurisdictionService.byCodesAnywhere(ctx, rows.map((r) => r.code));
    return {
      node: ref,
      total,
      children: rows
        .filter((r) => children.has(r.code))
        .map((r) => {
          const child = children.get(r.code)!;
          return { node: { code: child.code, name: child.name, level: child.level }, count: r.count };
        })
        .sort((a, b) => b.count - a.count || (a.node.code < b.node.code ? -1 : 1)),
    };
  },

  /**
   * Confirms an open enrolment after its re-review (REVIEW_CASES over the case's village): who, when and
   * the opinion are recorded, and the enrolment leaves the list until a newer change. An enrolment
   * with nothing changed since is CONFLICT, so of concurrent confirmations one is recorded; the same
   * idempotency key again answers the enrolment and records nothing.
   */
  async confirm(ctx: Context, rawId: string, rawOpinion: string, rawKey: string | null | undefined): Promise<ConfirmedEnrolment> {
    const spec = { action: 'enrolment.confirm', capability: Capability.REVIEW_CASES };
    const id = await mutation(ctx, spec, async (w) => {
      const { tx, grant, detail } = w;
      const row = await lockReachedEnrolment(w, rawId);
      const id = row.id;
      const opinion = parseOpinion(rawOpinion, 'opinion');
      if (opinion === null) throw new BadUserInputError('opinion', 'a re-review records its opinion');
      const key = rawKey === null || rawKey === undefined ? null : rawKey.trim();
      if (key !== null && (key === '' || key.length > 100)) throw new BadUserInputError('idempotencyKey', 'must be 1 to 100 characters');
      if (key !== null && (await reReviewRepository.byKey(tx, id, key))) {
        detail({ replayed: key });
        return id;
      }
      if (row.untilMonth !== null) throw new ConflictError(`the enrolment already ended (${row.endReason}, ${row.endedOn})`, 'id');
      const today = todayInChina();
      const listed = await reReviewRepository.ofEnrolment(tx, id, today);
      if (!listed) throw new ConflictError('nothing changed since the approval or the last re-review', 'id');
      const { actor, role } = grant!;
      await reReviewRepository.confirm(tx, { enrolmentId: id, reviewedOn: today, userId: actor.userId, username: actor.username, role, opinion, idempotencyKey: key });
      detail({ since: listed.since, changes: listed.changes.map((c) => ({ kind: c.kind, on: c.on })) });
      return id;
    });
    const [[enrolment], reviews] = await Promise.all([enrolmentRepository.byIds(ctx.db, [id]), reReviewRepository.reviewsOf(ctx.db, [id])]);
    return { enrolment: enrolmentView(enrolment), reviews };
  },
};
