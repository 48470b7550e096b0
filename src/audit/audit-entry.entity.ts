import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Role } from '../access/roles';

export type AuditOutcome = 'SUCCESS' | 'FAILURE';

/** One mutation as it happened: who, under which role, where, what, on which ids, when, how it ended. */
@Entity('audit_entry')
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  @Column({ name: 'actor_id', type: 'integer', nullable: true })
  actorId: number | null;

  @Column({ name: 'actor_username', type: 'text', nullable: true })
  actorUsername: string | null;

  @Column({ name: 'actor_role', type: 'enum', enum: Role, enumName: 'user_role', nullable: true })
  actorRole: Role | null;

  @Column({ name: 'jurisdiction_id', type: 'integer', nullable: true })
  jurisdictionId: number | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'target_type', type: 'text', nullable: true })
  targetType: string | null;

  @Column({ name: 'target_ids', type: 'text', array: true })
  targetIds: string[];

  @Column({ type: 'enum', enum: ['SUCCESS', 'FAILURE'], enumName: 'audit_outcome' })
  outcome: AuditOutcome;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: Record<string, unknown> | null;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'client_address', type: 'text', nullable: true })
  clientAddress: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage: string | null;
}
