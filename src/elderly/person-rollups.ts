import type { EntityManager } from 'typeorm';
import { rollupRepository } from '../rollups/rollup.repository';
import { peopleFigureDifference, type PersonFigureFacts } from './person-figures';
import { personRepository } from './person.repository';

/**
 * Brings the people counts of the villages concerned and all their ancestors from people counted as
 * `before` to the same people counted as `after`, inside the caller's transaction: only the
 * difference is written, dated, in at most three statements however many people. A new person has no
 * `before`; a person who moved appears in `before` with the old village and in `after` with the new.
 * The CSV import calls it with `[]` and the new people's facts (`figureFactsOf` reads them back).
 */
export async function recordPeopleChanges(
  tx: EntityManager,
  before: readonly PersonFigureFacts[],
  after: readonly PersonFigureFacts[],
): Promise<void> {
  const difference = peopleFigureDifference(before, after);
  await rollupRepository.applyAlongPaths(
    tx,
    difference.map(({ villageCode, key, day, delta }) => ({ unitCode: villageCode, key, day, delta })),
  );
}

/** The people's facts as the counts read them (in id order), in one statement; inside a write, after the people are locked. */
export async function figureFactsOf(tx: EntityManager, personIds: readonly number[]): Promise<(PersonFigureFacts & { id: number })[]> {
  return personRepository.figureFactsOf(tx, personIds);
}
