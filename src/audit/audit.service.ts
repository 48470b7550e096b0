import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import { defaultTransaction, requestTransaction, withCommit } from '../db/transaction';
import { actingRole } from '../access/actor';
import { Capability, type Role } from '../kernel/actor';
import { requireCapability } from '../access/scope';
import { logger } from '../config/logger';
import type { Context } from '../kernel/context';
import { isDatabaseUnreachable } from '../db/availability';
import { BadUserInputError, ServiceUnavailableError } from '../kernel/errors';
import { keysetPage, textKey, type Page } from '../kernel/pagination';
import { storableJson, storableText } from '../kernel/text';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { claimAttempt, errorOutcome } from './attempt';
import { auditRepository, type AuditRow } from './audit.repository';
import type { AuditTrailArgs } from './audit.types';

// An entry's id (a bigserial) as the trail's cursor key.
const ENTRY_KEY = textKey((key) => /^\d{1,18}$/.test(key));

/** What a mutation fills in as it learns it: where it acted and on which ids. */
export interface AuditDraft {
  actorId: number | null;
  actorUsername: string | null;
  actorRole: Role | null;
  jurisdictionId: number | null;
  targetType: string | null;
  targetIds: string[];
  detail: Record<string, unknown> | null;
  /** The client's address (none for the command line). */
  clientAddress?: string | null;
}

// A failure's message is ours, but may quote what the client sent.
const MAX_MESSAGE = 2000;

/** Appends one entry to the trail (within `db`'s transaction when it has one). */
export async function recordAudit(
  db: EntityManager,
  requestId: string | null,
  action: string,
  draft: AuditDraft,
  outcome: 'SUCCESS' | 'FAILURE',
  errorCode: string | null,
  errorMessage: string | null = null,
): Promise<void> {
  // Whatever the client typed is stored as PostgreSQL can hold it, so that no entry is lost to its text.
  const text = (value: string | null | undefined) => (value == null ? null : storableText(value));
  await namedQuery(
    db,
    'audit_insert',
    `INSERT INTO audit_entry (actor_id, actor_username, actor_role, jurisdiction_id, action, target_type, target_ids,
       outcome, error_code, detail, request_id, client_address, error_message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      draft.actorId,
      text(draft.actorUsername),
      draft.actorRole,
      draft.jurisdictionId,
      text(action),
      text(draft.targetType),
      draft.targetIds.map(storableText),
      outcome,
      text(errorCode),
      storableJson(draft.detail),
      text(requestId),
      text(draft.clientAddress),
      text(errorMessage?.slice(0, MAX_MESSAGE)),
    ],
  );
}

/** One read of personal data, as the trail records it. */
export interface AuditedRead {
  jurisdictionId: number;
  targetType: string;
  targetId: string;
  detail: Record<string, unknown>;
}

/** Appends one SUCCESS entry per read in a single statement (reads of a request are batched). */
export async function recordReads(
  db: EntityManager,
  requestId: string | null,
  action: string,
  actor: { userId: number; username: string; role: Role | null; clientAddress?: string | null },
  reads: readonly AuditedRead[],
): Promise<void> {
  if (reads.length === 0) return;
  await namedQuery(
    db,
    'audit_insert_reads',
    `INSERT INTO audit_entry (actor_id, actor_username, actor_role, jurisdiction_id, action, target_type, target_ids, outcome, detail, request_id, client_address)
     SELECT $1, $2, $3, r.jurisdiction_id, $4, r.target_type, ARRAY[r.target_id], 'SUCCESS', r.detail, $5, $10
     FROM unnest($6::int[], $7::text[], $8::text[], $9::jsonb[]) AS r (jurisdiction_id, target_type, target_id, detail)`,
    [
      actor.userId,
      actor.username,
      actor.role,
      action,
      requestId,
      reads.map((r) => r.jurisdictionId),
      reads.map((r) => r.targetType),
      reads.map((r) => r.targetId),
      reads.map((r) => JSON.stringify(storableJson(r.detail))),
      actor.clientAddress ?? null,
    ],
  );
}

/**
 * Being replaced by `mutation` (./mutation.ts), feature by feature.
 *
 * Runs a mutation in one transaction and records it in the audit trail: on success in the same
 * transaction as the change; on failure, after the rollback, with the error's code. `transaction`
 * opens the transaction when a mutation needs more than the default one (a lock, an isolation level).
 * `work` gets the transaction's context as its third argument: every read and write through it uses
 * the transaction's connection (`ctx.db`) and loaders of its own; the pool refuses it a second one.
 * When the database connection is lost once the work is done (at the commit), the outcome is
 * unknown: the caller gets SERVICE_UNAVAILABLE with `outcome: UNKNOWN` and no FAILURE entry is written.
 */
export async function audited<T>(
  ctx: Context,
  action: string,
  capability: Capability | null,
  work: (tx: EntityManager, draft: AuditDraft, ctx: Context) => Promise<T>,
  transaction: (inside: (tx: EntityManager) => Promise<T>) => Promise<T> = defaultTransaction(ctx.dataSource),
): Promise<T> {
  const actor = ctx.actor;
  const named = claimAttempt(ctx);
  const draft: AuditDraft = {
    actorId: actor?.userId ?? null,
    actorUsername: actor?.username ?? null,
    actorRole: actor && capability ? actingRole(actor, capability) : null,
    jurisdictionId: actor?.jurisdictionId ?? null,
    targetType: null,
    targetIds: [],
    detail: null,
    clientAddress: ctx.clientAddress,
  };
  let committing = false;
  try {
    return await requestTransaction(ctx.dataSource, transaction, async (tx) => {
      const result = await work(tx, draft, { ...ctx, db: tx, loaders: new Map() });
      // On a pipelined transaction the entry goes out with the COMMIT, in one round trip.
      await withCommit(tx, recordAudit(tx, ctx.requestId, action, draft, 'SUCCESS', null));
      committing = true;
      return result;
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
}

/** The audit trail of the caller's subtree (or of `under` in it), newest first. */
export async function auditTrail(ctx: Context, args: AuditTrailArgs): Promise<Page<AuditRow>> {
  requireCapability(ctx, Capability.READ_AUDIT);
  const under = args.under ? await jurisdictionService.get(ctx, args.under, 'under') : await jurisdictionService.home(ctx);
  if (args.from && args.to && args.from > args.to) throw new BadUserInputError('to', 'must not be before from');
  const filter = {
    underPath: under.path,
    action: args.action?.trim() || null,
    actorUsername: args.username?.trim().toLowerCase() || null,
    outcome: args.outcome ?? null,
    from: args.from ?? null,
    to: args.to ?? null,
  };
  return keysetPage(args, {
    key: ENTRY_KEY,
    search: (beforeId, limit) => auditRepository.search(ctx.db, filter, beforeId, limit),
    count: () => auditRepository.count(ctx.db, filter),
    cursorOf: (row) => row.id,
  });
}
