import type { EntityManager } from 'typeorm';
import { namedQuery } from '../db/named-query';
import { Capability, type Role } from '../kernel/actor';
import { requireCapability } from '../access/scope';
import type { Context } from '../kernel/context';
import { BadUserInputError } from '../kernel/errors';
import { keysetPage, textKey, type Page } from '../kernel/pagination';
import { storableJson, storableText } from '../kernel/text';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
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
