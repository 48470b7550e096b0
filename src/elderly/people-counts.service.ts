import type { EntityManager } from 'typeorm';
import { codeInScope } from '../access/actor';
import { Capability } from '../access/roles';
import { requireActor, requireCapability } from '../access/scope';
import { coverageService } from '../coverage/coverage.service';
import { loader, type Context } from '../graphql/context';
import { pastDay, todayInChina } from '../graphql/dates';
import { ForbiddenError } from '../graphql/errors';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { AbilityStanding, AgeBand, HardshipCategory } from './elderly-kinds';
import { peopleCountsLoader } from './people-counts.loaders';
import type { PeopleCounts } from './people-counts.types';
import { abilityKey, ageBandKey, categoryKey, PEOPLE_TOTAL_KEY, peopleFigureDifference, type PersonFigureFacts } from './person-figures';
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
  await coverageService.recordDatedChanges(
    tx,
    difference.map(({ villageCode, key, day, delta }) => ({ unitCode: villageCode, key, day, delta })),
  );
}

/** The people's facts as the counts read them (in id order), in one statement; inside a write, after the people are locked. */
export async function figureFactsOf(tx: EntityManager, personIds: readonly number[]): Promise<(PersonFigureFacts & { id: number })[]> {
  return personRepository.figureFactsOf(tx, personIds);
}

export const peopleCountsService = {
  /** How many people of the registry live in each node's subtree at the end of `day`, batched: callers check access. */
  async totalsOf(ctx: Context, nodeIds: readonly number[], day: string): Promise<number[]> {
    const loaded = await loader(ctx, peopleCountsLoader).loadMany(nodeIds.map((nodeId) => ({ nodeId, day })));
    return loaded.map((found) => {
      if (found instanceof Error) throw found;
      return found.values.get(PEOPLE_TOTAL_KEY) ?? 0;
    });
  },

  /** People living in the node's subtree counted today, or at the end of a past day `asOf`, by category, ability and age band. */
  async counts(ctx: Context, node: Jurisdiction, asOf?: string | null): Promise<PeopleCounts> {
    requireCapability(ctx, Capability.READ_PEOPLE_COUNTS);
    if (!codeInScope(requireActor(ctx), node.code)) throw new ForbiddenError();
    const day = asOf === null || asOf === undefined ? todayInChina() : pastDay(asOf, 'asOf');
    const { values, observedAt } = await loader(ctx, peopleCountsLoader).load({ nodeId: node.id, day });
    const count = (key: string) => values.get(key) ?? 0;
    return {
      asOf: day,
      observedAt,
      total: count(PEOPLE_TOTAL_KEY),
      byCategory: Object.values(HardshipCategory).map((category) => ({ category, count: count(categoryKey(category)) })),
      byAbility: Object.values(AbilityStanding).map((level) => ({ level, count: count(abilityKey(level)) })),
      byAgeBand: Object.values(AgeBand).map((band) => ({ band, count: count(ageBandKey(band)) })),
    };
  },
};
