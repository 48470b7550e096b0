import type { EntityManager } from 'typeorm';
import type { Context } from '../kernel/context';
import { hookList } from '../kernel/hooks';

/**
 * What later features do, in the same transaction, when an approval enrols a person (the compliance
 * figures count the new recipient in the months already planned at their village). The cases feature
 * imports none of them: they register here at start-up (src/app/schema.ts), so no import cycle arises.
 */
export interface Enrolled {
  /** The approving mutation's context, bound to its transaction. */
  ctx: Context;
  personId: number;
  /** The first month of the earliest of the new enrolments (YYYY-MM). */
  fromMonth: string;
}

const hooks = hookList<Enrolled>();

/** Registers `hook` under `name` (again under the same name: replaced, so start-up may run twice). */
export const onEnrolled = hooks.on;

/** Runs every registered hook, in registration order, inside the approving transaction. */
export const enrolled = hooks.run;

/** An enrolment ended (death, move, withdrawal, fraud): the voucher account freezes after its last month. */
export interface EnrolmentEnded {
  /** The ending mutation's transaction. */
  tx: EntityManager;
  personId: number;
  schemeId: number;
  /** The last month paid (YYYY-MM), by the scheme's lastMonth rule. */
  lastMonth: string;
  /** The day of the event. */
  day: string;
}

const endedHooks = hookList<EnrolmentEnded>();

/** Registers `hook` under `name`, run when an enrolment ends, inside the ending transaction. */
export const onEnrolmentEnded = endedHooks.on;

export const enrolmentEnded = endedHooks.run;
