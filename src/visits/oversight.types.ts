import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { CareRecipient } from '../care/care.types';
import { DateScalar } from '../kernel/dates';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { CheckedMaterial, OversightKind, OversightPurpose } from './oversight.rules';

@ObjectType({ simpleResolvers: true, description: 'A village’s or town’s call or visit to a recipient: a recorded fact, never changed.' })
export class OversightVisit {
  @Field(() => ID)
  id: number;

  @Field(() => JurisdictionRef, { description: 'The village or town that made it.' })
  by: JurisdictionRef;

  @Field(() => CareRecipient, { description: 'The person reached, the national ID masked.' })
  recipient: CareRecipient;

  @Field({ description: 'The village the person lived in when reached.' })
  villageCode: string;

  @Field(() => OversightKind)
  kind: OversightKind;

  @Field(() => OversightPurpose)
  purpose: OversightPurpose;

  @Field(() => DateScalar)
  visitedOn: string;

  @Field(() => [CheckedMaterial])
  checked: CheckedMaterial[];

  @Field()
  findings: string;

  @Field()
  falsificationSuspected: boolean;

  @Field({ description: 'The written record.' })
  record: string;

  @Field()
  recordedBy: string;

  @Field()
  recordedAt: Date;
}

export const { Connection: OversightVisitConnection } = connectionTypes(OversightVisit, 'OversightVisit');

@ObjectType({ simpleResolvers: true, description: 'A quarter’s spot checks at a node: recipients reached against those enrolled (counts, never a person).' })
export class OversightShare {
  @Field(() => Int, { description: 'People living below the node enrolled in a month of the quarter.' })
  enrolled: number;

  @Field(() => Int, { description: 'Of them, reached by at least one SPOT_CHECK call or visit dated in the quarter.' })
  reached: number;

  @Field(() => Float, { nullable: true, description: 'reached / enrolled; null with no one enrolled.' })
  share: number | null;

  @Field(() => Int, { nullable: true, description: 'communityCheckPercent of the care rules in force at the node on the quarter’s last day; null: none.' })
  percentRequired: number | null;

  @Field(() => Int, { nullable: true, description: 'ceil(percentRequired × enrolled / 100); null without rules.' })
  required: number | null;

  @Field(() => Boolean, { nullable: true, description: 'reached ≥ required; null without rules.' })
  met: boolean | null;
}

@ObjectType({ simpleResolvers: true, description: 'A child’s spot-check share and its rank among its siblings.' })
export class RankedOversightShare {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field(() => OversightShare)
  figure: OversightShare;

  @Field(() => Int, { nullable: true, description: '1 for the highest share; equal shares share a rank; null with no one enrolled.' })
  rank: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A quarter’s spot-check shares at a node and at each of its children, ranked.' })
export class OversightShares {
  @Field(() => JurisdictionRef)
  node: JurisdictionRef;

  @Field({ description: 'YYYY-Qn.' })
  quarter: string;

  @Field(() => OversightShare)
  figure: OversightShare;

  @Field(() => [RankedOversightShare], { description: 'Children by rank, those without anyone enrolled last, ties by code (none for a village).' })
  children: RankedOversightShare[];
}
