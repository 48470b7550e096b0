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
