import type { EntityManager } from 'typeorm';
import { hookList } from '../kernel/hooks';
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

const hooks = hookList<PersonStatusChange>();

/** Registers `hook` under `name` (again under the same name: replaced, so start-up may run twice). */
export const onPersonStatus = hooks.on;

/** Runs every registered hook, in registration order, inside the recording transaction. */
export const personStatusChanged = hooks.run;
