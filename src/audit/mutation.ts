import type { EntityManager } from 'typeorm';
import { grantFor, type Grant } from '../access/scope';
import { logger } from '../config/logger';
import { isDatabaseUnreachable } from '../db/availability';
import { sharedCaches } from '../db/shared-cache';
import { defaultTransaction, requestTransaction, withCommit } from '../db/transaction';
import type { Capability } from '../kernel/actor';
import type { Context } from '../kernel/context';
import { ServiceUnavailableError } from '../kernel/errors';
import { claimAttempt, errorOutcome } from './attempt';
import { recordAudit, type AuditDraft } from './audit.service';

/** What a mutation is, said once. */
export interface MutationSpec<T> {
  /** The action the audit trail records. */
  action: string;
  /** The capability it needs; null for what concerns the caller's own account (signing in, their password). */
  capability: Capability | null;
  /** Opens the transaction when the default one does not do (a lock, an isolation level). */
  transaction?: (inside: (tx: EntityManager) => Promise<T>) => Promise<T>;
}

/** What a mutation's work gets: its transaction, what the caller may reach, and the entry the trail will keep. */
export interface Write {
  /** The transaction every read and write of the mutation goes through. */
  tx: EntityManager;
  /** The request's context bound to the transaction (`ctx.db` is `tx`; loaders of its own). */
  ctx: Context;
  /** What the caller may do under the mutation's capability (null for a mutation without one). */
  grant: Grant | null;
  /** Names what the mutation acts on as soon as it knows: the trail records it on success and on failure. */
  target(type: string, ids: readonly (string | number)[]): void;
  /** The jurisdiction the mutation acts in (default: the caller's home). */
  at(jurisdictionId: number): void;
  /** What the trail keeps of the change. */
  detail(detail: Record<string, unknown>): void;
  /** Who the entry names as the actor, for a sign-in (before there is a caller). */
  actor(actorId: number | null, username: string): void;
}

/**
 * The one way to change anything through the API. In one transaction: checks the capability (FORBIDDEN
 * without it), runs `work`, and appends its SUCCESS entry to the audit trail; on failure, after the
 * rollback, a FAILURE entry with the error's code. After a commit it answers only once this server
 * has heard the cache notices of what it changed (`SharedCaches.sync`), so that no later read here
 * answers from the old value. When the connection is lost at the commit, the outcome is unknown: the
 * caller gets SERVICE_UNAVAILABLE with `outcome: UNKNOWN` and no FAILURE entry is written.
 *
 * The default transaction is pipelined (`pipelinedTransaction`): BEGIN leaves with the work's first
 * statement, and the SUCCESS entry with the COMMIT, so that the wrapper adds no round trip of its own
 * but the notice wait. A failed entry fails the commit, which then rolls the work back.
 */
export async function mutation<T>(ctx: Context, spec: MutationSpec<T>, work: (write: Write) => Promise<T>): Promise<T> {
  const { action, capability } = spec;
  const actor = ctx.actor;
  const named = claimAttempt(ctx);
  const draft: AuditDraft = {
    actorId: actor?.userId ?? null,
    actorUsername: actor?.username ?? null,
    actorRole: null,
    jurisdictionId: actor?.jurisdictionId ?? null,
    targetType: null,
    targetIds: [],
    detail: null,
    clientAddress: ctx.clientAddress,
  };
  let committing = false;
  let result: T;
  try {
    const grant = capability === null ? null : grantFor(ctx, capability);
    draft.actorRole = grant?.role ?? null;
    result = await requestTransaction(ctx.dataSource, spec.transaction ?? defaultTransaction(ctx.dataSource), async (tx) => {
      const done = await work({
        tx,
        ctx: { ...ctx, db: tx, loaders: new Map() },
        grant,
        target(type, ids) {
          draft.targetType = type;
          draft.targetIds = ids.map(String);
        },
        at(jurisdictionId) {
          draft.jurisdictionId = jurisdictionId;
        },
        detail(detail) {
          draft.detail = detail;
        },
        actor(actorId, username) {
          draft.actorId = actorId;
          draft.actorUsername = username;
        },
      });
      // On a pipelined transaction the entry goes out with the COMMIT, in one round trip.
      await withCommit(tx, recordAudit(tx, ctx.requestId, action, draft, 'SUCCESS', null));
      committing = true;
      return done;
    });
  } catch (error) {
    if (committing && isDatabaseUnreachable(error)) throw new ServiceUnavailableError('UNKNOWN');
    const { code, message } = errorOutcome(error);
    // A failure before the mutation learned its target's ids names what its arguments named.
    if (named && draft.targetIds.length === 0) Object.assign(draft, named);
    await recordAudit(ctx.db, ctx.requestId, action, draft, 'FAILURE', code, message).catch((failure) => {
      // During an outage the outage itself is logged, once.
      if (!isDatabaseUnreachable(failure)) logger().error({ err: failure, action, requestId: ctx.requestId }, 'could not record a failed mutation');
    });
    throw error;
  }
  await sharedCaches(ctx.dataSource).sync();
  return result;
}
