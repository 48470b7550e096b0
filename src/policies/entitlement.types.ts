import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { PersonNode } from '../elderly/person.types';
import { MonthScalar, DateScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { JurisdictionLevel } from '../kernel/division-codes';
import { JurisdictionRef } from '../jurisdictions/jurisdiction.types';
import { ReasonCode, SchemeOutcomeStatus } from './scheme-rules';
import { SchemeNode, SubsidyTier } from './policy.types';

registerEnumType(ReasonCode, {
  name: 'EntitlementReason',
  description: 'Why a tier does not pay (a person’s or a facility’s).',
  valuesConfig: {
    NOT_ACTIVE: { description: 'Moved away or deceased by the month’s end (in an earlier month, or in this one when the scheme’s lastMonth stops in it).' },
    NOT_ENROLLED: { description: 'The scheme requires an application (requiresApplication) and the month is outside every enrolment of the person in it.' },
    ASSESSMENT_EXPIRED: { description: 'The latest assessment is older than the scheme’s assessmentValidMonths.' },
    EXCLUDED_LIVING_SITUATION: { description: 'Lives in a situation the tier excludes (livingSituationsNone).' },
    NEITHER_HUKOU_NOR_RESIDENT: { description: 'hukouOrResident: neither 户籍 within the scheme’s jurisdiction nor resident for minResidentMonths.' },
    FACILITY_TYPE: { description: 'The facility is not of a type the tier lists.' },
    SERVICE_MISSING: { description: 'The facility lacked a required service (when accepted; or on every day it operated).' },
    TOO_FEW_OPERATING_DAYS: {
      description: 'No run of consecutive days OPERATING with the required services (持续运营) as long as the tier asks; the message gives the longest run.',
    },
    NOT_OPERATING: { description: 'Not OPERATING with the required services on any day of the months its version was in force.' },
    NOT_ACCEPTED_IN_PERIOD: { description: 'The facility’s first acceptance (验收合格) is not in the year: a construction subsidy is paid once.' },
    NO_DINERS: { description: 'No diner count is recorded for the month (or any month judged): an operating subsidy pays each month by its own count.' },
    NOT_DESIGNATED: { description: 'The scheme pays one center per village (每个村（居）委会补助一个养老中心) and another center of the village qualifies: only the designated one is paid.' },
    BELOW_FLOOR: { description: 'The tier pays less than a floor set above (the level must raise it).' },
    OUTRANKED: { description: 'Another tier of the same scheme pays more (就高不就低).' },
  },
});
registerEnumType(SchemeOutcomeStatus, {
  name: 'SchemeEntitlementStatus',
  valuesConfig: {
    APPLIED: { description: 'Pays this month.' },
    NOT_ELIGIBLE: { description: 'No tier applies.' },
    EXCLUDED: { description: 'A scheme of the same exclusion group pays more (不得重复享受).' },
  },
});

@ObjectType({ simpleResolvers: true })
export class Reason {
  @Field(() => ReasonCode)
  code: ReasonCode;

  @Field()
  message: string;
}

@ObjectType({ simpleResolvers: true })
export class TierEntitlement {
  @Field(() => SubsidyTier)
  tier: SubsidyTier;

  @Field({ description: 'Every condition holds.' })
  eligible: boolean;

  @Field({ description: 'It pays: eligible, and not outranked or excluded.' })
  applied: boolean;

  @Field(() => [Reason], { description: 'Why it does not pay; empty when it does.' })
  reasons: Reason[];
}

@ObjectType({ simpleResolvers: true, description: 'What one funder pays.' })
export class FundingShare {
  @Field(() => JurisdictionLevel)
  level: JurisdictionLevel;

  @Field(() => JurisdictionRef, { description: 'The person’s ancestor at that level.' })
  funder: JurisdictionRef;

  @Field(() => FenScalar)
  amountFen: number;
}

@ObjectType({ simpleResolvers: true })
export class SchemeEntitlement {
  @Field(() => SchemeNode, { description: 'The scheme with the version in force in the month.' })
  scheme: SchemeNode;

  @Field(() => SchemeOutcomeStatus)
  status: SchemeOutcomeStatus;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [TierEntitlement])
  tiers: TierEntitlement[];

  @Field(() => [FundingShare], { description: 'The amount split by the scheme’s weights, exactly (largest remainder).' })
  shares: FundingShare[];

  @Field(() => SchemeNode, { nullable: true })
  excludedBy: SchemeNode | null;
}

@ObjectType({ simpleResolvers: true, description: 'What a person is entitled to in a month, scheme by scheme, with the reasons and who pays.' })
export class Entitlement {
  @Field(() => PersonNode)
  person: PersonNode;

  @Field(() => MonthScalar)
  month: string;

  @Field(() => DateScalar, { description: 'Facts are read as they stand on this day, the month’s last.' })
  referenceDay: string;

  @Field(() => Int, { description: 'Completed years on the reference day.' })
  age: number;

  @Field(() => FenScalar)
  amountFen: number;

  @Field(() => [SchemeEntitlement], { description: 'Every scheme in force where the person lives, highest level first.' })
  schemes: SchemeEntitlement[];

  @Field(() => [FundingShare], { description: 'What each funder pays in all, highest level first.' })
  shares: FundingShare[];
}
