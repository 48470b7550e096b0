import { Capability } from '../kernel/actor';
import { mutation } from '../audit/mutation';
import { requireCapability, requireCodes } from '../access/scope';
import { loader, type Context } from '../kernel/context';
import { todayInChina } from '../kernel/dates';
import { JurisdictionLevel } from '../kernel/division-codes';
import { BadUserInputError } from '../kernel/errors';
import { parseText } from '../kernel/text';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { jurisdictionService } from '../jurisdictions/jurisdiction.service';
import { populationLoader } from './population.loaders';
import { populationRepository, type PopulationRecord, type PopulationRow } from './population.repository';
import { ElderlyPopulation, PopulationBasis, ShareDenominator } from './population.types';

/** The first year a figure may be recorded for. */
export const FIRST_POPULATION_YEAR = 1949;
/** The longest `source` text. */
export const MAX_SOURCE_LENGTH = 200;
// A count of people fits a GraphQL Int.
const MAX_PEOPLE = 2_147_483_647;

const CHILDREN_NAMES: Record<JurisdictionLevel, string> = {
  PROVINCE: 'cities',
  CITY: 'counties',
  COUNTY: 'towns',
  TOWN: 'villages',
  VILLAGE: 'children',
};

/** A year a population may describe: from 1949 through the current year in China; BAD_USER_INPUT naming `field` otherwise. */
export function checkYear(year: number, field: string): number {
  const last = Number(todayInChina().slice(0, 4));
  if (!Number.isInteger(year) || year < FIRST_POPULATION_YEAR || year > last) {
    throw new BadUserInputError(field, `must be a year from ${FIRST_POPULATION_YEAR} to ${last}`);
  }
  return year;
}

/** A count of people: a whole number of at least 0; BAD_USER_INPUT naming `field` otherwise. */
export function checkCount(count: number, field: string): number {
  if (!Number.isInteger(count) || count < 0 || count > MAX_PEOPLE) throw new BadUserInputError(field, 'must be a whole number of at least 0');
  return count;
}

/** The figures of a recording, checked: BAD_USER_INPUT naming the first field at fault (`prefix` + its name). */
export function checkFigures(year: number, aged60Plus: number, aged80Plus: number, source: string, prefix = ''): Omit<PopulationRecord, 'nodeId'> {
  checkYear(year, `${prefix}year`);
  checkCount(aged60Plus, `${prefix}aged60Plus`);
  checkCount(aged80Plus, `${prefix}aged80Plus`);
  if (aged80Plus > aged60Plus) throw new BadUserInputError(`${prefix}aged80Plus`, 'must not exceed aged60Plus (people of 80 or more are among those of 60 or more)');
  const text = parseText(source, `${prefix}source`, { required: true, max: MAX_SOURCE_LENGTH })!;
  return { year, aged60Plus, aged80Plus, source: text };
}

/** A roll-up row as the API answers it. */
export function populationView(node: Jurisdiction, year: number, row: PopulationRow): ElderlyPopulation {
  const basis = row.recorded ? PopulationBasis.RECORDED : PopulationBasis.SUM_OF_CHILDREN;
  const complete = row.recorded || row.complete;
  const summary =
    basis === PopulationBasis.RECORDED
      ? 'recorded'
      : `sum of ${row.childrenWithFigure} of ${row.children} ${CHILDREN_NAMES[node.level]}${complete ? '' : ' (incomplete)'}`;
  return {
    jurisdiction: node,
    year,
    aged60Plus: row.aged60Plus,
    aged80Plus: row.aged80Plus,
    basis,
    complete,
    children: row.children,
    childrenWithFigure: row.childrenWithFigure,
    summary,
    source: row.recorded ? row.source : null,
    recordedAt: row.recorded ? row.recordedAt : null,
  };
}

/** What a share of the elderly of a node divides by, and its value. */
export interface ShareBase {
  denominator: number;
  source: ShareDenominator;
}

export const populationService = {
  /** The node's elderly population for `year` (its own figure, else its children's summed); null when nothing in its subtree is recorded. */
  async ofNode(ctx: Context, node: Jurisdiction, year: number): Promise<ElderlyPopulation | null> {
    requireCapability(ctx, Capability.READ_PEOPLE_COUNTS);
    requireCodes(ctx, [node.code]);
    checkYear(year, 'year');
    const row = await loader(ctx, populationLoader).load({ nodeId: node.id, year });
    return row ? populationView(node, year, row) : null;
  },

  /**
   * What a share of the elderly of each node divides by on `day`: the 60+ population of the day's
   * year when it is recorded or summed from children that all have one, else the people of the
   * registry (`registry[i]`). Batched; callers check access.
   */
  async shareBases(ctx: Context, nodeIds: readonly number[], day: string, registry: readonly number[]): Promise<ShareBase[]> {
    const year = Number(day.slice(0, 4));
    const rows = await loader(ctx, populationLoader).loadMany(nodeIds.map((nodeId) => ({ nodeId, year })));
    return rows.map((row, i) => {
      if (row instanceof Error) throw row;
      if (row?.recorded) return { denominator: row.aged60Plus, source: ShareDenominator.POPULATION_RECORDED };
      if (row?.complete) return { denominator: row.aged60Plus, source: ShareDenominator.POPULATION_SUM_OF_CHILDREN };
      return { denominator: registry[i], source: ShareDenominator.REGISTRY };
    });
  },

  /** Records a node's figures for a year, superseding the current ones (kept as history); the node's population after it. */
  async record(ctx: Context, code: string, year: number, aged60Plus: number, aged80Plus: number, source: string): Promise<ElderlyPopulation> {
    return mutation(ctx, { action: 'population.record', capability: Capability.RECORD_POPULATION }, async ({ tx, ctx: inside, grant, target, at, detail }) => {
      target('ElderlyPopulation', []);
      const figures = checkFigures(year, aged60Plus, aged80Plus, source);
      const node = await jurisdictionService.get(inside, code);
      at(node.id);
      const [recorded] = await populationRepository.record(tx, [{ nodeId: node.id, ...figures }], grant!.actor.userId);
      target('ElderlyPopulation', [recorded.id]);
      detail({ code: node.code, ...figures, supersedes: recorded.supersedes });
      const [row] = await populationRepository.rollup(tx, [node.id], year);
      return populationView(node, year, row);
    });
  },
};
