import { registerEnumType } from 'type-graphql';
import { PersonStatus } from '../elderly/elderly-kinds';
import type { ServiceItem } from '../care/care-kinds';

/**
 * Why a visit is not verified. Each reason is one rule, checked on every visit at check-out (and again
 * when a late event arrives); a visit with any reason is VOID, with all of them listed, and may be
 * redone («對服務質態及時長不符合規範的,均作廢單處理,通知服務人員重新提供服務», seed 004 篇四).
 * The facts a visit carries are electronic visit verification's six (type of service, person served,
 * date, location, caregiver, start and end), and the reasons are what the documents ask of them.
 */
export enum VisitVoidReason {
  NO_CHECK_OUT = 'NO_CHECK_OUT',
  CHECK_OUT_NOT_AFTER_CHECK_IN = 'CHECK_OUT_NOT_AFTER_CHECK_IN',
  SHORTER_THAN_MINIMUM = 'SHORTER_THAN_MINIMUM',
  CAREGIVER_OVERLAP = 'CAREGIVER_OVERLAP',
  RECIPIENT_NOT_ENROLLED = 'RECIPIENT_NOT_ENROLLED',
  RECIPIENT_DECEASED = 'RECIPIENT_DECEASED',
  RECIPIENT_MOVED_AWAY = 'RECIPIENT_MOVED_AWAY',
  ITEM_NOT_CONTRACTED = 'ITEM_NOT_CONTRACTED',
  CAREGIVER_NOT_TRAINED = 'CAREGIVER_NOT_TRAINED',
  CAREGIVER_BARRED = 'CAREGIVER_BARRED',
  AWAY_FROM_HOME = 'AWAY_FROM_HOME',
  NO_PLACE_EVIDENCE = 'NO_PLACE_EVIDENCE',
  WRONG_CARD = 'WRONG_CARD',
  SYNCED_TOO_LATE = 'SYNCED_TOO_LATE',
  VOIDED_ON_CALLBACK = 'VOIDED_ON_CALLBACK',
}

/** Where each rule comes from: a document's words, or the product's reading where the documents are silent. */
export const VOID_REASON_SOURCES: Record<VisitVoidReason, string> = {
  NO_CHECK_OUT: '«服務前掃二維碼簽入,服務結束後簽出» (seed 004 篇四): a visit without its sign-out has no end',
  CHECK_OUT_NOT_AFTER_CHECK_IN: '«服務前掃二維碼簽入,服務結束後簽出» (seed 004 篇四): the sign-out follows the sign-in',
  SHORTER_THAN_MINIMUM: '«每次服務時長不低於1小時» (seed 004 篇四); the minimum of a visit is the largest of its items’ minimums (a reading: the documents set one length per visit)',
  CAREGIVER_OVERLAP: 'one caregiver cannot be at two homes at once (electronic visit verification; the documents are silent)',
  RECIPIENT_NOT_ENROLLED: '«政府購買居家養老服務對象» (seed 004 篇四): only approved, enrolled recipients are served on the subsidy',
  RECIPIENT_DECEASED: '«遷離、去世…應立即核銷平台人員信息、停止提供服務» (seed 004 篇四)',
  RECIPIENT_MOVED_AWAY: '«遷離、去世…應立即核銷平台人員信息、停止提供服務» (seed 004 篇四)',
  ITEM_NOT_CONTRACTED: '«服務商根據招標要求以及服務合同約定的義務為老年人提供居家上門服務» (seed 004 篇四): the provider’s contract covers the village and the item that day',
  CAREGIVER_NOT_TRAINED: '«培訓不合格人員不得上崗» (seed 004 篇四)',
  CAREGIVER_BARRED: 'a caregiver barred by the level may not serve in its subtree while the bar runs',
  AWAY_FROM_HOME: 'the sign-in’s coordinates lie farther from the recipient’s registered place than the county’s radius (a setting: the documents give none)',
  NO_PLACE_EVIDENCE: '«服務前掃二維碼簽入» (seed 004 篇四): without coordinates, the scan of the recipient’s card is the evidence of place; a visit with neither has none',
  WRONG_CARD: '«掃二維碼簽入…刷市民卡» (seed 004 篇四): the card scanned is the recipient’s own',
  SYNCED_TOO_LATE: 'an offline device’s events reached the server later than the county allows (a setting: the documents give none)',
  VOIDED_ON_CALLBACK: '«對服務質態及時長不符合規範的,均作廢單處理» (seed 004 篇四): a call-back found the service below standard; set by the call-back, never by the evidence',
};

registerEnumType(VisitVoidReason, {
  name: 'VisitVoidReason',
  description: 'Why a visit is VOID: each value one verification rule (docs/visits.md).',
  valuesConfig: Object.fromEntries(Object.entries(VOID_REASON_SOURCES).map(([key, source]) => [key, { description: source }])),
});

export interface Place {
  lat: number;
  lng: number;
}

/** What a visit recorded: the device's clock for its start and end, the server's for when it arrived. */
export interface VisitEvidence {
  checkInAt: Date;
  checkOutAt: Date | null;
  /** When the server received the visit's last event. */
  receivedAt: Date;
  /** The coordinates at the sign-in, when the device had them. */
  place: Place | null;
  /** The token of the card scanned at the sign-in, when one was. */
  scannedCard: string | null;
}

/** What the visit is checked against, as things stood on its day. */
export interface VisitStanding {
  items: readonly { item: ServiceItem; minMinutes: number; contracted: boolean }[];
  recipient: { enrolled: boolean; status: PersonStatus; statusSince: string | null; home: Place | null; cardToken: string | null };
  caregiver: { trained: boolean; barred: boolean };
  /** The caregiver's other visits that count (not void), as start and end. */
  caregiverVisits: readonly { start: Date; end: Date }[];
  rules: { radiusMetres: number; lateSyncDays: number };
  /** The visit's day in China (YYYY-MM-DD). */
  day: string;
}

const EARTH_RADIUS_M = 6_371_008.8;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** The great-circle distance between two places, in metres (haversine). */
export function distanceMetres(a: Place, b: Place): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The reasons the evidence makes a visit void, in the order of the enum; none when it is verified (a call-back's void is recorded by the call-back). */
export function voidReasons(visit: VisitEvidence, standing: VisitStanding): VisitVoidReason[] {
  const reasons = new Set<VisitVoidReason>();
  const end = visit.checkOutAt;
  if (end === null) reasons.add(VisitVoidReason.NO_CHECK_OUT);
  else if (end.getTime() <= visit.checkInAt.getTime()) reasons.add(VisitVoidReason.CHECK_OUT_NOT_AFTER_CHECK_IN);
  else {
    const minimum = Math.max(0, ...standing.items.map((i) => i.minMinutes));
    if (end.getTime() - visit.checkInAt.getTime() < minimum * MINUTE_MS) reasons.add(VisitVoidReason.SHORTER_THAN_MINIMUM);
    if (standing.caregiverVisits.some((other) => other.start.getTime() < end.getTime() && visit.checkInAt.getTime() < other.end.getTime())) {
      reasons.add(VisitVoidReason.CAREGIVER_OVERLAP);
    }
  }
  const { recipient } = standing;
  const gone = recipient.statusSince !== null && recipient.statusSince <= standing.day;
  if (gone && recipient.status === PersonStatus.DECEASED) reasons.add(VisitVoidReason.RECIPIENT_DECEASED);
  if (gone && recipient.status === PersonStatus.MOVED_AWAY) reasons.add(VisitVoidReason.RECIPIENT_MOVED_AWAY);
  if (!recipient.enrolled) reasons.add(VisitVoidReason.RECIPIENT_NOT_ENROLLED);
  if (standing.items.length === 0 || standing.items.some((i) => !i.contracted)) reasons.add(VisitVoidReason.ITEM_NOT_CONTRACTED);
  if (!standing.caregiver.trained) reasons.add(VisitVoidReason.CAREGIVER_NOT_TRAINED);
  if (standing.caregiver.barred) reasons.add(VisitVoidReason.CAREGIVER_BARRED);
  // The place: coordinates within the radius of home, else the recipient's own card scanned.
  if (visit.scannedCard !== null && visit.scannedCard !== recipient.cardToken) reasons.add(VisitVoidReason.WRONG_CARD);
  if (visit.place !== null && recipient.home !== null) {
    if (distanceMetres(visit.place, recipient.home) > standing.rules.radiusMetres) reasons.add(VisitVoidReason.AWAY_FROM_HOME);
  } else if (visit.scannedCard === null) reasons.add(VisitVoidReason.NO_PLACE_EVIDENCE);
  const lastDeviceEvent = (end ?? visit.checkInAt).getTime();
  if (visit.receivedAt.getTime() - lastDeviceEvent > standing.rules.lateSyncDays * DAY_MS) reasons.add(VisitVoidReason.SYNCED_TOO_LATE);
  return Object.values(VisitVoidReason).filter((reason) => reasons.has(reason));
}
