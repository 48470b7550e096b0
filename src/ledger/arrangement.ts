import { JurisdictionLevel } from '../kernel/division-codes';
import { allocate } from '../policies/cost-shares';

const LEVELS = Object.values(JurisdictionLevel);

/** A funding arrangement: the levels that pay and their weights, highest level first. */
export type Arrangement = { level: JurisdictionLevel; weight: number }[];

/** Reads an arrangement as the ledger writes it (`COUNTY:7,TOWN:3`), highest level first. */
export function parseArrangement(weights: string): Arrangement {
  return weights
    .split(',')
    .map((part) => part.split(':'))
    .map(([level, weight]) => ({ level: level as JurisdictionLevel, weight: Number(weight) }))
    .sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}

/** `amount` fen of either sign split by the arrangement's weights, largest remainder (a negative amount splits as its opposite). */
export function splitBy(amount: number, arrangement: Arrangement): number[] {
  const weights = arrangement.map((f) => f.weight);
  return amount >= 0 ? allocate(amount, weights) : allocate(-amount, weights).map((share) => -share);
}

/** The funder of each level of the arrangement for a village, from its lineage. */
export function fundersOf(arrangement: Arrangement, villageCode: string, lineages: Map<string, Map<JurisdictionLevel, number>>): number[] {
  return arrangement.map(({ level }) => {
    const funderId = lineages.get(villageCode)?.get(level);
    if (funderId === undefined) throw new Error(`village ${villageCode} has no ${level} above it`);
    return funderId;
  });
}
