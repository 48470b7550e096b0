import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { FacilityStatus, FacilityType } from '../facilities/facility-kinds';
import { FacilityBeds } from '../facilities/facility.types';
import type { Jurisdiction } from '../jurisdictions/jurisdiction.entity';
import { JurisdictionNode } from '../jurisdictions/jurisdiction.types';
import { CoverageMetric } from '../facilities/coverage-metrics';

export enum CoverageOrder {
  RATE_DESC = 'RATE_DESC',
  RATE_ASC = 'RATE_ASC',
  CODE = 'CODE',
}

registerEnumType(CoverageOrder, {
  name: 'CoverageOrder',
  description: 'How to sort children by a coverage figure.',
  valuesConfig: {
    RATE_DESC: { description: 'Best covered first (rank order); ties by more covered units, then code.' },
    RATE_ASC: { description: 'Laggards first; ties by fewer covered units, then code.' },
    CODE: { description: 'Division code order.' },
  },
});

@ObjectType('Coverage', { simpleResolvers: true, description: 'One coverage figure of one jurisdiction on one day: covered units of all units.' })
export class CoverageFigure {
  @Field(() => CoverageMetric)
  metric: CoverageMetric;

  @Field(() => JurisdictionNode)
  jurisdiction: Jurisdiction;

  @Field(() => Int, { description: 'Covered units (villages, towns or counties, by the metric) in the subtree.' })
  numerator: number;

  @Field(() => Int, { description: 'All units of the metric’s level in the subtree (today’s tree).' })
  denominator: number;

  @Field(() => Float, { nullable: true, description: 'numerator / denominator, from 0 to 1; null when there are no units.' })
  rate: number | null;

  @Field(() => DateScalar, { description: 'The day the figure describes: as of the end of this day (today for live figures).' })
  asOf: string;

  @Field({ description: 'When the figure was read: it includes every change committed before this moment.' })
  observedAt: Date;

  /** Whether the figure is today's (live) rather than a past day's. */
  live: boolean;
}

export const { Edge: CoverageEdge, Connection: CoverageConnection } = connectionTypes(CoverageFigure, 'Coverage');

@ObjectType({ simpleResolvers: true, description: 'How many facilities of one type are in one lifecycle status.' })
export class FacilityCount {
  @Field(() => FacilityType)
  type: FacilityType;

  @Field(() => FacilityStatus)
  status: FacilityStatus;

  @Field(() => Int)
  count: number;
}

@ObjectType({ simpleResolvers: true, description: 'Beds in operating facilities, with the nursing and dementia shares.' })
export class BedFigures extends FacilityBeds {
  @Field(() => Float, { nullable: true, description: 'nursing / total; null without beds.' })
  nursingShare: number | null;

  @Field(() => Float, { nullable: true, description: 'dementia / total; null without beds.' })
  dementiaShare: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Facilities of a subtree today, by type and status, and their beds (live).' })
export class FacilityStats {
  @Field(() => [FacilityCount], { description: 'Every non-zero (type, status) pair, in enum order.' })
  byTypeAndStatus: FacilityCount[];

  @Field(() => BedFigures)
  beds: BedFigures;

  @Field({ description: 'When the figures were read.' })
  observedAt: Date;
}
