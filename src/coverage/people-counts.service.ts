import type { EntityManager } from 'typeorm';
import { Capability } from '../kernel/actor';
import { requireCapability, requireCodes } from '../access/scope';
import { coverageService } from './coverage.service';
import { loader, type Context } from '../kernel/context';
import { pastDay, todayInChina } from '../kernel/dates';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { AbilityStanding, AgeBand, HardshipCategory } from '../elderly/elderly-kinds';
import { peopleCountsLoader } from './people-counts.loaders';
import type { PeopleCounts } from './people-counts.types';
import { abilityKey, ageBandKey, categoryKey, PEOPLE_TOTAL_KEY, peopleFigureDifference, type PersonFigureFacts } from '../elderly/person-figures';
import { personRepository } from '../elderly/person.repository';

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
    requireCodes(ctx, [node.code]);
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
