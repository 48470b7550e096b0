import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { singleYearCost } from '../graphql/limits';
import type { Context } from '../kernel/context';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { populationImportService } from './population-import';
import { populationService } from './population.service';
import { ElderlyPopulation, PopulationImport } from './population.types';

@Resolver(() => JurisdictionNode)
export class JurisdictionPopulationResolver {
  @FieldResolver(() => ElderlyPopulation, {
    nullable: true,
    complexity: singleYearCost,
    description:
      'The elderly population (60+, 80+) for a year: the figure recorded for the node, else the sum of its children’s (saying how many had one and whether the sum is complete); null when nothing in the subtree is recorded for the year.',
  })
  elderlyPopulation(@Ctx() ctx: Context, @Root() node: Jurisdiction, @Arg('year', () => Int) year: number) {
    return populationService.ofNode(ctx, node, year);
  }
}

@Resolver(() => ElderlyPopulation)
export class PopulationResolver {
  @Mutation(() => ElderlyPopulation, {
    complexity: singleYearCost,
    description:
      'Records the elderly population of a jurisdiction of the caller’s subtree for a year (from the statistics bureau or the household register: `source`); the figure it had for that year is superseded and kept.',
  })
  recordElderlyPopulation(
    @Ctx() ctx: Context,
    @Arg('code') code: string,
    @Arg('year', () => Int) year: number,
    @Arg('aged60Plus', () => Int) aged60Plus: number,
    @Arg('aged80Plus', () => Int) aged80Plus: number,
    @Arg('source') source: string,
  ) {
    return populationService.record(ctx, code, year, aged60Plus, aged80Plus, source);
  }

  @Mutation(() => PopulationImport, {
    description:
      'Records the figures of a CSV file (code, year, aged60Plus, aged80Plus, source) as recordElderlyPopulation would; a bad row or one outside the caller’s subtree is refused as a row, the others recorded.',
  })
  importElderlyPopulation(@Ctx() ctx: Context, @Arg('csv') csv: string) {
    return populationImportService.import(ctx, csv);
  }
}
