import { Role } from '../kernel/actor';

export type AuditOutcome = 'SUCCESS' | 'FAILURE';

/** One mutation as it happened: who, under which role, where, what, on which ids, when, how it ended. */
export interface AuditEntry {
  id: string;
  at: Date;
  actorId: number | null;
  actorUsername: string | null;
  actorRole: Role | null;
  jurisdictionId: number | null;
  action: string;
  targetType: string | null;
  targetIds: string[];
  outcome: AuditOutcome;
  errorCode: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
  clientAddress: string | null;
  errorMessage: string | null;
}
