import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, MonthScalar } from '../kernel/dates';
import { FenScalar } from '../kernel/money';
import { PageInfo } from '../kernel/pagination';
import { ServiceClass, ServiceItem } from '../care/care-kinds';
import { SchemeKind } from '../policies/policy-kinds';

export enum AnomalyKind {
  CHARGED_AFTER_END = 'CHARGED_AFTER_END',
  IMPOSSIBLE_SCHEDULE = 'IMPOSSIBLE_SCHEDULE',
  DEBITED_TO_ZERO = 'DEBITED_TO_ZERO',
  ROUND_ADJUSTMENT = 'ROUND_ADJUSTMENT',
  VERIFIED_NOT_CHARGED = 'VERIFIED_NOT_CHARGED',
}

/** What each kind is called in the campaign's lists (专项治理). */
export const ANOMALY_KIND_NAMES: Record<AnomalyKind, string> = {
  CHARGED_AFTER_END: '身故或核销后仍扣款的工单',
  IMPOSSIBLE_SCHEDULE: '服务时间或行程不可能的服务人员',
  DEBITED_TO_ZERO: '连续数月被同一服务商扣至零的补贴账户',
  ROUND_ADJUSTMENT: '整数金额的人工调账',
  VERIFIED_NOT_CHARGED: '已核验未扣款的工单',
};

/** Registers an enum whose values are described by their Chinese names. */
function registerNamed(values: object, name: string, description: string, names: Record<string, string>): void {
  registerEnumType(values, { name, description, valuesConfig: Object.fromEntries(Object.entries(names).map(([value, chinese]) => [value, { description: chinese }])) });
}

registerNamed(AnomalyKind, 'AnomalyKind', 'A list of the special campaign against falsified claims and misused funds (专项治理: 虚列套取).', ANOMALY_KIND_NAMES);

export enum AnomalyReason {
  DECEASED = 'DECEASED',
  MOVED_AWAY = 'MOVED_AWAY',
  ENROLMENT_ENDED = 'ENROLMENT_ENDED',
  ACCOUNT_FROZEN = 'ACCOUNT_FROZEN',
  OVERLAPPING_VISITS = 'OVERLAPPING_VISITS',
  TOO_FAST_BETWEEN_VISITS = 'TOO_FAST_BETWEEN_VISITS',
  DEBITED_TO_ZERO_BY_ONE_PROVIDER = 'DEBITED_TO_ZERO_BY_ONE_PROVIDER',
  ROUND_AMOUNT = 'ROUND_AMOUNT',
  NO_CONTRACT = 'NO_CONTRACT',
  NO_SERVICE_CLASS = 'NO_SERVICE_CLASS',
  ITEMS_UNPRICED = 'ITEMS_UNPRICED',
  PRICED_AT_ZERO = 'PRICED_AT_ZERO',
}

export const ANOMALY_REASON_NAMES: Record<AnomalyReason, string> = {
  DECEASED: '服务日在死亡之日或之后',
  MOVED_AWAY: '服务日在迁离之日或之后',
  ENROLMENT_ENDED: '服务月份所有补贴项目均已核销',
  ACCOUNT_FROZEN: '服务月份补贴账户均已冻结',
  OVERLAPPING_VISITS: '同一服务人员两次服务时间重叠',
  TOO_FAST_BETWEEN_VISITS: '两次服务之间的行程速度超过阈值',
  DEBITED_TO_ZERO_BY_ONE_PROVIDER: '连续数月由同一服务商扣至余额为零',
  ROUND_AMOUNT: '调账金额为整数倍',
  NO_CONTRACT: '工单无服务合同',
  NO_SERVICE_CLASS: '工单无服务类别',
  ITEMS_UNPRICED: '合同未为该服务类别的项目定价',
  PRICED_AT_ZERO: '合同定价为零',
};

registerNamed(AnomalyReason, 'AnomalyReason', 'Why a record is on an anomaly list.', ANOMALY_REASON_NAMES);

@ObjectType('MissingPrice', { simpleResolvers: true, description: 'An item of an order that its contract does not price for the order’s service class.' })
export class MissingPrice {
  @Field(() => ServiceItem)
  item: ServiceItem;

  @Field(() => ServiceClass, { nullable: true, description: 'The order’s service class; null when the order has none.' })
  serviceClass: ServiceClass | null;
}

@ObjectType('Anomaly', {
  simpleResolvers: true,
  description: 'One suspicious record to follow up, named by ids (never a person’s name or ID number); the fields a kind does not use are empty.',
})
export class Anomaly {
  @Field(() => AnomalyKind)
  kind: AnomalyKind;

  @Field(() => [AnomalyReason])
  reasons: AnomalyReason[];

  @Field(() => [ID], { description: 'The work orders concerned: one order; two visits of one caregiver (the earlier first); the orders charged in a run of months.' })
  orderIds: number[];

  @Field(() => [ID], { description: 'The people concerned (ids only), in the order of the orders.' })
  personIds: number[];

  @Field(() => [String], { description: 'Their villages’ division codes, in the order of the orders (distinct).' })
  villageCodes: string[];

  @Field(() => ID, { nullable: true, description: 'The provider organisation that served or charged.' })
  organisationId: number | null;

  @Field(() => ID, { nullable: true })
  caregiverId: number | null;

  @Field(() => [DateScalar], { description: 'The service days of the orders.' })
  serviceDays: string[];

  @Field(() => [MonthScalar], { description: 'The months of a run of accounts debited to zero.' })
  months: string[];

  @Field(() => FenScalar, { nullable: true, description: 'A charge’s price, the vouchers charged in a run of months, or an adjustment’s amount.' })
  amountFen: number | null;

  @Field(() => SchemeKind, { nullable: true, description: 'The voucher account’s kind (a run, an adjustment).' })
  schemeKind: SchemeKind | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day of death or of moving away, as the registry records it.' })
  statusSince: string | null;

  @Field(() => MonthScalar, { nullable: true, description: 'The last month the person’s enrolments in the voucher schemes paid, when all had ended.' })
  lastEnrolledMonth: string | null;

  @Field(() => MonthScalar, { nullable: true, description: 'The month after which every voucher account of the person is frozen.' })
  frozenAfter: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds from the earlier visit’s sign-out to the later one’s sign-in (negative: they overlap).' })
  gapSeconds: number | null;

  @Field(() => Int, { nullable: true, description: 'Metres from the earlier visit’s last place to the later one’s sign-in place (great-circle).' })
  distanceMetres: number | null;

  @Field(() => Float, { nullable: true, description: 'The speed that distance over that gap needs, in km/h, one decimal; null without a gap or a place.' })
  speedKmh: number | null;

  @Field(() => ID, { nullable: true })
  adjustmentId: number | null;

  @Field(() => String, { nullable: true, description: 'The funding level the adjustment moved (its division code).' })
  funderCode: string | null;

  @Field(() => ID, { nullable: true, description: 'The user who proposed the adjustment.' })
  proposedBy: number | null;

  @Field(() => ID, { nullable: true, description: 'The user who approved it.' })
  decidedBy: number | null;

  @Field(() => DateScalar, { nullable: true, description: 'The day the adjustment was approved.' })
  decidedOn: string | null;

  @Field(() => ID, { nullable: true, description: 'The order’s contract.' })
  contractId: number | null;

  @Field(() => [MissingPrice], { description: 'The prices the contract lacks for the order.' })
  missingPrices: MissingPrice[];
}

@ObjectType('Anomalies', { simpleResolvers: true, description: 'A page of one anomaly list under a node over a period, with the parameters it was drawn with.' })
export class Anomalies {
  @Field(() => AnomalyKind)
  kind: AnomalyKind;

  @Field(() => String, { description: 'The node whose subtree was searched.' })
  at: string;

  @Field(() => DateScalar)
  from: string;

  @Field(() => DateScalar)
  to: string;

  @Field(() => Int, { description: 'The speed above which two consecutive visits are listed (IMPOSSIBLE_SCHEDULE).' })
  maxSpeedKmh: number;

  @Field(() => Int, { description: 'The consecutive months at zero that list an account (DEBITED_TO_ZERO).' })
  months: number;

  @Field(() => FenScalar, { description: 'The multiple that makes an adjustment round (ROUND_ADJUSTMENT).' })
  multipleFen: number;

  @Field(() => [Anomaly])
  rows: Anomaly[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}
