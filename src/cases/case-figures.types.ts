import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';

export enum CaseFiguresOrder {
  OVERDUE_DESC = 'OVERDUE_DESC',
  CODE = 'CODE',
}

registerEnumType(CaseFiguresOrder, {
  name: 'CaseFiguresOrder',
  description: 'How to sort children by their case figures.',
  valuesConfig: {
    OVERDUE_DESC: { description: 'Most overdue first (the reverse of the rank); ties by more open cases, then code.' },
    CODE: { description: 'Division code order.' },
  },
});

@ObjectType('CaseFigures', {
  simpleResolvers: true,
  description: 'The open cases filed at the villages of a subtree, by what they await, today: counts only, no names.',
})
export class CaseFigures {
  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => Int, { description: 'Every case not decided: waiting + inReview + returned.' })
  open: number;

  @Field(() => Int, { description: 'Filed outside an intake window: their first step begins when the next window opens.' })
  waiting: number;

  @Field(() => Int, { description: 'At a step that has begun.' })
  inReview: number;

  @Field(() => Int, { description: 'Sent back to the village step for more material (no deadline runs).' })
  returned: number;

  @Field(() => Int, { description: 'In review with a due date before today (China).' })
  overdue: number;

  @Field(() => DateScalar, { description: 'The day the figures describe: today in China (figures of a past day are not kept).' })
  asOf: string;

  /** The place among the siblings, when the list that read the node ranked it. */
  ranked?: { rank: number; among: number } | null;
}

export const { Edge: CaseFiguresEdge, Connection: CaseFiguresConnection } = connectionTypes(CaseFigures, 'CaseFigures');
