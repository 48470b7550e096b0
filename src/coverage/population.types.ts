import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { ImportRowError } from '../elderly/person.types';

/** Where a node's elderly population comes from. */
export enum PopulationBasis {
  RECORDED = 'RECORDED',
  SUM_OF_CHILDREN = 'SUM_OF_CHILDREN',
}

/** What a share of the elderly divides by. */
export enum ShareDenominator {
  POPULATION_RECORDED = 'POPULATION_RECORDED',
  POPULATION_SUM_OF_CHILDREN = 'POPULATION_SUM_OF_CHILDREN',
  REGISTRY = 'REGISTRY',
}

registerEnumType(PopulationBasis, {
  name: 'PopulationBasis',
  valuesConfig: {
    RECORDED: { description: 'The node’s own figure for the year, as recorded.' },
    SUM_OF_CHILDREN: { description: 'The sum of the children’s figures (each its own, or the sum of its children’s).' },
  },
});
registerEnumType(ShareDenominator, {
  name: 'ShareDenominator',
  description: 'What a share of the elderly (e.g. 享受政府購買居家養老服務人數達到老年人總數的10%以上) was divided by.',
  valuesConfig: {
    POPULATION_RECORDED: { description: 'The 60+ population recorded for the node for the year of the day.' },
    POPULATION_SUM_OF_CHILDREN: { description: 'The 60+ population of the year summed from the children, every part of the subtree counted.' },
    REGISTRY: { description: 'No complete population for the year: the people of the registry counted on the day.' },
  },
});

@ObjectType({ simpleResolvers: true, description: 'The elderly population of a jurisdiction for a year.' })
export class ElderlyPopulation {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => Int)
  year: number;

  @Field(() => Int, { description: 'People aged 60 or more.' })
  aged60Plus: number;

  @Field(() => Int, { description: 'People aged 80 or more (part of aged60Plus).' })
  aged80Plus: number;

  @Field(() => PopulationBasis)
  basis: PopulationBasis;

  @Field({ description: 'Every part of the subtree is counted: recorded, or every child has a complete figure. An incomplete sum undercounts.' })
  complete: boolean;

  @Field(() => Int, { description: 'The node’s children.' })
  children: number;

  @Field(() => Int, { description: 'Of those, the ones with a figure for the year (their own or summed from below).' })
  childrenWithFigure: number;

  @Field({ description: 'In words: "recorded", or e.g. "sum of 9 of 11 towns (incomplete)".' })
  summary: string;

  @Field(() => String, { nullable: true, description: 'Where a recorded figure comes from (统计局, 公安户籍…); null for a sum.' })
  source: string | null;

  @Field(() => Date, { nullable: true, description: 'When a recorded figure was entered; null for a sum. Who entered it is in the audit trail (population.record / population.import).' })
  recordedAt: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'The outcome of a population import: the rows recorded and the rows refused.' })
export class PopulationImport {
  @Field(() => Int, { description: 'Data rows in the file.' })
  rows: number;

  @Field(() => Int, { description: 'Rows recorded (each superseding the node’s figure of the year, if any).' })
  recorded: number;

  @Field(() => Int, { description: 'Rows refused.' })
  rejectedRows: number;

  @Field(() => [ImportRowError], { description: 'Every problem of every refused row, by line.' })
  rejected: ImportRowError[];
}
