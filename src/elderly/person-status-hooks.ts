import type { EntityManager } from 'typeorm';
import type { Actor } from '../kernel/actor';
import type { PersonStatus } from './elderly-kinds';

/**
 * What later features do, in the same transaction, when a person is recorded DECEASED or MOVED_AWAY
 * (the cases close their open applications and end their enrolments). The elderly feature imports
 * none of them: they register here at start-up (src/app/schema.ts), so no import cycle arises.
 */
export interface PersonStatusChange {
  tx: EntityManager;
  actor: Actor;
  personId: number;
  status: PersonStatus;
  /** The day of the death or the move. */
  on: string;
}

export type PersonStatusHook = (change: PersonStatusChange) => Promise<void>;

const hooks = new Map<string, PersonStatusHook>();

/** Registers `hook` under `name` (again under the same name: replaced, so start-up may run twice). */
export function onPersonStatus(name: string, hook: PersonStatusHook): void {
  hooks.set(name, hook);
}

/** Runs every registered hook, in registration order, inside the recording transaction. */
export async function personStatusChanged(change: PersonStatusChange): Promise<void> {
  for (const hook of hooks.values()) await hook(change);
}
