import { Field, Int, ObjectType } from 'type-graphql';
import { connectionTypes } from '../kernel/pagination';
import { JurisdictionLevel, TownKind, VillageKind } from '../kernel/division-codes';

@ObjectType({ simpleResolvers: true, description: 'An ancestor seen from below: code, name and level only (a breadcrumb).' })
export class JurisdictionRef {
  @Field({ description: 'Statistical division code at its level’s length (2, 4, 6, 9 or 12 digits).' })
  code: string;

  @Field()
  name: string;

  @Field(() => JurisdictionLevel)
  level: JurisdictionLevel;
}

@ObjectType({ simpleResolvers: true, description: 'How many nodes of each level lie below a node.' })
export class DescendantCounts {
  @Field(() => Int)
  cities: number;

  @Field(() => Int)
  counties: number;

  @Field(() => Int)
  towns: number;

  @Field(() => Int)
  villages: number;

  @Field(() => Int, { description: 'All descendants, every level.' })
  total: number;
}

@ObjectType('Jurisdiction', { simpleResolvers: true, description: 'A node of the administrative tree (行政区划) in the caller’s subtree.' })
export class JurisdictionNode extends JurisdictionRef {
  @Field(() => TownKind, { nullable: true, description: 'For TOWN nodes: 街道, 镇, 乡 or other.' })
  townKind: TownKind | null;

  @Field(() => VillageKind, { nullable: true, description: 'For VILLAGE nodes: 社区居委会, 村委会 or other.' })
  villageKind: VillageKind | null;
}

export const { Edge: JurisdictionEdge, Connection: JurisdictionConnection } = connectionTypes(
  JurisdictionNode,
  'Jurisdiction',
);
